#!/usr/bin/env node
/**
 * `npm run try-real <fix|add> [project names...]`: run `secure fix` or `secure add` on real legacy apps fetched
 * at pinned commits (never in CI). Each mode lives in its own module, loaded only when asked for, so one mode
 * works before the other's module exists.
 */
const [mode, ...rest] = process.argv.slice(2);
const modes = {
  fix: async () => (await import('./fix.mjs')).runFix(rest),
  add: async () => (await import('./add.mjs')).runAdd(rest),
  'add-python': async () => (await import('./add-python.mjs')).runAddPython(rest),
  'fix-python': async () => (await import('./fix-python.mjs')).runFixPython(rest),
};

if (!modes[mode]) {
  console.error(`usage: npm run try-real -- <${Object.keys(modes).join('|')}> [project names...]`);
  process.exitCode = 2;
} else {
  try {
    await modes[mode]();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}

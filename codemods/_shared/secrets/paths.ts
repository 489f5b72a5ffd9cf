/**
 * Where a file sits decides what its literals mean: test fixtures hold fake secrets on purpose (the engine
 * classifies test code, src/engine/test-files.ts), and client code ships to every browser (frontend-secret
 * reports those instead of hardcoded-secret).
 */

export { isTestPath } from '../../../src/engine/test-files.js';

/** Folders whose code is bundled for browsers. Next's `pages/api/` is server code. */
const clientSegment =
  /(?:^|\/)(?:client|frontend|front-end|public|static|components|hooks|browser|webapp|web-app|ui)\//i;
const nextPages = /(?:^|\/)pages\/(?!api\/)/;

export function isClientPath(relativePath: string): boolean {
  if (
    /(?:^|\/)(?:server|api|backend)\//i.test(relativePath) &&
    !/(?:^|\/)(?:client|frontend)\//i.test(relativePath)
  )
    return false;
  return clientSegment.test(relativePath) || (nextPages.test(relativePath) && /\.[jt]sx$/.test(relativePath));
}

/** A `'use client'` directive marks a React Server Components client module wherever it lives. */
export function hasUseClientDirective(program: { directives?: { value: { value: string } }[] }): boolean {
  return (program.directives ?? []).some((directive) => directive.value.value === 'use client');
}

const browserFrameworks =
  /^(?:react|react-dom|react-dom\/client|react-native|vue|svelte|preact|solid-js|@angular\/core|expo)$/;

/**
 * Code that runs in browsers (or apps): a client folder, a `'use client'` module, a .jsx/.tsx component, a
 * module importing a UI framework, or one reading `import.meta.env` (bundler-injected). There an env lookup
 * would not hide a secret, and `process.env` may not even exist.
 */
export function isClientModule(
  relativePath: string,
  program: { directives?: { value: { value: string } }[]; body: any[] },
  text: string,
): boolean {
  if (isClientPath(relativePath) || hasUseClientDirective(program)) return true;
  if (/\.[jt]sx$/.test(relativePath)) return true;
  if (text.includes('import.meta.env')) return true;
  return program.body.some(
    (statement) => statement.type === 'ImportDeclaration' && browserFrameworks.test(statement.source.value),
  );
}

/** The path of a file relative to its project root, with `/`. */
export function relativeToRoot(file: string, root: string): string {
  const normalized = file.replace(/\\/g, '/');
  const base = root.replace(/\\/g, '/').replace(/\/$/, '');
  return normalized.startsWith(`${base}/`) ? normalized.slice(base.length + 1) : normalized;
}

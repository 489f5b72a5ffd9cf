import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How the trial starts the app: as the project does, through its scripts when it has them. */
export interface StartCommand {
  /** A shell command line, run in the copy with node_modules/.bin on the PATH (as `npm run` does). */
  start: string;
  /** Run first, when `start` runs compiled output that must be rebuilt from the staged sources. */
  build?: string;
  /** `npm start`, `npm run dev`, `tsx src/server.ts`: for messages. */
  label: string;
}

interface PackageJson {
  main?: string;
  scripts?: Record<string, string>;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The folder tsc writes to (tsconfig's outDir), where a TypeScript project's start script often points. */
function outDirOf(dir: string): string {
  const tsconfig = readJson<{ compilerOptions?: { outDir?: string } }>(join(dir, 'tsconfig.json'));
  return (tsconfig?.compilerOptions?.outDir ?? 'dist').replace(/^\.\//, '').replace(/\/$/, '');
}

/**
 * True when the script runs compiled output (`node dist/server.js` in a TypeScript project, or a file that
 * is not there yet): the staged sources reach it only through a build.
 */
function runsBuildOutput(dir: string, script: string): boolean {
  const file = /\bnode\s+(?:--?[\w-]+(?:[= ]\S+)?\s+)*([^\s-][^\s]*\.[cm]?js)\b/.exec(script)?.[1];
  if (file === undefined) return false;
  const path = file.replace(/^\.\//, '');
  if (!existsSync(join(dir, path))) return true;
  return existsSync(join(dir, 'tsconfig.json')) && path.startsWith(`${outDirOf(dir)}/`);
}

function binary(dir: string, name: string): boolean {
  return existsSync(join(dir, 'node_modules', '.bin', name));
}

/** A process manager that puts the app in the background and exits (pm2 start, forever start): no trial there. */
const daemonizes = /\b(?:pm2|forever)\b/;

/**
 * The scripts that start the app, in the order tried: `start`, `dev`, then `start:*` and `serve` as projects
 * name them (`start:dev`, `start:prod`).
 */
function startScripts(scripts: Record<string, string>): string[] {
  const named = Object.keys(scripts).filter((name) => /^start:|^serve$/.test(name));
  return ['start', 'dev', ...named].filter((name) => scripts[name] && !daemonizes.test(scripts[name]));
}

const labelOf = (name: string) => (name === 'start' ? 'npm start' : `npm run ${name}`);

/**
 * The first start script that runs the sources (one that runs compiled output only after the build script),
 * else the `main` file or the entry with node (JavaScript) or tsx / ts-node (TypeScript).
 */
export function startCommand(dir: string, entry: string | undefined): StartCommand | undefined {
  const pkg = readJson<PackageJson>(join(dir, 'package.json')) ?? {};
  const scripts = pkg.scripts ?? {};
  const candidates = startScripts(scripts);
  const direct = candidates.find((name) => !runsBuildOutput(dir, scripts[name]));
  if (direct) return { start: scripts[direct], label: labelOf(direct) };
  if (candidates[0] && scripts.build)
    return {
      start: scripts[candidates[0]],
      build: scripts.build,
      label: `npm run build, then ${labelOf(candidates[0])}`,
    };
  const file = pkg.main && existsSync(join(dir, pkg.main)) ? pkg.main : entry;
  if (file === undefined) return undefined;
  if (!/\.[cm]?tsx?$/.test(file)) return { start: `node ${file}`, label: `node ${file}` };
  for (const runner of ['tsx', 'ts-node'])
    if (binary(dir, runner)) return { start: `${runner} ${file}`, label: `${runner} ${file}` };
  return undefined;
}

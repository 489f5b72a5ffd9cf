import { execa } from 'execa';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { majorOf } from './detect.js';
import type { FileChange } from './plan.js';

/**
 * The project as `secure add` would leave it, in a temporary folder: its files copied (not node_modules nor
 * .git), the staged changes written over them, and its installed packages linked, so that the trial start
 * reads the same dependencies without touching the project. Packages the change adds that are not installed
 * are installed into a folder of their own and linked beside the others.
 */
export interface TrialCopy {
  dir: string;
  /** Packages installed for the trial only (`name@range`). */
  installed: string[];
  remove(): void;
}

type PackageJson = { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

function parsePackageJson(text: string | undefined): PackageJson {
  try {
    return text === undefined ? {} : (JSON.parse(text) as PackageJson);
  } catch {
    return {};
  }
}

/** What node_modules holds (not what package.json asks for): the trial loads that. */
function installedIn(root: string, name: string): string | undefined {
  try {
    const manifest = join(root, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** `name@range` for each dependency the change adds or moves that node_modules does not satisfy. */
export function missingPackages(root: string, changes: readonly FileChange[]): string[] {
  const change = changes.find((each) => each.path === 'package.json');
  if (!change) return [];
  const before = parsePackageJson(change.before);
  const after = parsePackageJson(change.after);
  const wanted = { ...after.devDependencies, ...after.dependencies };
  const had = { ...before.devDependencies, ...before.dependencies };
  const missing: string[] = [];
  for (const [name, range] of Object.entries(wanted)) {
    if (had[name] === range) continue;
    const version = installedIn(root, name);
    // Our pins are exact versions; a major apart (an --upgrade) is a different package to load.
    const wantedMajor = /^[\^~]?\d/.test(range) ? majorOf(range) : undefined;
    if (version === undefined || (wantedMajor !== undefined && majorOf(version) !== wantedMajor))
      missing.push(`${name}@${range}`);
  }
  return missing;
}

const skipped = new Set(['node_modules', '.git']);

/** Links every installed package (scoped ones one by one, so that a trial package can sit beside them). */
function linkPackages(from: string, into: string, except: ReadonlySet<string>): void {
  mkdirSync(into, { recursive: true });
  for (const entry of readdirSync(from)) {
    if (entry.startsWith('@') && entry !== '@' && !except.has(entry)) {
      linkPackages(join(from, entry), join(into, entry), except);
      continue;
    }
    const name = basename(from).startsWith('@') ? `${basename(from)}/${entry}` : entry;
    if (!except.has(name) && !existsSync(join(into, entry)))
      symlinkSync(join(from, entry), join(into, entry));
  }
}

export async function makeTrialCopy(
  root: string,
  changes: readonly FileChange[],
  install: { timeoutMs: number },
): Promise<TrialCopy> {
  const dir = mkdtempSync(join(tmpdir(), 'secure-verify-start-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const app = join(dir, 'app');
    cpSync(root, app, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) => !skipped.has(basename(source)),
    });
    for (const change of changes) {
      mkdirSync(dirname(join(app, change.path)), { recursive: true });
      writeFileSync(join(app, change.path), change.after);
    }
    const missing = missingPackages(root, changes);
    const modules = join(root, 'node_modules');
    if (missing.length === 0) {
      if (existsSync(modules)) symlinkSync(modules, join(app, 'node_modules'), 'dir');
      return { dir: app, installed: [], remove };
    }
    const trial = join(dir, 'trial-packages');
    mkdirSync(trial);
    writeFileSync(join(trial, 'package.json'), '{"private":true}\n');
    await execa(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', ...missing],
      { cwd: trial, timeout: install.timeoutMs, stdin: 'ignore' },
    );
    const names = new Set(missing.map((spec) => spec.slice(0, spec.lastIndexOf('@'))));
    // The project's own packages first: a peer npm installed beside a trial package (a second express)
    // must not replace the one the app loads.
    if (existsSync(modules)) linkPackages(modules, join(app, 'node_modules'), names);
    linkPackages(join(trial, 'node_modules'), join(app, 'node_modules'), new Set());
    return { dir: app, installed: missing, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

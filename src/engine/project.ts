import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { policyOf } from '../policy/lazy-load.js';
import { configModuleOf, manifestPath, type Manifest } from './manifest.js';
import type { ProjectInfo } from './rule.js';
import { isTestPath } from './test-files.js';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
}

const testRunnerConfig = /^(?:jest|vitest|vite)\.config\.(?:[cm]?[jt]s|json)$/;
/** `setupFiles: ['./test/setup.ts']`, `setupFilesAfterEnv: [...]`, `globalSetup: '<rootDir>/x.js'`. */
const setupOption =
  /["']?(?:setupFiles(?:AfterEnv)?|globalSetup|globalTeardown)["']?\s*:\s*(\[[^\]]*\]|'[^']*'|"[^"]*"|`[^`]*`)/g;

/** The files the project's Jest or Vitest config loads before the tests (relative to the root, with `/`). */
function testSetupFiles(root: string, pkg: { jest?: unknown } | undefined): string[] {
  const texts: string[] = [];
  if (pkg?.jest && typeof pkg.jest === 'object') texts.push(JSON.stringify(pkg.jest));
  let names: string[];
  try {
    // One listing of the root rather than a lookup per config name: a monorepo has hundreds of roots.
    names = readdirSync(root).filter((name) => testRunnerConfig.test(name));
  } catch {
    names = [];
  }
  for (const name of names) {
    try {
      texts.push(readFileSync(join(root, name), 'utf8'));
    } catch {
      // An unreadable config names no setup file; the check itself reports unreadable files it reads.
    }
  }
  const files = new Set<string>();
  for (const text of texts)
    for (const [, value] of text.matchAll(setupOption))
      for (const [, literal] of value.matchAll(/['"`]([^'"`]+)['"`]/g)) {
        const path = resolve(root, literal.replace(/^<rootDir>\//, ''));
        const rel = relative(root, path).split(sep).join('/');
        if (!rel.startsWith('..') && !isAbsolute(rel)) files.add(rel);
      }
  return [...files].sort();
}

/**
 * The facts the rules need about one project root. Policy errors (secure.config.json) are thrown; with
 * `configFile` (`--config`), that file is the policy instead of the project's own. A config file needs
 * `preparePolicyLoader()` first (PolicyLoaderNeeded otherwise).
 */
export function projectInfo(root: string, configFile?: string): ProjectInfo {
  const pkg = readJson(join(root, 'package.json')) as { type?: string; jest?: unknown } | undefined;
  const manifest = readJson(join(root, manifestPath)) as Manifest | undefined;
  const configModule =
    manifest && typeof manifest.files === 'object' && manifest.files ? configModuleOf(manifest) : undefined;
  const setupFiles = testSetupFiles(root, pkg);
  return {
    root,
    policy: policyOf(root, configFile),
    moduleSystem: pkg?.type === 'module' ? 'esm' : 'cjs',
    ...(configModule ? { configModule: resolve(root, configModule) } : {}),
    ...(setupFiles.length > 0 ? { testSetupFiles: setupFiles } : {}),
  };
}

/** A project below a test folder of the repository (or of the folder checked): a fixture app, not the product. */
function isTestProject(root: string, base: string): boolean {
  const rel = relative(base, root).split(sep).join('/');
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && isTestPath(`${rel}/`);
}

/**
 * Finds the project a file belongs to: the nearest folder with a package.json, not going above the git
 * root (which is the project when no package.json is found), nor above `fallback` outside a repository.
 */
export class ProjectResolver {
  private readonly rootOfDir = new Map<string, string>();
  private readonly infoOfRoot = new Map<string, ProjectInfo>();

  constructor(
    private readonly gitRoot: string | undefined,
    private readonly fallback: string,
    private readonly configFile?: string,
  ) {}

  rootOf(file: string): string {
    const start = dirname(file);
    const visited: string[] = [];
    let root: string | undefined;
    for (let dir = start; ; dir = dirname(dir)) {
      const known = this.rootOfDir.get(dir);
      if (known) {
        root = known;
        break;
      }
      visited.push(dir);
      if (existsSync(join(dir, 'package.json'))) {
        root = dir;
        break;
      }
      if (dir === this.gitRoot || dirname(dir) === dir) {
        root = this.gitRoot ?? this.fallback;
        break;
      }
    }
    for (const dir of visited) this.rootOfDir.set(dir, root);
    return root;
  }

  info(root: string): ProjectInfo {
    let info = this.infoOfRoot.get(root);
    if (!info) {
      info = projectInfo(root, this.configFile);
      if (isTestProject(root, this.gitRoot ?? this.fallback)) info.testProject = true;
      this.infoOfRoot.set(root, info);
    }
    return info;
  }

  roots(): string[] {
    return [...this.infoOfRoot.keys()];
  }
}

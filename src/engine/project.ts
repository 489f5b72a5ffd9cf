import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadPolicy } from '../policy/index.js';
import { configModuleOf, manifestPath, type Manifest } from './manifest.js';
import type { ProjectInfo } from './rule.js';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
}

/**
 * The facts the rules need about one project root. Policy errors (secure.config.json) are thrown; with
 * `configFile` (`--config`), that file is the policy instead of the project's own.
 */
export function projectInfo(root: string, configFile?: string): ProjectInfo {
  const pkg = readJson(join(root, 'package.json')) as { type?: string } | undefined;
  const manifest = readJson(join(root, manifestPath)) as Manifest | undefined;
  const configModule =
    manifest && typeof manifest.files === 'object' && manifest.files ? configModuleOf(manifest) : undefined;
  return {
    root,
    policy: loadPolicy(root, configFile),
    moduleSystem: pkg?.type === 'module' ? 'esm' : 'cjs',
    ...(configModule ? { configModule: resolve(root, configModule) } : {}),
  };
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
      this.infoOfRoot.set(root, info);
    }
    return info;
  }

  roots(): string[] {
    return [...this.infoOfRoot.keys()];
  }
}

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import type { FileAnalysis } from './analyze-file.js';
import type { ProjectInfo } from './rule.js';
import {
  dependenciesUnchanged,
  type Dependencies,
  type Dependency,
} from '../../codemods/_shared/project/dependencies.js';

interface CacheEntry {
  /** sha1 of the file's bytes. */
  hash: string;
  /** The rule set, policy, project facts and tool version the analysis was made with. */
  key: string;
  analysis: FileAnalysis;
  /** Size and mtime when stored: a file with both unchanged is not even read again. */
  size?: number;
  mtimeMs?: number;
  /** The other files the rules read (size and mtime before the read): the entry holds while none changed. */
  dependencies: Dependency[];
}

/** Bumped whenever FileAnalysis changes shape, so that an older cache is never read as this one. */
const cacheVersion = 3;

interface CacheFile {
  version: typeof cacheVersion;
  entries: Record<string, CacheEntry>;
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * Where the cache lives: $SECURE_CACHE_DIR; else node_modules/.cache/secure of the folder the run starts
 * from (ignored by git in every Node project, so the cache never dirties the tree); else, in a checkout
 * without node_modules (CI before npm ci), a folder per project under the user's cache directory.
 */
export function cacheDirectory(base: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.SECURE_CACHE_DIR) return env.SECURE_CACHE_DIR;
  const nodeModules = join(base, 'node_modules');
  if (existsSync(nodeModules)) return join(nodeModules, '.cache', 'secure');
  const userCache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(userCache, 'create-secure-app', createHash('sha1').update(base).digest('hex').slice(0, 16));
}

/** A content-hash cache of per-file analyses, so that `secure check` in CI or an editor skips unchanged files. */
export class AnalysisCache {
  private entries: Record<string, CacheEntry> = {};
  private dirty = false;
  private readonly keys = new Map<string, string>();

  private constructor(
    private readonly file: string,
    private readonly ruleSetKey: string,
  ) {}

  static open(directory: string, ruleIds: readonly string[], toolVersion: string): AnalysisCache {
    const cache = new AnalysisCache(
      join(directory, `check-v${cacheVersion}.json`),
      `${toolVersion}\0${[...ruleIds].sort().join(',')}`,
    );
    try {
      const parsed = JSON.parse(readFileSync(cache.file, 'utf8')) as CacheFile;
      if (parsed.version === cacheVersion && parsed.entries && typeof parsed.entries === 'object')
        cache.entries = parsed.entries;
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
    return cache;
  }

  keyFor(project: ProjectInfo): string {
    let key = this.keys.get(project.root);
    if (!key) {
      key = createHash('sha1')
        .update(`${this.ruleSetKey}\0${JSON.stringify(project)}`)
        .digest('hex');
      this.keys.set(project.root, key);
    }
    return key;
  }

  /**
   * The hash the file had when its cached analysis (made under the same key) was stored, provided every other
   * file that analysis read still has its size and mtime (a stat each); else undefined: analyse it again.
   */
  knownHash(path: string, project: ProjectInfo): string | undefined {
    const entry = this.entries[path];
    if (!entry || entry.key !== this.keyFor(project)) return undefined;
    return dependenciesUnchanged(entry.dependencies ?? []) ? entry.hash : undefined;
  }

  /** True when the file's size and mtime are those recorded with its analysis (read and hash skipped). */
  unchangedOnDisk(path: string, stats: { size: number; mtimeMs: number }): boolean {
    const entry = this.entries[path];
    return Boolean(entry && entry.size === stats.size && entry.mtimeMs === stats.mtimeMs);
  }

  get(path: string): FileAnalysis | undefined {
    return this.entries[path]?.analysis;
  }

  set(
    path: string,
    hash: string,
    project: ProjectInfo,
    analysis: FileAnalysis,
    stats?: { size: number; mtimeMs: number },
    dependencies: Dependencies = [],
  ): void {
    this.dirty = true;
    // An analysis that walked the whole project may change with any file of it (one added included): not
    // cached at all. Holding it would need a stat of every file and folder the walk saw, kept once per project.
    if (dependencies === 'project') {
      delete this.entries[path];
      return;
    }
    this.entries[path] = {
      hash,
      key: this.keyFor(project),
      analysis,
      ...(stats ? { size: stats.size, mtimeMs: stats.mtimeMs } : {}),
      dependencies,
    };
  }

  save(): void {
    if (!this.dirty) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const data: CacheFile = { version: cacheVersion, entries: this.entries };
      writeFileAtomic(this.file, JSON.stringify(data));
    } catch {
      // A cache that cannot be written only costs speed on the next run.
    }
  }
}

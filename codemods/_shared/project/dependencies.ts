import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';

/**
 * What one file's analysis read of OTHER files, so that the engine's cache can tell when that analysis is
 * stale: a rule that looks at a sibling module, a tsconfig or a .dockerignore answers differently once that
 * file changes, although the analysed file did not. Every cross-file read of a rule goes through the helpers
 * below; they read exactly as node:fs does and, while the engine records (one file at a time per thread),
 * note the size and mtime the path had just before the read (or that it was absent).
 */
export interface Dependency {
  /** Absolute path. */
  path: string;
  /** -1 for both when the path did not exist. */
  size: number;
  mtimeMs: number;
}

/** The files and folders read, or 'project' when the analysis walked the whole project (any file may count). */
export type Dependencies = Dependency[] | 'project';

interface Recording {
  files: Map<string, Dependency>;
  wholeProject: boolean;
}

let recording: Recording | undefined;

/** Runs `analyse` and returns what it read besides its own file (nested recordings also count for the outer one). */
export function recordDependencies<T>(analyse: () => T): { value: T; dependencies: Dependencies } {
  const outer = recording;
  const own: Recording = { files: new Map(), wholeProject: false };
  recording = own;
  try {
    const value = analyse();
    return { value, dependencies: own.wholeProject ? 'project' : [...own.files.values()] };
  } finally {
    recording = outer;
    if (outer) {
      outer.wholeProject ||= own.wholeProject;
      for (const [path, dependency] of own.files)
        if (!outer.files.has(path)) outer.files.set(path, dependency);
    }
  }
}

/** The path's size and mtime now (-1 when absent or not statable). */
export function stampOf(path: string): Dependency {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats) return { path, size: stats.size, mtimeMs: stats.mtimeMs };
  } catch {
    // Unreadable metadata counts as absent: a later change still differs from it.
  }
  return { path, size: -1, mtimeMs: -1 };
}

/** True when every dependency has the size and mtime it had when recorded (one stat each). */
export function dependenciesUnchanged(dependencies: readonly Dependency[]): boolean {
  return dependencies.every((dependency) => {
    const now = stampOf(dependency.path);
    return now.size === dependency.size && now.mtimeMs === dependency.mtimeMs;
  });
}

/**
 * Notes a dependency already stamped, for data memoised per process: a memo served from memory is still
 * read by this analysis. The first stamp of a path wins (it was taken before the first read).
 */
export function noteDependency(dependency: Dependency): void {
  if (recording && !recording.files.has(dependency.path)) recording.files.set(dependency.path, dependency);
}

/** Stamps and notes a path (before it is read, so a change during the read shows on the next run). */
export function notePath(path: string): Dependency {
  const stamp = stampOf(path);
  noteDependency(stamp);
  return stamp;
}

/** The analysis depends on every file of the project (a whole-project walk, even one served from memory). */
export function noteWholeProject(): void {
  if (recording) recording.wholeProject = true;
}

/** Whether the path exists (any kind), noted. */
export function pathExists(path: string): boolean {
  return notePath(path).size !== -1;
}

/** Whether the path is a regular file, noted. */
export function isFile(path: string): boolean {
  notePath(path);
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** readFileSync(path, 'utf8'), noted; throws as it does. */
export function readText(path: string): string {
  notePath(path);
  return readFileSync(path, 'utf8');
}

/** The file's text, or undefined when absent or unreadable; noted. */
export function readTextIfAny(path: string): string | undefined {
  if (notePath(path).size === -1) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** readdirSync(folder, { withFileTypes: true }), noted (a folder's mtime changes when an entry is added or removed); throws as it does. */
export function listFolder(folder: string): Dirent[] {
  notePath(folder);
  return readdirSync(folder, { withFileTypes: true });
}

import { readFileSync } from 'node:fs';
import { analyzeFile, type FileAnalysis, type SelectedRules } from './analyze-file.js';
import { contentHash } from './cache.js';
import type { FileKind } from './discover.js';
import type { ProjectInfo } from './rule.js';

export interface WorkItem {
  path: string;
  /** Relative to the project root, with `/`. */
  relativePath: string;
  kind: FileKind;
  root: string;
  /** Set when the cache holds an analysis of this file made under the same rules and policy. */
  cachedHash?: string;
  /** Compute the content hash (the cache is on). */
  hash: boolean;
  /** Size and mtime match the cached analysis: trust it without reading the file. */
  unchanged?: boolean;
}

export type WorkResult =
  | { status: 'cached'; hash: string }
  | { status: 'analyzed'; hash?: string; analysis: FileAnalysis }
  | { status: 'unreadable'; message: string };

/** Reads and analyzes one file; the same code runs in the main thread and in the workers. */
export function processFile(
  item: WorkItem,
  rules: SelectedRules,
  projects: ReadonlyMap<string, ProjectInfo>,
): WorkResult {
  if (item.unchanged && item.cachedHash) return { status: 'cached', hash: item.cachedHash };
  let text: string;
  try {
    text = readFileSync(item.path, 'utf8');
  } catch (error) {
    return { status: 'unreadable', message: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
  const hash = item.hash || item.cachedHash ? contentHash(text) : undefined;
  if (hash && hash === item.cachedHash) return { status: 'cached', hash };
  const project = projects.get(item.root)!;
  return {
    status: 'analyzed',
    ...(hash ? { hash } : {}),
    analysis: analyzeFile(text, item.path, item.relativePath, item.kind, rules, project),
  };
}

import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { analyzeFile, type FileAnalysis, type SelectedRules } from './analyze-file.js';
import { contentHash } from './cache.js';
import { BOM, candidateRules } from './check-source.js';
import { checkLimits } from '../policy/check-limits.js';
import { looksGenerated, type FileKind } from './discover.js';
import type { ProjectInfo } from './rule.js';
import { recordDependencies, type Dependencies } from '../../codemods/_shared/project/dependencies.js';

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
  /** Named on the command line: checked even when it looks generated. */
  explicit?: boolean;
}

/** Size and mtime of the bytes read, kept with a cached analysis (from the read itself: no second stat). */
export interface FileStats {
  size: number;
  mtimeMs: number;
}

export type WorkResult =
  | { status: 'cached'; hash: string }
  | {
      status: 'analyzed';
      hash?: string;
      stats?: FileStats;
      analysis: FileAnalysis;
      /** What the rules read of other files; absent when nothing was analysed (too large). */
      dependencies?: Dependencies;
    }
  | { status: 'unreadable'; message: string };

/** A file a reader found some rule's prefilter to pass: the parse is left to the thread that parses. */
export interface ToParse {
  status: 'to-parse';
  hash?: string;
  stats?: FileStats;
  text: string;
  /** Ids of the source rules whose prefilter passed. */
  ruleIds: string[];
}

/**
 * Reads and analyzes one file; the same code runs in the main thread and in the workers. A reader
 * (`parse: false`) does everything but the parse: files that need one come back as `to-parse`.
 */
export function processFile(
  item: WorkItem,
  rules: SelectedRules,
  projects: ReadonlyMap<string, ProjectInfo>,
  options: { parse: boolean } = { parse: true },
): WorkResult | ToParse {
  if (item.unchanged && item.cachedHash) return { status: 'cached', hash: item.cachedHash };
  let bytes: Buffer;
  let stats: FileStats | undefined;
  try {
    // With the cache on, the size and mtime stored with the analysis come from the read's own fstat.
    if (item.hash) ({ bytes, stats } = readWithStats(item.path));
    else bytes = readFileSync(item.path);
  } catch (error) {
    return { status: 'unreadable', message: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
  // Checked on the bytes already read: no stat per file. Not cached, so it is counted on every run.
  if (bytes.length > checkLimits.maxFileBytes)
    return {
      status: 'analyzed',
      analysis: { findings: [], suppressed: 0, parsed: false, skipped: 'too-large' },
    };
  const text = bytes.toString('utf8');
  const hash = item.hash || item.cachedHash ? contentHash(text) : undefined;
  if (hash && hash === item.cachedHash) return { status: 'cached', hash };
  let candidates;
  if (item.kind === 'source') {
    candidates = candidateRules(text.startsWith(BOM) ? text.slice(1) : text, item.relativePath, rules.source);
    if (!options.parse && candidates.length > 0 && (item.explicit || !looksGenerated(text)))
      return {
        status: 'to-parse',
        text,
        ruleIds: candidates.map((rule) => rule.meta.id),
        ...(hash ? { hash } : {}),
        ...(stats ? { stats } : {}),
      };
  }
  return { ...analyzed(item, text, hash, rules, projects, candidates), ...(stats ? { stats } : {}) };
}

/** What readFileSync does (open, fstat, read, close), keeping the fstat. */
function readWithStats(path: string): { bytes: Buffer; stats: FileStats } {
  const fd = openSync(path, 'r');
  try {
    const { size, mtimeMs } = fstatSync(fd);
    // Larger than the limit: a byte past it is enough to skip the file as too large.
    const bytes = Buffer.allocUnsafe(Math.min(size, checkLimits.maxFileBytes + 1));
    let length = 0;
    while (length < bytes.length) {
      const read = readSync(fd, bytes, length, bytes.length - length, length);
      if (read === 0) break;
      length += read;
    }
    return { bytes: bytes.subarray(0, length), stats: { size, mtimeMs } };
  } finally {
    closeSync(fd);
  }
}

/** Finishes a file a reader handed over (`to-parse`). */
export function parseHandedOver(
  item: WorkItem,
  handed: ToParse,
  rules: SelectedRules,
  projects: ReadonlyMap<string, ProjectInfo>,
): WorkResult {
  const ids = new Set(handed.ruleIds);
  const candidates = rules.source.filter((rule) => ids.has(rule.meta.id));
  return {
    ...analyzed(item, handed.text, handed.hash, rules, projects, candidates),
    ...(handed.stats ? { stats: handed.stats } : {}),
  };
}

function analyzed(
  item: WorkItem,
  text: string,
  hash: string | undefined,
  rules: SelectedRules,
  projects: ReadonlyMap<string, ProjectInfo>,
  candidates: ReturnType<typeof candidateRules> | undefined,
): WorkResult & { status: 'analyzed' } {
  const project = projects.get(item.root)!;
  // Rules may read other files (a sibling module, a tsconfig, the whole project): the cache keeps what they
  // read, so that an edit there makes this file's analysis stale too.
  const { value: analysis, dependencies } = recordDependencies(() =>
    analyzeFile(text, item.path, item.relativePath, item.kind, rules, project, {
      ...(candidates ? { candidates } : {}),
      ...(item.explicit ? { explicit: true } : {}),
    }),
  );
  return { status: 'analyzed', ...(hash ? { hash } : {}), analysis, dependencies };
}

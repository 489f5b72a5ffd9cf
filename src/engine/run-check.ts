import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { SecureError } from '../errors.js';
import type { FileAnalysis, SelectedRules } from './analyze-file.js';
import { fingerprints } from './baseline.js';
import { AnalysisCache, cacheDirectory } from './cache.js';
import { discoverFiles, type Discovery, type SkippedEntry } from './discover.js';
import { changedFiles, gitRoot as findGitRoot, stagedFiles, trackedFiles } from './git.js';
import { CheckPool, workerParseThreshold, workersFromEnv } from './pool.js';
import { pathBelow, runProjectRules, toPosix } from './project-rules.js';
import {
  generatorsByProject,
  loadGeneratorRunner,
  markFixableWithPlannedModules,
  type GeneratorRunner,
} from './planned-modules.js';
import type { WorkItem, WorkResult } from './process-file.js';
import { PolicyLoaderNeeded, preparePolicyLoader } from '../policy/lazy-load.js';
import { ProjectResolver } from './project.js';
import { isTestFile } from './test-files.js';
import { workTreeListing, workTreeView, type WorkTreeListing, type WorkTreeView } from './work-tree.js';
import {
  textRulesOf,
  type Finding,
  type ProjectInfo,
  type ProjectReport,
  type ProjectRule,
  type Rule,
  type SourceRule,
} from './rule.js';

export interface CheckOptions {
  cwd: string;
  paths: string[];
  /** The rules to run (already selected). */
  rules: readonly Rule[];
  /** Only files changed against the merge base with the default branch (or HEAD). */
  changed?: boolean;
  /** Only files staged for the next commit (a pre-commit hook). */
  staged?: boolean;
  /** Use the content-hash cache (default true). */
  cache?: boolean;
  toolVersion: string;
  /** Extra worker threads; default: one per spare core, the n-th started once n × `workerThreshold` files need reading. */
  workers?: number;
  /** Hide findings whose fingerprint is in this set (paths relative to `base`). */
  baseline?: { base: string; fingerprints: ReadonlySet<string> };
  /** Called once per file, in discovery order, as soon as that file and all before it are done. */
  onFile?(result: FileResult): void;
  onProgress?(done: number, total: number): void;
  env?: NodeJS.ProcessEnv;
  /** `--config`: this secure.config.json (absolute) is the policy of every project, not their own. */
  configFile?: string;
  /** `--ignore-pattern`: gitignore-syntax patterns (relative to cwd) never checked, like .secureignore lines. */
  ignorePatterns?: readonly string[];
  /**
   * Check (and let fix repair) test code too, its findings marked `testFile`. By default a file that is test
   * code by its path or its project's test config is not read at all, only counted in `testFilesSkipped`
   * (its findings would be hidden anyway); one named on the command line is checked all the same.
   */
  includeTests?: boolean;
  /**
   * Plans the `secure add` modules fix would add (default: src/add's planner), so that a finding fixable only
   * once they exist counts as fixable, as `secure fix` fixes it; false when the caller stages them itself.
   */
  planModules?: GeneratorRunner | false;
}

export interface FileResult {
  path: string;
  findings: Finding[];
  analysis?: FileAnalysis;
  unreadable?: string;
}

export interface ProjectFinding {
  rule: ProjectRule;
  report: ProjectReport;
  finding: Finding;
}

export interface CheckResult {
  /** Worker threads used besides the main thread. */
  workers: number;
  findings: Finding[];
  /** Files read and checked (from this run or from the cache); skipped files are not among them. */
  files: number;
  /** Files parsed by this run (at least one rule's prefilter let them through, and they parsed). */
  parsed: number;
  /** Files whose analysis came from the cache: `parsed + cached <= files`. */
  cached: number;
  /** Files skipped as minified or generated (also in `skipped`). */
  minified: number;
  /** Every file or folder the rules could have read and did not, with the reason, sorted by path. */
  skipped: SkippedEntry[];
  /** How many files (tracked files, for a project rule) each rule ran on: 0 means it checked nothing. */
  rulesRun: Map<string, number>;
  suppressed: number;
  baselined: number;
  /** Test files not read because includeTests is off (0 with it, where their findings are marked instead). */
  testFilesSkipped: number;
  parseErrors: { file: string; line: number; column: number; message: string }[];
  ruleErrors: { file: string; message: string }[];
  unreadable: { file: string; message: string }[];
  projectFindings: ProjectFinding[];
  projects: ProjectInfo[];
  gitRoot?: string;
  /** Per-file analyses of the source and text files that had findings (for `fix`), in arrival order. */
  analyzed: Map<string, { item: WorkItem; analysis: FileAnalysis }>;
}

/** Picks rules by id; an unknown id is a usage error naming the known ones. */
export function selectRules(all: readonly Rule[], ids: readonly string[]): Rule[] {
  if (ids.length === 0) return [...all];
  for (const id of ids) {
    if (!all.some((rule) => rule.meta.id === id))
      throw new SecureError('USAGE', `unknown rule "${id}"`, {
        hint: `Known rules: ${all.map((rule) => rule.meta.id).join(', ') || '(none registered)'}. Run \`secure list\`.`,
      });
  }
  return all.filter((rule) => ids.includes(rule.meta.id));
}

export function splitRules(rules: readonly Rule[]): SelectedRules & { project: ProjectRule[] } {
  return {
    source: rules.filter((rule): rule is SourceRule => rule.kind === 'source'),
    text: textRulesOf(rules),
    project: rules.filter((rule): rule is ProjectRule => rule.kind === 'project'),
    ids: new Set(rules.map((rule) => rule.meta.id)),
  };
}

function statOf(path: string): { size: number; mtimeMs: number } | undefined {
  try {
    const stats = statSync(path);
    return { size: stats.size, mtimeMs: stats.mtimeMs };
  } catch {
    return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  if (options.configFile) await preparePolicyLoader();
  try {
    return await runCheckOnce(options);
  } catch (error) {
    // A secure.config.json met mid-walk: nothing was reported yet, so load its validator and start over.
    if (!(error instanceof PolicyLoaderNeeded)) throw error;
    await preparePolicyLoader();
    return runCheckOnce(options);
  }
}

async function runCheckOnce(options: CheckOptions): Promise<CheckResult> {
  const cwd = resolve(options.cwd);
  const gitRoot = findGitRoot(cwd);
  const selected = splitRules(options.rules);
  const requested = (options.paths.length > 0 ? options.paths : ['.']).map((path) => resolve(cwd, path));

  let changed: Set<string> | undefined;
  if (options.changed || options.staged) {
    const flag = options.staged ? '--staged' : '--changed';
    if (!gitRoot)
      throw new SecureError('USAGE', `${flag} needs a git repository, and this folder is not in one`, {
        hint: `Run without ${flag}, or inside a git work tree.`,
      });
    changed = new Set(options.staged ? stagedFiles(gitRoot) : changedFiles(gitRoot));
  }

  const resolver = new ProjectResolver(gitRoot, cwd, options.configFile);
  const cacheDir =
    options.cache === false ? undefined : cacheDirectory(gitRoot ?? cwd, options.env ?? process.env);
  const cache = cacheDir ? AnalysisCache.open(cacheDir, [...selected.ids], options.toolVersion) : undefined;
  const pool = await CheckPool.open({
    rules: selected,
    workers: options.workers ?? workersFromEnv(options.env ?? process.env),
    ...workerParseThreshold(options.env ?? process.env),
  });
  const items = pool.items;
  // One `git ls-files` per run, shared by discovery (what git ignores) and the project rules (what it tracks).
  let listing: WorkTreeListing | undefined;
  let listed = false;
  const listWorkTree = () => {
    if (!listed) listing = gitRoot ? workTreeListing(gitRoot) : undefined;
    listed = true;
    return listing;
  };
  let tracked: readonly string[] | undefined;
  const trackedHere = () => (tracked ??= gitRoot ? (listWorkTree()?.tracked ?? trackedFiles(gitRoot)) : []);
  let view: WorkTreeView | undefined;
  const workTree = () => {
    const visible = listWorkTree()?.visible;
    return visible && (view ??= workTreeView(gitRoot!, visible));
  };
  // Each file goes to the pool as the walk finds it: the workers read while the main thread walks.
  let discovery: Discovery;
  let testFilesSkipped = 0;
  try {
    discovery = discoverFiles({
      cwd,
      paths: options.paths,
      gitRoot,
      ignorePatterns: options.ignorePatterns,
      trackedFiles: trackedHere,
      workTree,
      onFile: (file) => {
        if (changed && !changed.has(file.path)) return;
        const root = resolver.rootOf(file.path);
        const project = resolver.info(root);
        const relativePath = toPosix(pathBelow(root, file.path));
        // Their findings would only be hidden: not reading test code at all is most of a run's parsing.
        if (!options.includeTests && !file.explicit && isTestFile(relativePath, project)) {
          testFilesSkipped++;
          return;
        }
        const item: WorkItem = {
          path: file.path,
          relativePath,
          kind: file.kind,
          root,
          hash: false,
          ...(file.explicit ? { explicit: true } : {}),
        };
        // A file named on the command line is analyzed apart (never skipped as generated): not from, nor
        // into, the cache that folder walks share.
        if (cache && !item.explicit) {
          item.hash = true;
          const known = cache.knownHash(item.path, project);
          if (known) {
            item.cachedHash = known;
            const stats = statOf(item.path);
            if (stats && cache.unchangedOnDisk(item.path, stats)) item.unchanged = true;
          }
        }
        pool.add(item, project);
      },
    });
    // The project a requested folder itself belongs to, so project rules run even where no file was found.
    for (const path of requested) {
      if (isDirectory(path)) resolver.info(resolver.rootOf(join(path, 'package.json')));
    }
  } catch (error) {
    await pool.close();
    throw error;
  }
  const projects = new Map(resolver.roots().map((root) => [root, resolver.info(root)]));

  const result: CheckResult = {
    workers: 0,
    findings: [],
    files: 0,
    parsed: 0,
    cached: 0,
    minified: 0,
    skipped: options.changed || options.staged ? [] : discovery.skipped,
    rulesRun: new Map([...selected.ids].map((id) => [id, 0])),
    suppressed: 0,
    baselined: 0,
    testFilesSkipped,
    parseErrors: [],
    ruleErrors: [],
    unreadable: [],
    projectFindings: [],
    projects: [...projects.values()],
    analyzed: new Map(),
    ...(gitRoot ? { gitRoot } : {}),
  };

  // Test code's findings are marked. Without includeTests only a test file named on the command line was
  // read; a project rule's finding in test code is dropped (the rule skips test paths itself).
  const named = new Set(requested);
  const apartFromTests = (
    findings: Finding[],
    path: string,
    relativePath: string,
    project: ProjectInfo,
  ): Finding[] => {
    if (findings.length === 0 || !isTestFile(relativePath, project)) return findings;
    if (!options.includeTests && !named.has(path)) return [];
    return findings.map((finding) => ({ ...finding, testFile: true }));
  };
  const keepFinding = (() => {
    const baseline = options.baseline;
    if (!baseline) return (findings: Finding[]) => findings;
    return (findings: Finding[]) => {
      const prints = fingerprints(findings, baseline.base);
      const kept = findings.filter((_, index) => !baseline.fingerprints.has(prints[index]));
      result.baselined += findings.length - kept.length;
      return kept;
    };
  })();

  let checked = 0;
  const done: (FileResult | undefined)[] = new Array(items.length);
  let flushed = 0;
  let completed = 0;
  const record = (index: number, fileResult: FileResult) => {
    done[index] = fileResult;
    completed++;
    options.onProgress?.(completed, items.length);
    while (flushed < items.length && done[flushed]) {
      const ready = done[flushed]!;
      result.findings.push(...ready.findings);
      options.onFile?.(ready);
      done[flushed] = undefined;
      flushed++;
    }
  };

  const takeResult = (index: number, workResult: WorkResult) => {
    const item = items[index];
    if (workResult.status === 'unreadable') {
      result.unreadable.push({ file: item.path, message: workResult.message });
      result.skipped.push({ path: item.path, reason: 'unreadable', detail: workResult.message });
      record(index, { path: item.path, findings: [], unreadable: workResult.message });
      return;
    }
    let analysis: FileAnalysis;
    const fromCache = workResult.status === 'cached';
    if (fromCache) analysis = cache!.get(item.path)!;
    else {
      analysis = workResult.analysis;
      if (cache && workResult.hash && !analysis.ruleError)
        cache.set(
          item.path,
          workResult.hash,
          projects.get(item.root)!,
          analysis,
          workResult.stats,
          workResult.dependencies,
        );
    }
    if (analysis.skipped) {
      if (analysis.skipped === 'generated') result.minified++;
      result.skipped.push({ path: item.path, reason: analysis.skipped });
    } else if (analysis.parseError) {
      result.parseErrors.push({ file: item.path, ...analysis.parseError });
      result.skipped.push({
        path: item.path,
        reason: 'unparsable',
        detail: analysis.parseError.message,
        line: analysis.parseError.line,
        column: analysis.parseError.column,
      });
    } else {
      checked++;
      if (fromCache) result.cached++;
      else if (analysis.parsed) result.parsed++;
    }
    for (const id of analysis.rulesRun ?? []) result.rulesRun.set(id, (result.rulesRun.get(id) ?? 0) + 1);
    result.suppressed += analysis.suppressed;
    if (analysis.ruleError) result.ruleErrors.push({ file: item.path, message: analysis.ruleError });
    const findings = keepFinding(
      apartFromTests(analysis.findings, item.path, item.relativePath, projects.get(item.root)!),
    );
    if (findings.length > 0) result.analyzed.set(item.path, { item, analysis: { ...analysis, findings } });
    record(index, { path: item.path, findings, analysis });
  };
  try {
    await pool.finish(takeResult);
  } finally {
    await pool.close();
  }
  result.workers = pool.workers;
  cache?.save();
  if (options.planModules !== false && generatorsByProject(result.analyzed).size > 0) {
    const planner = options.planModules ?? (await loadGeneratorRunner());
    if (planner) await markFixableWithPlannedModules(result.analyzed, result.projects, selected, planner);
  }
  result.files = checked;
  result.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  await runProjectRules(
    selected.project,
    projects,
    requested,
    gitRoot,
    trackedHere,
    result,
    Boolean(options.includeTests),
    (findings, project) =>
      keepFinding(
        findings.flatMap((finding) =>
          apartFromTests([finding], finding.file, toPosix(relative(project.root, finding.file)), project),
        ),
      ),
  );
  return result;
}

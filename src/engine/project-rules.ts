import { isAbsolute, relative, resolve, sep } from 'node:path';
import { trackedFiles } from './git.js';
import type { Finding, ProjectInfo, ProjectReport, ProjectRule } from './rule.js';
import type { CheckResult } from './run-check.js';

/** Called once per walked and per tracked file: on POSIX the path already is one, and is returned as is. */
export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** `relative(root, path)`, by slicing when the path lies inside root (once per walked file: no re-normalizing). */
export function pathBelow(root: string, path: string): string {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return path.startsWith(prefix) ? path.slice(prefix.length) : relative(root, path);
}

function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

/**
 * The rules that judge a whole project (its tracked files, its config), once per project the check covers;
 * their findings go through `keepFinding` (test code, baseline) into `result`.
 */
export async function runProjectRules(
  rules: readonly ProjectRule[],
  projects: ReadonlyMap<string, ProjectInfo>,
  requested: readonly string[],
  gitRoot: string | undefined,
  listTracked: () => readonly string[],
  result: CheckResult,
  includeTests: boolean,
  keepFinding: (findings: Finding[], project: ProjectInfo) => Finding[],
): Promise<void> {
  if (rules.length === 0) return;
  const tracked = gitRoot
    ? trackedByProject(gitRoot, [...projects.keys()], listTracked())
    : new Map<string, string[]>();
  for (const project of projects.values()) {
    // Project rules speak about a whole project: they run when the check covers its root.
    if (!requested.some((path) => isWithin(path, project.root))) continue;
    // A fixture app under test/ is test code as a whole: its files were not read, nor is the project judged.
    if (project.testProject && !includeTests) continue;
    const trackedHere = tracked.get(project.root) ?? [];
    for (const rule of rules) {
      const reports: ProjectReport[] = [];
      result.rulesRun.set(rule.meta.id, (result.rulesRun.get(rule.meta.id) ?? 0) + trackedHere.length);
      await rule.check({
        project,
        trackedFiles: trackedHere,
        report: (report) => reports.push(report),
      });
      for (const report of reports) {
        const file = resolve(project.root, report.file);
        const fixable = Boolean(report.fix) && rule.meta.fixable;
        const finding: Finding = {
          rule: rule.meta.id,
          file,
          line: report.line ?? 1,
          column: 1,
          endLine: report.line ?? 1,
          endColumn: 1,
          message: report.message,
          severity: rule.meta.severity,
          fixable,
          ...(!fixable && report.unfixableReason ? { unfixableReason: report.unfixableReason } : {}),
          lineHash: `${rule.meta.id}:${toPosix(relative(project.root, file))}`,
        };
        const [kept] = keepFinding([finding], project);
        if (!kept) continue;
        result.findings.push(kept);
        result.projectFindings.push({ rule, report, finding: kept });
      }
    }
  }
}

/**
 * The files git tracks, per project root (relative to it, with `/`). A file belongs to the nearest project
 * above it, so a workspace package speaks for its own files and its parent does not. One `git ls-files` for
 * the repository and one pass over it: a monorepo of hundreds of packages would otherwise cost hundreds of
 * git processes, or hundreds of passes over the list.
 */
function trackedByProject(
  gitRoot: string,
  roots: readonly string[],
  trackedInRepository: readonly string[],
): Map<string, string[]> {
  const byRoot = new Map<string, string[]>(roots.map((root) => [root, []]));
  const prefixOf = new Map<string, string>();
  for (const root of roots) {
    const prefix = toPosix(relative(gitRoot, root));
    // A project outside this work tree (a path given on the command line) asks its own repository.
    if (prefix.startsWith('..') || isAbsolute(prefix)) byRoot.set(root, trackedFiles(root));
    else prefixOf.set(prefix, root);
  }
  // The folder (relative to the git root) of the project that owns each folder, found once per folder.
  const ownerOfDir = new Map<string, string | undefined>();
  const ownerOf = (dir: string): string | undefined => {
    if (ownerOfDir.has(dir)) return ownerOfDir.get(dir);
    const owner = prefixOf.has(dir)
      ? dir
      : dir === ''
        ? undefined
        : ownerOf(dir.slice(0, Math.max(0, dir.lastIndexOf('/'))));
    ownerOfDir.set(dir, owner);
    return owner;
  };
  for (const file of trackedInRepository) {
    const prefix = ownerOf(file.slice(0, Math.max(0, file.lastIndexOf('/'))));
    if (prefix === undefined) continue;
    byRoot.get(prefixOf.get(prefix)!)!.push(prefix === '' ? file : file.slice(prefix.length + 1));
  }
  return byRoot;
}

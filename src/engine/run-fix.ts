import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SecureError } from '../errors.js';
import { fixSource } from './analyze-source.js';
import { checkTextFile } from './analyze-file.js';
import { writeFileAtomic } from './atomic-write.js';
import { BOM, type ParseFailure } from './check-source.js';
import { dirtyEntries, gitRoot as findGitRoot } from './git.js';
import type { Finding, ProjectInfo, SourceRule, TextEdit, TextRule } from './rule.js';
import {
  runCheck,
  splitRules,
  type CheckOptions,
  type CheckResult,
  type ProjectFinding,
} from './run-check.js';
import { applyTextEdits } from './text-edits.js';

/**
 * Applies the findings of one `secure add` generator to a project (B's programmatic add API). Returns the
 * files it wrote, relative to the project root.
 */
export type GeneratorRunner = (
  project: ProjectInfo,
  generators: string[],
  options: { dryRun: boolean },
) => Promise<{ files: string[]; notes?: string[]; diff?: string }>;

export interface FixOptions extends Omit<CheckOptions, 'onFile'> {
  dryRun: boolean;
  force: boolean;
  runGenerator?: GeneratorRunner;
}

export interface FileChange {
  path: string;
  before: string;
  after: string;
  applied: Finding[];
}

export interface GeneratorOutcome {
  project: ProjectInfo;
  /** Each generator once, in the order first needed. */
  generators: string[];
  findings: Finding[];
  files: string[];
  /** The unified diff of a dry run. */
  diff?: string;
  error?: string;
}

export interface FixOutcome {
  check: CheckResult;
  changes: FileChange[];
  /** Findings left for a human, each with the reason. */
  unfixed: Finding[];
  parseErrors: { file: string; failure: ParseFailure }[];
  notes: string[];
  projectFixes: { finding: Finding; description: string; error?: string }[];
  generators: GeneratorOutcome[];
}

function findingKey(finding: Pick<Finding, 'rule' | 'line' | 'column'>): string {
  return `${finding.rule}:${finding.line}:${finding.column}`;
}

/** Refuses to rewrite files git cannot give back: outside a repository, or with uncommitted changes. */
export function assertSafeToWrite(cwd: string): void {
  const root = findGitRoot(cwd);
  if (!root)
    throw new SecureError('REFUSED', `${cwd} is not in a git repository; secure fix rewrote nothing`, {
      hint: 'Run it inside a git work tree so every change can be reviewed and undone, or pass --force.',
    });
  const dirty = dirtyEntries(root);
  if (dirty.length > 0) {
    const sample = dirty
      .slice(0, 3)
      .map((line) => line.slice(3))
      .join(', ');
    throw new SecureError(
      'REFUSED',
      `the git tree has uncommitted changes (${dirty.length}: ${sample}${dirty.length > 3 ? ', ...' : ''}); secure fix rewrote nothing`,
      { hint: 'Commit or stash them first, so the fixes are one reviewable diff, or pass --force.' },
    );
  }
}

const envNamePattern = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/gm;

/** Adds `NAME=` lines (names only, never values) for the variables a fix started reading. */
function envExampleChange(root: string, names: ReadonlySet<string>): FileChange | undefined {
  const path = join(root, '.env.example');
  let before = '';
  try {
    before = readFileSync(path, 'utf8');
  } catch {
    before = '';
  }
  const present = new Set([...before.matchAll(envNamePattern)].map((match) => match[1]));
  const missing = [...names].filter((name) => !present.has(name)).sort();
  if (missing.length === 0) return undefined;
  const eol = before.includes('\r\n') ? '\r\n' : '\n';
  const separator = before === '' || before.endsWith('\n') ? '' : eol;
  const after = `${before}${separator}${missing.map((name) => `${name}=`).join(eol)}${eol}`;
  return { path, before, after, applied: [] };
}

function fixSourceFile(
  text: string,
  path: string,
  accepted: readonly Finding[],
  rules: readonly SourceRule[],
  project: ProjectInfo,
) {
  const ids = new Set(accepted.map((finding) => finding.rule));
  const keys = new Set(accepted.map(findingKey));
  return fixSource(
    text,
    path,
    rules.filter((rule) => ids.has(rule.meta.id)),
    project,
    (finding) => keys.has(findingKey(finding)),
  );
}

function fixTextFile(
  text: string,
  path: string,
  relativePath: string,
  accepted: readonly Finding[],
  rules: readonly TextRule[],
  project: ProjectInfo,
): { output: string; applied: Finding[] } {
  const keys = new Set(accepted.filter((finding) => finding.fixable).map(findingKey));
  const hasBom = text.startsWith(BOM);
  const body = hasBom ? text.slice(1) : text;
  const edits: TextEdit[] = [];
  const applied: Finding[] = [];
  for (const entry of checkTextFile(body, path, relativePath, rules, project)) {
    if (!entry.edits || !keys.has(findingKey(entry.finding))) continue;
    edits.push(...entry.edits);
    applied.push(entry.finding);
  }
  return { output: (hasBom ? BOM : '') + applyTextEdits(body, edits), applied };
}

/**
 * `secure fix`: check, then rewrite only the files with fixable findings (recast reparses those alone),
 * write each changed file atomically, add the env names fixes need to .env.example, run project-rule fixes
 * and generator-backed fixes once per project. With dryRun nothing is written.
 */
export async function runFix(options: FixOptions): Promise<FixOutcome> {
  if (!options.force && !options.dryRun) assertSafeToWrite(options.cwd);
  const check = await runCheck(options);
  const selected = splitRules(options.rules);
  const outcome: FixOutcome = {
    check,
    changes: [],
    unfixed: [],
    parseErrors: [],
    notes: [],
    projectFixes: [],
    generators: [],
  };
  const projects = new Map(check.projects.map((project) => [project.root, project]));
  const envNames = new Map<string, Set<string>>();
  const generatorGroups = new Map<string, GeneratorOutcome>();

  // Results arrive in worker order; fix (and print) in path order.
  const analyzed = [...check.analyzed.values()].sort((a, b) => (a.item.path < b.item.path ? -1 : 1));
  for (const { item, analysis } of analyzed) {
    const project = projects.get(item.root)!;
    for (const finding of analysis.findings) {
      if (!finding.fixable) outcome.unfixed.push(finding);
      else if (finding.generatorFix) {
        const group = generatorGroups.get(item.root) ?? { project, generators: [], findings: [], files: [] };
        if (!group.generators.includes(finding.generatorFix)) group.generators.push(finding.generatorFix);
        group.findings.push(finding);
        generatorGroups.set(item.root, group);
      }
    }
    const inFile = analysis.findings.filter((finding) => finding.fixable && !finding.generatorFix);
    if (inFile.length === 0) continue;
    let text: string;
    try {
      text = readFileSync(item.path, 'utf8');
    } catch (error) {
      outcome.unfixed.push(
        ...inFile.map((finding) => ({
          ...finding,
          fixable: false,
          unfixableReason: `the file could not be read again (${(error as Error).message})`,
        })),
      );
      continue;
    }
    if (item.kind === 'text') {
      const fixed = fixTextFile(text, item.path, item.relativePath, inFile, selected.text, project);
      if (fixed.output !== text)
        outcome.changes.push({ path: item.path, before: text, after: fixed.output, applied: fixed.applied });
      continue;
    }
    const fixed = fixSourceFile(text, item.path, inFile, selected.source, project);
    if (fixed.parseError) {
      outcome.parseErrors.push({ file: item.path, failure: fixed.parseError });
      continue;
    }
    outcome.unfixed.push(...fixed.unfixed.filter((finding) => !finding.generatorFix));
    if (fixed.changed)
      outcome.changes.push({ path: item.path, before: text, after: fixed.output, applied: fixed.applied });
    if (fixed.sideEffects.envExampleVars.size > 0) {
      const names = envNames.get(item.root) ?? new Set<string>();
      for (const name of fixed.sideEffects.envExampleVars) names.add(name);
      envNames.set(item.root, names);
    }
    for (const note of fixed.sideEffects.notes) if (!outcome.notes.includes(note)) outcome.notes.push(note);
  }

  for (const [root, names] of envNames) {
    const change = envExampleChange(root, names);
    if (change) outcome.changes.push(change);
  }
  if (!options.dryRun) for (const change of outcome.changes) writeFileAtomic(change.path, change.after);

  await applyProjectFixes(check.projectFindings, options.dryRun, outcome);
  await applyGeneratorFixes([...generatorGroups.values()], options, outcome);
  return outcome;
}

async function applyProjectFixes(findings: readonly ProjectFinding[], dryRun: boolean, outcome: FixOutcome) {
  for (const { report, finding } of findings) {
    if (!finding.fixable || !report.fix) {
      outcome.unfixed.push(finding);
      continue;
    }
    const description = report.fixDescription ?? `fix ${finding.rule} in ${finding.file}`;
    if (dryRun) {
      outcome.projectFixes.push({ finding, description });
      continue;
    }
    try {
      await report.fix();
      outcome.projectFixes.push({ finding, description });
    } catch (error) {
      outcome.projectFixes.push({ finding, description, error: (error as Error).message });
      outcome.unfixed.push({
        ...finding,
        fixable: false,
        unfixableReason: `the fix failed: ${(error as Error).message}`,
      });
    }
  }
}

async function applyGeneratorFixes(groups: GeneratorOutcome[], options: FixOptions, outcome: FixOutcome) {
  for (const group of groups) {
    outcome.generators.push(group);
    const command = `secure add ${group.generators.join(' ')}`;
    if (!options.runGenerator) {
      outcome.unfixed.push(
        ...group.findings.map((finding) => ({
          ...finding,
          fixable: false,
          unfixableReason: `run \`${command}\` in ${relative(options.cwd, group.project.root).split(sep).join('/') || '.'}`,
        })),
      );
      continue;
    }
    try {
      const result = await options.runGenerator(group.project, group.generators, { dryRun: options.dryRun });
      group.files = result.files;
      if (result.diff) group.diff = result.diff;
      for (const note of result.notes ?? []) if (!outcome.notes.includes(note)) outcome.notes.push(note);
    } catch (error) {
      group.error = (error as Error).message;
      outcome.unfixed.push(
        ...group.findings.map((finding) => ({
          ...finding,
          fixable: false,
          unfixableReason: `\`${command}\` failed: ${(error as Error).message}`,
        })),
      );
    }
  }
}

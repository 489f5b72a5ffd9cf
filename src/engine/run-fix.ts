import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { rootEnvExampleFiles } from '../add/project-files.js';
import { SecureError } from '../errors.js';
import { writeAllOrNothing } from './atomic-write.js';
import { BOM, encodeSource, type ParseFailure } from './check-source.js';
import {
  addedDependencies,
  envExampleText,
  projectWithStaged,
  readForFix,
  stageFileFix,
  type FileChange,
  type DependencyOutcome,
  type FileFixRequest,
  type GeneratorOutcome,
  type ReadFile,
  type Refusals,
  type StagedRun,
} from './fix-stage.js';
import { dirtyEntries, gitRoot as findGitRoot } from './git.js';
import { detectPackageManager, installDependencies, type InstallResult } from './install-dependencies.js';
import type { Finding } from './rule.js';
import {
  runCheck,
  splitRules,
  type CheckOptions,
  type CheckResult,
  type ProjectFinding,
} from './run-check.js';
import type { GeneratorRunner } from './planned-modules.js';
import { redetect, verifyGeneratorFiles, verifyTypes } from './verify/fix-rounds.js';
import { staticProblem, type TypeScriptVerifier } from './verify/index.js';

export type { DependencyOutcome, FileChange, GeneratorOutcome } from './fix-stage.js';
export type { GeneratorRunner } from './planned-modules.js';

export interface FixOptions extends Omit<CheckOptions, 'onFile'> {
  dryRun: boolean;
  force: boolean;
  /** Run the project's package manager when fixes added dependencies. */
  install?: boolean;
  runGenerator?: GeneratorRunner;
}

export interface FixOutcome {
  check: CheckResult;
  /** Every file the fix writes (or would write), each once, in path order. */
  changes: FileChange[];
  /** Findings left for a human, each with the reason. */
  unfixed: Finding[];
  parseErrors: { file: string; failure: ParseFailure }[];
  notes: string[];
  projectFixes: { finding: Finding; description: string; error?: string }[];
  generators: GeneratorOutcome[];
  dependencies: DependencyOutcome[];
  /** TypeScript programs built to verify the fixes (the cost of verification). */
  typescriptPrograms: number;
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

const toPosix = (path: string) => path.split(sep).join('/');

/**
 * `secure fix` as one transaction: check; stage every fix in memory (generator plans first, since they may
 * create the config module the in-file fixes then use); verify (each file parses, no new use before
 * declaration, no new tsc diagnostic); drop what fails and stage again; check the staged result once more
 * (nothing new, nothing left to fix); then write every file or none. With dryRun nothing is written.
 */
export async function runFix(options: FixOptions): Promise<FixOutcome> {
  if (!options.force && !options.dryRun) assertSafeToWrite(options.cwd);
  // Fix plans the modules itself (planGenerators) and stages with them: check need not plan them again.
  const check = await runCheck({ ...options, planModules: false });
  const plans = await planGenerators(check, options);
  const refusals: Refusals = { findings: new Map(), generators: new Map() };
  const verifiers = new Map<string, TypeScriptVerifier | undefined>();
  let staged = stageAll(check, options, plans, refusals);
  if (verifyGeneratorFiles(staged, refusals)) staged = stageAll(check, options, plans, refusals);
  // Each round refuses at least one more fix or generator, so this ends; three rounds cover what tsc finds.
  for (let round = 0; round < 3; round++) {
    if (!verifyTypes(staged, check, verifiers, refusals)) break;
    staged = stageAll(check, options, plans, refusals);
  }
  if (redetect(staged, options.rules, refusals)) staged = stageAll(check, options, plans, refusals);

  const changes = [...staged.changes.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  const outcome: FixOutcome = {
    check,
    changes,
    unfixed: staged.unfixed,
    parseErrors: staged.parseErrors,
    notes: staged.notes,
    projectFixes: [],
    generators: staged.generators,
    dependencies: addedDependencies(changes, check.gitRoot),
    typescriptPrograms: [...verifiers.values()].reduce((sum, verifier) => sum + (verifier?.programs ?? 0), 0),
  };
  if (!options.dryRun && changes.length > 0)
    writeAllOrNothing(changes.map((change) => ({ path: change.path, ...change.bytes })));
  await applyProjectFixes(check.projectFindings, options.dryRun, outcome);
  if (options.install && !options.dryRun)
    for (const dependency of outcome.dependencies) {
      const result: InstallResult = await installDependencies(
        dependency.root,
        detectPackageManager(dependency.root, check.gitRoot),
      );
      dependency.installed = !result.failure;
      if (result.failure) dependency.failure = result.failure;
    }
  return outcome;
}

interface GeneratorPlan {
  group: GeneratorOutcome;
  /** Absolute path -> planned text (before: undefined for a new file). */
  files: Map<string, { before: string | undefined; after: string }>;
}

/** Runs each project's generators once, in memory: their plans are staged with the in-file fixes. */
async function planGenerators(check: CheckResult, options: FixOptions): Promise<GeneratorPlan[]> {
  const projects = new Map(check.projects.map((project) => [project.root, project]));
  const groups = new Map<string, GeneratorOutcome>();
  for (const { item, analysis } of check.analyzed.values())
    for (const finding of analysis.findings) {
      if (!finding.fixable || !finding.generatorFix) continue;
      const group = groups.get(item.root) ?? {
        project: projects.get(item.root)!,
        generators: [],
        findings: [],
        files: [],
      };
      if (!group.generators.includes(finding.generatorFix)) group.generators.push(finding.generatorFix);
      group.findings.push(finding);
      groups.set(item.root, group);
    }
  const plans: GeneratorPlan[] = [];
  for (const group of [...groups.values()].sort((a, b) => (a.project.root < b.project.root ? -1 : 1))) {
    const files = new Map<string, { before: string | undefined; after: string }>();
    const command = `secure add ${group.generators.join(' ')}`;
    if (!options.runGenerator) {
      group.error = `run \`${command}\` in ${toPosix(relative(options.cwd, group.project.root)) || '.'}`;
    } else {
      try {
        const plan = await options.runGenerator(group.project, group.generators);
        for (const change of plan.changes)
          files.set(resolve(group.project.root, change.path), { before: change.before, after: change.after });
        group.files = plan.changes.map((change) => change.path);
        if (plan.notes?.length) group.notes = plan.notes;
      } catch (error) {
        group.error = `\`${command}\` failed: ${(error as Error).message}`;
      }
    }
    plans.push({ group, files });
  }
  return plans;
}

/** Stages every fix from scratch, leaving out what earlier verification rounds refused. */
function stageAll(
  check: CheckResult,
  options: FixOptions,
  plans: GeneratorPlan[],
  refusals: Refusals,
): StagedRun {
  const selected = splitRules(options.rules);
  const run: StagedRun = {
    changes: new Map(),
    requests: new Map(),
    unfixed: [],
    parseErrors: [],
    notes: [],
    generators: [],
  };
  const generatorTexts = new Map<string, { before: string | undefined; after: string; root: string }>();
  for (const { group, files } of plans) {
    const refused = refusals.generators.get(group.project.root);
    const reason = group.error ?? refused;
    run.generators.push(reason ? { ...group, error: reason, files: [] } : group);
    if (reason) {
      run.unfixed.push(
        ...group.findings.map((finding) => ({ ...finding, fixable: false, unfixableReason: reason })),
      );
      continue;
    }
    for (const note of group.notes ?? []) if (!run.notes.includes(note)) run.notes.push(note);
    for (const [path, text] of files) generatorTexts.set(path, { ...text, root: group.project.root });
  }
  const stagedTexts = new Map([...generatorTexts].map(([path, text]) => [path, text.after]));
  const projects = new Map(
    check.projects.map((project) => [project.root, projectWithStaged(project, stagedTexts)]),
  );
  const envNames = new Map<string, Set<string>>();
  const fixedPaths = new Set<string>();
  // Results arrive in worker order; fix (and print) in path order.
  const analyzed = [...check.analyzed.values()].sort((a, b) => (a.item.path < b.item.path ? -1 : 1));
  for (const { item, analysis } of analyzed) {
    const project = projects.get(item.root)!;
    const configStaged = project !== check.projects.find((known) => known.root === item.root);
    const inFile = analysis.findings.filter((finding) => !finding.generatorFix);
    const wanted =
      inFile.some((finding) => finding.fixable) ||
      (configStaged && inFile.some((finding) => finding.unfixableReason));
    if (!wanted) {
      run.unfixed.push(...inFile);
      continue;
    }
    let file: ReadFile;
    try {
      file = readForFix(item.path);
    } catch (error) {
      run.unfixed.push(
        ...inFile.map((finding) => ({
          ...finding,
          fixable: false,
          unfixableReason: `the file could not be read again (${(error as Error).message})`,
        })),
      );
      continue;
    }
    const planned = generatorTexts.get(item.path);
    const request: FileFixRequest = {
      path: item.path,
      relativePath: item.relativePath,
      kind: item.kind,
      project,
      findings: inFile,
      refused: refusals.findings.get(item.path) ?? new Map(),
      sourceRules: selected.source,
      textRules: selected.text,
      base: planned
        ? { file, text: planned.after.replace(/^\uFEFF/, ''), generatorRoot: planned.root, created: false }
        : { file, text: file.decoded.text, created: false },
      staticCheck: (before, after) => staticProblem({ path: item.path, before, after }),
    };
    const staged = stageFileFix(request);
    run.requests.set(item.path, request);
    fixedPaths.add(item.path);
    if (staged.parseError) run.parseErrors.push({ file: item.path, failure: staged.parseError });
    run.unfixed.push(...staged.unfixed);
    if (staged.change) run.changes.set(item.path, staged.change);
    if (staged.envExampleVars.size > 0) {
      const names = envNames.get(item.root) ?? new Set<string>();
      for (const name of staged.envExampleVars) names.add(name);
      envNames.set(item.root, names);
    }
    for (const note of staged.notes) if (!run.notes.includes(note)) run.notes.push(note);
  }
  for (const [path, text] of generatorTexts) {
    if (fixedPaths.has(path)) continue;
    run.changes.set(path, textChange(path, text.before, text.after, text.root));
  }
  // The project's own list of variables (`.env.template` in monstar-lab's NestJS starter) gets the names:
  // never a second list beside it.
  for (const [root, names] of envNames)
    for (const name of rootEnvExampleFiles(root)) {
      const path = join(root, name);
      const existing = run.changes.get(path);
      const before = existing ? existing.after : existsSync(path) ? readForFix(path).decoded.text : '';
      const after = envExampleText(before, names);
      if (after === undefined) continue;
      const original = existing?.before ?? (existsSync(path) ? before : undefined);
      run.changes.set(path, textChange(path, original, after, existing?.generatorRoot));
    }
  return run;
}

/** A whole-file change (a generator's file, .env.example) in the encoding and BOM the file has on disk. */
function textChange(
  path: string,
  before: string | undefined,
  after: string,
  generatorRoot?: string,
): FileChange {
  const onDisk = existsSync(path) ? readForFix(path) : undefined;
  const body = after.replace(/^\uFEFF/, '');
  const bom = onDisk?.decoded.bom ?? after.startsWith(BOM);
  const bytes =
    (onDisk && encodeSource(onDisk.decoded, body)) ?? encodeSource({ bom, encoding: 'utf8' }, body)!;
  return {
    path,
    before: onDisk ? (onDisk.decoded.bom ? BOM : '') + onDisk.decoded.text : (before ?? ''),
    after: (bom ? BOM : '') + body,
    created: !onDisk,
    applied: [],
    bytes: { before: onDisk?.bytes, after: bytes },
    ...(generatorRoot ? { generatorRoot } : {}),
  };
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

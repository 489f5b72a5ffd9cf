import { resolve } from 'node:path';
import type { FileAnalysis, SelectedRules } from './analyze-file.js';
import type { FileFixRequest } from './fix-stage.js';
import type { WorkItem } from './process-file.js';
import type { Finding, ProjectInfo } from './rule.js';

/**
 * Plans what `secure add <generators>` would change in a project, in memory (B's programmatic add API):
 * paths relative to the project root, `before` undefined for a new file. Nothing is written.
 */
export type GeneratorRunner = (
  project: ProjectInfo,
  generators: string[],
) => Promise<{ changes: { path: string; before?: string; after: string }[]; notes?: string[] }>;

/** src/add's planModules as a GeneratorRunner, or undefined when that API is not there. */
export async function loadGeneratorRunner(): Promise<GeneratorRunner | undefined> {
  const specifier = '../add/index.js';
  let api: any;
  try {
    api = await import(specifier);
  } catch {
    return undefined;
  }
  if (typeof api.planModules !== 'function') return undefined;
  return async (project, generators) => {
    const plan = await api.planModules(project.root, generators, {
      yes: true,
      prompt: false,
      policy: project.policy,
    });
    const kept = (plan.conflicts ?? []).map(
      (conflict: { path: string }) =>
        `secure add ${generators.join(' ')} kept your edits of ${conflict.path}; compare it with \`secure add --dry-run\``,
    );
    return { changes: plan.changes ?? [], notes: [...(plan.notes ?? []), ...kept] };
  };
}

type Analyzed = ReadonlyMap<string, { item: WorkItem; analysis: FileAnalysis }>;

/** Per project root: the generators its fixable findings call for, in the order first needed. */
export function generatorsByProject(
  analyzed: Analyzed,
): Map<string, { generators: string[]; findings: Finding[] }> {
  const groups = new Map<string, { generators: string[]; findings: Finding[] }>();
  for (const { item, analysis } of analyzed.values())
    for (const finding of analysis.findings) {
      if (!finding.fixable || !finding.generatorFix) continue;
      const group = groups.get(item.root) ?? { generators: [], findings: [] };
      if (!group.generators.includes(finding.generatorFix)) group.generators.push(finding.generatorFix);
      group.findings.push(finding);
      groups.set(item.root, group);
    }
  return groups;
}

/**
 * `secure fix` plans the modules generator-backed findings need (the config module among them) and then
 * fixes in-file findings that were unfixable without them (a secret under strictNullChecks). Check asks the
 * same planner and stages the same way, so that its "N fixable" is what fix fixes: each such finding that
 * the staged fix applies becomes fixable. Nothing is written; a planner that fails changes nothing.
 */
export async function markFixableWithPlannedModules(
  analyzed: Analyzed,
  projects: readonly ProjectInfo[],
  rules: SelectedRules,
  planner: GeneratorRunner,
): Promise<void> {
  const groups = generatorsByProject(analyzed);
  // The fixer (recast, jscodeshift) and the verifier (TypeScript) load only for a check with such findings.
  const { identityIn, projectWithStaged, readForFix, stageFileFix } = await import('./fix-stage.js');
  const { staticProblem } = await import('./verify/index.js');
  for (const [root, { generators }] of groups) {
    const files = [...analyzed.values()].filter(
      ({ item, analysis }) =>
        item.root === root &&
        analysis.findings.some(
          (finding) => !finding.generatorFix && !finding.fixable && finding.unfixableReason,
        ),
    );
    const project = projects.find((candidate) => candidate.root === root);
    if (files.length === 0 || !project) continue;
    let planned: Map<string, string>;
    try {
      const plan = await planner(project, generators);
      planned = new Map(plan.changes.map((change) => [resolve(root, change.path), change.after]));
    } catch {
      continue;
    }
    const staged = projectWithStaged(project, planned);
    if (staged === project) continue;
    for (const { item, analysis } of files) {
      const inFile = analysis.findings.filter((finding) => !finding.generatorFix);
      let file;
      try {
        file = readForFix(item.path);
      } catch {
        continue;
      }
      const text = planned.get(item.path)?.replace(/^\uFEFF/, '') ?? file.decoded.text;
      const request: FileFixRequest = {
        path: item.path,
        relativePath: item.relativePath,
        kind: item.kind,
        project: staged,
        findings: inFile,
        refused: new Map(),
        sourceRules: rules.source,
        textRules: rules.text,
        base: { file, text, created: false },
        staticCheck: (before, after) => staticProblem({ path: item.path, before, after }),
      };
      const applied = new Set(
        (stageFileFix(request).change?.applied ?? []).map((finding) => identityIn(request, finding)),
      );
      // Check's findings are on the text on disk; the planned text may have moved their lines.
      const onDisk = { ...request, base: { ...request.base, text: file.decoded.text } };
      // These are the objects check reports: marking them here marks them in every view of the result.
      for (const finding of inFile)
        if (!finding.fixable && finding.unfixableReason && applied.has(identityIn(onDisk, finding))) {
          finding.fixable = true;
          delete finding.unfixableReason;
        }
    }
  }
}

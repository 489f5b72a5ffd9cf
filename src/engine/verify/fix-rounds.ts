import { relative, sep } from 'node:path';
import { analyzeFile } from '../analyze-file.js';
import {
  identityIn,
  stageFileFix,
  type FileFixRequest,
  type Refusals,
  type StagedRun,
} from '../fix-stage.js';
import type { CheckResult } from '../run-check.js';
import { splitRules } from '../run-check.js';
import type { Rule } from '../rule.js';
import { isTypeScriptFile, TypeScriptVerifier } from './typescript.js';
import { staticProblem } from './index.js';

const toPosix = (path: string) => path.split(sep).join('/');

/**
 * The files a generator's plan writes (the module, the wiring in the app's entry, package.json) get the same
 * static checks as an in-file fix before they are staged: each parses and reads nothing before its
 * declaration. tsc covers TypeScript; a JavaScript project has only these. A failing file refuses the
 * generators of its project. True when something was refused (stage again).
 */
export function verifyGeneratorFiles(staged: StagedRun, refusals: Refusals): boolean {
  let refusedSomething = false;
  for (const change of staged.changes.values()) {
    const root = change.generatorRoot;
    if (root === undefined || refusals.generators.has(root)) continue;
    const problem = staticProblem({
      path: change.path,
      before: change.created ? undefined : change.before.replace(/^\uFEFF/, ''),
      after: change.after.replace(/^\uFEFF/, ''),
    });
    if (!problem) continue;
    refusals.generators.set(
      root,
      `${toPosix(relative(root, change.path))}: ${problem}; the module was not added, run \`secure add\` and fix by hand`,
    );
    refusedSomething = true;
  }
  return refusedSomething;
}

/**
 * `tsc --noEmit` over the staged TypeScript of each project that has a tsconfig.json, against the project
 * as it is. A new diagnostic refuses the fixes of the file it is in (each fix tried alone, so the others
 * stay), or the generators whose files it is in. True when something was refused (stage again).
 */
export function verifyTypes(
  staged: StagedRun,
  check: CheckResult,
  verifiers: Map<string, TypeScriptVerifier | undefined>,
  refusals: Refusals,
): boolean {
  let refusedSomething = false;
  for (const project of check.projects) {
    const inProject = [...staged.changes.values()].filter((change) =>
      change.path.startsWith(project.root + sep),
    );
    if (!inProject.some((change) => isTypeScriptFile(change.path))) continue;
    if (!verifiers.has(project.root)) verifiers.set(project.root, TypeScriptVerifier.open(project.root));
    const verifier = verifiers.get(project.root);
    if (!verifier) continue;
    const overlay = new Map(inProject.map((change) => [change.path, change.after.replace(/^\uFEFF/, '')]));
    const fresh = verifier.newDiagnostics(overlay);
    for (const [file, diagnostics] of fresh) {
      const reason = `the change would add a TypeScript error in ${toPosix(relative(project.root, file)) || 'the project'} (${diagnostics[0]})`;
      const change = staged.changes.get(file);
      const request = staged.requests.get(file);
      if (change && request && change.applied.length > 0) {
        if (refuseFailingFixes(request, overlay, verifier, refusals)) {
          refusedSomething = true;
          continue;
        }
      }
      const root =
        change?.generatorRoot ??
        (staged.generators.some((group) => group.project.root === project.root && !group.error)
          ? project.root
          : undefined);
      if (root && !refusals.generators.has(root)) {
        refusals.generators.set(
          root,
          `${reason}; the module was not added, run \`secure add\` and fix by hand`,
        );
        refusedSomething = true;
        continue;
      }
      // Another file broke, or the fixes fail only together: every fix of the project is refused, since
      // which one did it is unknown.
      for (const other of inProject) {
        const otherRequest = staged.requests.get(other.path);
        if (!otherRequest) continue;
        const byFile = refusals.findings.get(other.path) ?? new Map<string, string>();
        refusals.findings.set(other.path, byFile);
        for (const finding of other.applied) {
          const identity = identityIn(otherRequest, finding);
          if (byFile.has(identity)) continue;
          byFile.set(identity, `${reason}; the fix was not applied, fix by hand`);
          refusedSomething = true;
        }
      }
    }
  }
  return refusedSomething;
}

/** Re-stages one file with tsc (on that file alone) as its verifier: the fixes that add a diagnostic are refused. */
function refuseFailingFixes(
  request: FileFixRequest,
  overlay: ReadonlyMap<string, string>,
  verifier: TypeScriptVerifier,
  refusals: Refusals,
): boolean {
  const byFile = refusals.findings.get(request.path) ?? new Map<string, string>();
  refusals.findings.set(request.path, byFile);
  const before = byFile.size;
  const result = stageFileFix({
    ...request,
    verify: (output) => {
      const trial = new Map(overlay);
      trial.set(request.path, output);
      const diagnostics = verifier.newDiagnostics(trial, { files: [request.path] }).get(request.path);
      return diagnostics ? `the fix would add a TypeScript error (${diagnostics[0]})` : undefined;
    },
  });
  for (const finding of result.unfixed)
    if (finding.unfixableReason?.includes('TypeScript error') && !byFile.has(identityIn(request, finding)))
      byFile.set(identityIn(request, finding), finding.unfixableReason);
  return byFile.size > before;
}

/**
 * Checks the staged result as `secure check` would: every fixed finding is gone and no new one appeared,
 * so that a second `secure fix` has nothing to do. A file that fails keeps none of its fixes. True when
 * something was refused (stage again).
 */
export function redetect(staged: StagedRun, rules: readonly Rule[], refusals: Refusals): boolean {
  const selected = splitRules(rules);
  let refusedSomething = false;
  for (const change of staged.changes.values()) {
    const request = staged.requests.get(change.path);
    if (!request || change.applied.length === 0) continue;
    const project = request.project;
    const relativePath = request.relativePath;
    const analyze = (text: string) =>
      analyzeFile(text, change.path, relativePath, request.kind, selected, project).findings;
    // Counted per rule, since a fix changes the text of the lines other findings are on.
    const expected = new Map<string, number>();
    for (const finding of analyze(request.base.text))
      expected.set(finding.rule, (expected.get(finding.rule) ?? 0) + 1);
    for (const finding of change.applied) expected.set(finding.rule, (expected.get(finding.rule) ?? 0) - 1);
    const left = analyze(change.after.replace(/^\uFEFF/, '')).filter((finding) => {
      const allowed = expected.get(finding.rule) ?? 0;
      expected.set(finding.rule, allowed - 1);
      return allowed <= 0;
    });
    if (left.length === 0) continue;
    const first = left[0];
    const reason = change.applied.some((finding) => finding.rule === first.rule)
      ? `after the fix, ${first.rule} still reports line ${first.line}: the fix does not settle, fix by hand`
      : `the fix would leave a new ${first.rule} finding on line ${first.line}; fix by hand`;
    const byFile = refusals.findings.get(change.path) ?? new Map<string, string>();
    refusals.findings.set(change.path, byFile);
    for (const finding of change.applied) byFile.set(identityIn(request, finding), reason);
    refusedSomething = true;
  }
  return refusedSomething;
}

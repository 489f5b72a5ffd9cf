import { rules as registry } from '../../../codemods/index.js';
import type { CheckResult } from '../../engine/run-check.js';
import type { Rule } from '../../engine/rule.js';
import { ExitCode } from '../../errors.js';
import { checklistItems, type ChecklistItemId } from '../../policy/index.js';
import { displayPath, plural } from '../format/report.js';
import { formatChecklistJson, formatChecklistMarkdown } from '../format/checklist-document.js';
import type { Output } from '../output.js';
import { packageVersion } from '../package-info.js';
import { checklistFormats } from '../choices.js';
import { checkProject, checkVerdict } from './check.js';

export { checklistFormats };

export interface ChecklistCommandOptions {
  format?: (typeof checklistFormats)[number];
  verbose?: boolean;
  allowSkipped?: boolean;
  config?: string;
  ignorePattern?: string[];
}

export type ChecklistStatus =
  /** `rules`: the checks that ran clean for this item and on how many files, so the reader sees what the tick rests on. */
  | { state: 'pass'; rules?: { id: string; files: number }[] }
  | { state: 'fail'; reasons: string[] }
  /** `why`: what was missing for a check (no rule covers the item, or no file gave its rules anything to read). */
  | { state: 'unchecked'; why?: string };

/**
 * Prints the rules' Security Checklist. An item is ticked only when a check earned it; otherwise it says
 * "not checked" and why.
 */
export function printChecklist(
  output: Output,
  statuses: Partial<Record<ChecklistItemId, ChecklistStatus>>,
): number {
  const { colors } = output;
  let failed = false;
  for (const item of checklistItems) {
    const status = statuses[item.id] ?? { state: 'unchecked' };
    if (status.state === 'pass') {
      const basis = status.rules?.length
        ? `  ${colors.dim(`(no findings from ${status.rules.map((rule) => `${rule.id} in ${plural(rule.files, 'file')}`).join(', ')})`)}`
        : '';
      output.out(`${colors.green('[x]')} ${item.text}${basis}`);
    } else if (status.state === 'fail') {
      failed = true;
      output.out(`${colors.red('[ ]')} ${item.text}`);
      for (const reason of status.reasons) output.out(`      ${colors.dim(reason)}`);
    } else
      output.out(
        `${colors.yellow('[?]')} ${item.text} ${colors.dim(`(not checked: ${status.why ?? 'no rule covers it yet'})`)}`,
      );
  }
  return failed ? 1 : 0;
}

/**
 * Each item from the check: crossed (naming the findings) when its rules found something, ticked when at
 * least one of its rules ran on some file and none found anything, and "not checked" (with the reason)
 * when no rule covers it or none of its rules had a file to read.
 */
export function checklistStatuses(
  cwd: string,
  result: CheckResult,
  allRules: readonly Rule[],
): Partial<Record<ChecklistItemId, ChecklistStatus>> {
  const statuses: Partial<Record<ChecklistItemId, ChecklistStatus>> = {};
  for (const item of checklistItems) {
    const serving = allRules.filter((rule) => rule.meta.checklist === item.id);
    if (serving.length === 0) {
      statuses[item.id] = { state: 'unchecked', why: 'no rule covers it yet' };
      continue;
    }
    const ids = new Set(serving.map((rule) => rule.meta.id));
    const reasons = result.findings
      .filter((finding) => ids.has(finding.rule))
      .map(
        (finding) => `${finding.rule}  ${displayPath(cwd, finding.file)}:${finding.line}  ${finding.message}`,
      );
    if (reasons.length > 0) {
      statuses[item.id] = { state: 'fail', reasons };
      continue;
    }
    const ran = serving
      .map((rule) => ({ id: rule.meta.id, files: result.rulesRun.get(rule.meta.id) ?? 0 }))
      .filter((rule) => rule.files > 0);
    if (ran.length > 0) statuses[item.id] = { state: 'pass', rules: ran };
    else
      statuses[item.id] = {
        state: 'unchecked',
        why:
          result.files === 0
            ? 'no file was checked'
            : `none of the ${plural(result.files, 'file')} checked had anything for ${[...ids].join(', ')} to read`,
      };
  }
  return statuses;
}

/** `secure checklist`: runs every registered rule over the project and prints the checklist from it. */
export async function checklistCommand(
  output: Output,
  cwd: string,
  paths: string[],
  options: ChecklistCommandOptions = {},
  allRules: readonly Rule[] = registry,
): Promise<number> {
  const result = await checkProject(
    cwd,
    paths,
    { rule: [], cache: true, config: options.config, ignorePattern: options.ignorePattern },
    undefined,
    undefined,
    allRules,
  );
  const statuses = checklistStatuses(cwd, result, allRules);
  let code: number;
  if (options.format === 'json' || options.format === 'markdown') {
    const format = options.format === 'json' ? formatChecklistJson : formatChecklistMarkdown;
    output.out(format(statuses, packageVersion));
    code = Object.values(statuses).some((status) => status.state === 'fail') ? 1 : 0;
  } else code = printChecklist(output, statuses);
  const verdict = checkVerdict(output, cwd, paths, result, options);
  return verdict === 'ok' ? code : ExitCode.usage;
}

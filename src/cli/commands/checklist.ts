import { rules as registry } from '../../../codemods/index.js';
import type { Rule } from '../../engine/rule.js';
import { checklistItems, type ChecklistItemId } from '../../policy/index.js';
import { displayPath } from '../format/report.js';
import type { Output } from '../output.js';
import { checkProject } from './check.js';

export type ChecklistStatus =
  /** `rules`: the checks that ran clean for this item, so the reader sees what the tick rests on. */
  { state: 'pass'; rules?: string[] } | { state: 'fail'; reasons: string[] } | { state: 'unchecked' };

/**
 * Prints the rules' Security Checklist. An item is ticked only when a check earned it; until then it
 * says "not checked yet".
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
        ? `  ${colors.dim(`(no findings from ${status.rules.join(', ')})`)}`
        : '';
      output.out(`${colors.green('[x]')} ${item.text}${basis}`);
    } else if (status.state === 'fail') {
      failed = true;
      output.out(`${colors.red('[ ]')} ${item.text}`);
      for (const reason of status.reasons) output.out(`      ${colors.dim(reason)}`);
    } else output.out(`${colors.yellow('[?]')} ${item.text} ${colors.dim('(not checked yet)')}`);
  }
  return failed ? 1 : 0;
}

/**
 * `secure checklist`: runs every registered rule over the project; an item is ticked when the rules that
 * serve it ran with no finding, crossed (naming the findings) when they found something, and left
 * "not checked yet" when no registered rule covers it.
 */
export async function checklistCommand(
  output: Output,
  cwd: string,
  paths: string[],
  allRules: readonly Rule[] = registry,
): Promise<number> {
  const result = await checkProject(cwd, paths, { rule: [], cache: true }, undefined, undefined, allRules);
  const itemOf = new Map(allRules.map((rule) => [rule.meta.id, rule.meta.checklist]));
  const statuses: Partial<Record<ChecklistItemId, ChecklistStatus>> = {};
  for (const rule of allRules) {
    const status = statuses[rule.meta.checklist];
    if (status?.state === 'pass') status.rules!.push(rule.meta.id);
    else statuses[rule.meta.checklist] = { state: 'pass', rules: [rule.meta.id] };
  }
  for (const finding of result.findings) {
    const item = itemOf.get(finding.rule);
    if (!item) continue;
    const status = statuses[item];
    const reason = `${finding.rule}  ${displayPath(cwd, finding.file)}:${finding.line}  ${finding.message}`;
    if (status?.state === 'fail') status.reasons.push(reason);
    else statuses[item] = { state: 'fail', reasons: [reason] };
  }
  const code = printChecklist(output, statuses);
  const unreadable = result.parseErrors.length;
  if (unreadable > 0)
    output.err(
      `warning: ${unreadable} file${unreadable === 1 ? '' : 's'} did not parse and were not checked (run \`secure check\` to see them)`,
    );
  return code;
}

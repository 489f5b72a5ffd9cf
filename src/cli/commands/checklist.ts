import { checklistItems, type ChecklistItemId } from '../../policy/index.js';
import type { Output } from '../output.js';

export type ChecklistStatus =
  | { state: 'pass' }
  | { state: 'fail'; reasons: string[] }
  | { state: 'unchecked' };

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
    if (status.state === 'pass') output.out(`${colors.green('[x]')} ${item.text}`);
    else if (status.state === 'fail') {
      failed = true;
      output.out(`${colors.red('[ ]')} ${item.text}`);
      for (const reason of status.reasons) output.out(`      ${colors.dim(reason)}`);
    } else output.out(`${colors.yellow('[?]')} ${item.text} ${colors.dim('(not checked yet)')}`);
  }
  return failed ? 1 : 0;
}

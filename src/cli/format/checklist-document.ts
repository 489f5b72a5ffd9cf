import { checklistItems, type ChecklistItemId } from '../../policy/index.js';
import type { ChecklistStatus } from '../commands/checklist.js';
import { plural } from './report.js';

type Statuses = Partial<Record<ChecklistItemId, ChecklistStatus>>;

function statusOf(statuses: Statuses, id: ChecklistItemId): ChecklistStatus {
  return statuses[id] ?? { state: 'unchecked', why: 'no rule covers it yet' };
}

/** `secure checklist --format json`: each item with its state and what the state rests on. */
export function formatChecklistJson(statuses: Statuses, toolVersion: string): string {
  return JSON.stringify(
    {
      tool: { name: 'create-secure-app', version: toolVersion },
      items: checklistItems.map((item) => ({ id: item.id, text: item.text, ...statusOf(statuses, item.id) })),
    },
    null,
    2,
  );
}

/** Text from findings goes into a PR comment: characters markdown would read as syntax are escaped. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#~]/g, (char) => `\\${char}`);
}

/**
 * `secure checklist --format markdown`: a task list a team pastes into a pull request. Only an item a
 * check earned is ticked; a failed or unchecked one stays open with the reason under it.
 */
export function formatChecklistMarkdown(statuses: Statuses, toolVersion: string): string {
  const lines = [
    `### Security checklist`,
    '',
    `_From \`secure check\` (create-secure-app ${toolVersion})._`,
    '',
  ];
  for (const item of checklistItems) {
    const status = statusOf(statuses, item.id);
    if (status.state === 'pass') {
      const basis = status.rules?.length
        ? ` (no findings from ${status.rules.map((rule) => `\`${rule.id}\` in ${plural(rule.files, 'file')}`).join(', ')})`
        : '';
      lines.push(`- [x] ${item.text}${basis}`);
    } else if (status.state === 'fail') {
      lines.push(`- [ ] ${item.text}: **${plural(status.reasons.length, 'finding')}**`);
      for (const reason of status.reasons) lines.push(`  - ${escapeMarkdown(reason)}`);
    } else
      lines.push(
        `- [ ] ${item.text} (not checked: ${escapeMarkdown(status.why ?? 'no rule covers it yet')})`,
      );
  }
  return lines.join('\n');
}

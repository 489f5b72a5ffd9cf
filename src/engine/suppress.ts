import { createHash } from 'node:crypto';
import type { Finding, RuleMeta } from './rule.js';

/**
 * `// secure-ignore sql-injection: the table name comes from the allowlist above` (or `/* ... *\/`, or
 * `# secure-ignore ...` in Dockerfiles and .env files) on the finding's line or the line above.
 */
export interface Suppression {
  line: number;
  column: number;
  rules: string[];
  reason: string;
  /** Alone on its line: it speaks for the next line. A trailing comment speaks for its own line only. */
  standalone: boolean;
}

export const suppressionMarker = 'secure-ignore';

/** The pseudo-rule under which a suppression without a reason is reported. */
export const suppressionRuleMeta: RuleMeta = {
  id: 'secure-ignore',
  title: 'A secure-ignore comment must give its reason',
  description:
    'A suppression hides a security finding from every later check; without a reason, a reviewer cannot tell a considered exception from a silenced warning.',
  checklist: 'secrets',
  severity: 'low',
  cwe: [],
  fixable: false,
  hint: 'Write the reason after a colon: `// secure-ignore rule-id: why this code is safe`.',
};

const commentPattern = /(?:\/\/|\/\*|#)\s*secure-ignore\b([^\n]*)/g;

export function findSuppressions(text: string): Suppression[] {
  if (!text.includes(suppressionMarker)) return [];
  const suppressions: Suppression[] = [];
  const lineStarts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1))
    lineStarts.push(index + 1);
  for (const match of text.matchAll(commentPattern)) {
    const offset = match.index;
    let line = 0;
    let high = lineStarts.length - 1;
    while (line < high) {
      const middle = (line + high + 1) >> 1;
      if (lineStarts[middle] <= offset) line = middle;
      else high = middle - 1;
    }
    const body = match[1].replace(/\*\/.*$/, '').trim();
    const colon = body.indexOf(':');
    const ids = colon === -1 ? body : body.slice(0, colon);
    const reason = colon === -1 ? '' : body.slice(colon + 1).trim();
    suppressions.push({
      line: line + 1,
      column: offset - lineStarts[line] + 1,
      rules: ids
        .split(/[\s,]+/)
        .map((id) => id.trim())
        .filter(Boolean),
      reason,
      standalone: text.slice(lineStarts[line], offset).trim() === '',
    });
  }
  return suppressions;
}

export function isSuppressed(
  finding: Pick<Finding, 'rule' | 'line'>,
  suppressions: readonly Suppression[],
): boolean {
  return suppressions.some(
    (suppression) =>
      suppression.reason !== '' &&
      (suppression.line === finding.line ||
        (suppression.standalone && suppression.line === finding.line - 1)) &&
      (suppression.rules.includes(finding.rule) || suppression.rules.includes('all')),
  );
}

/** Findings for suppressions that cannot be honoured: no rule named, or no reason given. */
export function invalidSuppressions(file: string, suppressions: readonly Suppression[]): Finding[] {
  return suppressions
    .filter((suppression) => suppression.reason === '' || suppression.rules.length === 0)
    .map((suppression) => ({
      rule: suppressionRuleMeta.id,
      file,
      line: suppression.line,
      column: suppression.column,
      endLine: suppression.line,
      endColumn: suppression.column + suppressionMarker.length,
      message:
        suppression.rules.length === 0
          ? 'secure-ignore names no rule, so it suppresses nothing'
          : `secure-ignore ${suppression.rules.join(', ')} gives no reason, so it suppresses nothing`,
      severity: suppressionRuleMeta.severity,
      fixable: false,
    }));
}

/** The line's code without whitespace: what a baseline fingerprint keeps when lines move or get reformatted. */
export function lineHash(rule: string, text: string, line: number): string {
  let start = 0;
  for (let current = 1; current < line && start !== -1; current++) {
    start = text.indexOf('\n', start);
    if (start !== -1) start++;
  }
  let content = '';
  if (start !== -1) {
    const end = text.indexOf('\n', start);
    content = text.slice(start, end === -1 ? undefined : end);
  }
  return createHash('sha256')
    .update(`${rule}\0${content.replace(/\s+/g, '')}`)
    .digest('hex')
    .slice(0, 16);
}

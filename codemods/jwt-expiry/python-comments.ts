import type { SgNode } from '@ast-grep/napi';
import type { TextEdit } from '../../src/engine/rule.js';

/** A comment that states a duration: `# 60 minutes * 24 hours * 8 days = 8 days`, `# 1 week`, `# 12h`. */
const statesDuration =
  /\b(?:\d+\s*|(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+)(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|months?|years?)\b/i;

const durations = new RegExp(statesDuration.source, 'gi');

/**
 * `60 minutes * 24 hours * 8 days = 8 days`, `# refresh tokens expire after 30 days`: nothing but durations,
 * arithmetic and words about the token's lifetime, which the new lifetime replaces.
 */
function onlyDurations(comment: string): boolean {
  return (
    comment
      .replace(/^#+/, '')
      .replace(durations, '')
      .replace(
        /\b(?:and|or|is|per|total|approx|about|i\.e|in|for|after|the|default|valid|lifetime|expires?|expiry|access|refresh|tokens?)\b/gi,
        '',
      )
      .replace(/[\d\s*x×/+=().,:;~-]/g, '') === ''
  );
}

/** The statement a value belongs to: the node whose parent is a block or the module. */
function statementOf(node: SgNode): SgNode {
  let current = node;
  for (const ancestor of node.ancestors()) {
    if (ancestor.kind() === 'block' || ancestor.kind() === 'module') return current;
    current = ancestor;
  }
  return current;
}

export interface StaleComments {
  /** Comments that only state the old lifetime, rewritten to state the new one. */
  edits: TextEdit[];
  /** The 1-based line of a sentence that states the old lifetime in words: a person rewrites it with the value. */
  proseLine?: number;
}

/**
 * The comments that describe a lifetime the fix changes: the one at the end of its statement's last line and the
 * comment lines directly above it, when they state a duration, so the code never reads `# ... = 8 days` over
 * `= 30`. (A comment before a class's first statement hangs on the class in the tree, so lines, not siblings,
 * decide what is above.)
 */
export function staleDurationComments(node: SgNode, text: string, now: string): StaleComments {
  const statement = statementOf(node);
  const first = statement.range().start.line;
  const last = statement.range().end.line;
  const lines = text.split('\n');
  let top = first;
  while (top > 0 && /^\s*#/.test(lines[top - 1] ?? '')) top -= 1;
  const edits: TextEdit[] = [];
  let proseLine: number | undefined;
  for (const comment of node
    .getRoot()
    .root()
    .findAll({ rule: { kind: 'comment' } })) {
    const { start, end } = comment.range();
    const above = start.line >= top && start.line < first;
    const trailing = start.line === last && start.index >= statement.range().end.index;
    if ((!above && !trailing) || !statesDuration.test(comment.text())) continue;
    if (onlyDurations(comment.text())) edits.push({ start: start.index, end: end.index, text: `# ${now}` });
    else proseLine ??= start.line + 1;
  }
  return proseLine === undefined ? { edits } : { edits, proseLine };
}

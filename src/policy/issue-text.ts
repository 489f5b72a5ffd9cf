import type { z } from 'zod';

const shown = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

const typeNames: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string in quotes',
  boolean: 'true or false',
  array: 'a list ([...])',
  object: 'an object ({...})',
  null: 'null',
};

function bound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean; origin?: string }) {
  const small = 'minimum' in issue;
  const limit = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === 'string')
    return small && limit === 1
      ? 'must not be empty'
      : `must have ${small ? 'at least' : 'at most'} ${limit} characters`;
  if (issue.origin === 'array') return `must list ${small ? 'at least' : 'at most'} ${limit} entries`;
  if (issue.inclusive) return `must be ${small ? 'at least' : 'at most'} ${limit}`;
  return `must be ${small ? 'greater' : 'less'} than ${limit}`;
}

/**
 * A zod issue as a sentence a person acts on: what the key must be and what it got (`must be at least 10
 * (got 9)`), instead of zod's `Too small: expected number to be >=10`. Our own refinements keep their text.
 */
export function issueSentence(issue: z.core.$ZodIssue): string {
  const got = 'input' in issue ? ` (got ${shown(issue.input)})` : '';
  switch (issue.code) {
    case 'too_small':
    case 'too_big':
      return `${bound(issue)}${got}`;
    case 'invalid_value': {
      const values = issue.values.map(shown);
      return `${values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`}${got}`;
    }
    case 'invalid_type':
      return `must be ${typeNames[issue.expected] ?? issue.expected}${got}`;
    default:
      return issue.message;
  }
}

/** Line and column (1-based) of a JSON.parse error's `at position N`, to say where the syntax breaks. */
export function jsonErrorLocation(
  text: string,
  message: string,
): { line: number; column: number } | undefined {
  const position =
    /at position (\d+)/.exec(message)?.[1] ?? (/end of JSON input/.test(message) ? text.length : undefined);
  if (position === undefined) return undefined;
  const before = text.slice(0, Number(position));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

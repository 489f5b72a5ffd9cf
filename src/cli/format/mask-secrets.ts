/**
 * The code under a finding is printed for context, but a secret is never printed (not in a terminal, not in a CI
 * log): on the lines shown, the contents of string literals and the values of `NAME=value` / `NAME: value` lines
 * become `*`, one per character, so that the caret under the finding still points at the right column.
 */

/** The checklist boxes whose findings sit on, or next to, a credential. */
const secretBearing = new Set(['secrets', 'jwt-expiry', 'password-hashing']);

export function showsSecrets(checklist: string | undefined): boolean {
  return checklist === undefined || secretBearing.has(checklist);
}

const quoted = /(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
// `KEY=value` and `KEY: value` (env, YAML, properties), `ENV KEY value` / `ARG KEY=value` (Dockerfiles).
const assignment = /^(\s*(?:-\s*)?(?:export\s+)?[A-Za-z_][\w.-]*\s*(?:=|:(?=\s)))(\s*)(.*)$/;
const dockerAssignment = /^(\s*(?:ENV|ARG)\s+[A-Za-z_]\w*(?:=|\s+))()(.*)$/i;
const codeFile = /\.(?:[cm]?[jt]sx?|py)$/;

const moduleSpecifier = /(?:\brequire\(\s*|\bimport\(\s*|\bfrom\s+)$/;
const stars = (text: string) => text.replace(/[^\s]/g, '*');

export function maskLine(line: string, path: string): string {
  let masked = line.replace(quoted, (whole: string, quote: string, body: string, at: number) =>
    // A module name (`require('jsonwebtoken')`, `from 'jose'`) is no secret, and says what the line does.
    moduleSpecifier.test(line.slice(0, at)) ? whole : `${quote}${stars(body)}${quote}`,
  );
  if (!codeFile.test(path)) {
    const match = dockerAssignment.exec(masked) ?? assignment.exec(masked);
    if (match) masked = `${match[1]}${match[2]}${stars(match[3])}`;
  }
  return masked;
}

/** `text` with the lines around `line` (1-based) masked: only what the frame shows is touched. */
export function maskAround(text: string, line: number, path: string, around = 1): string {
  const lines = text.split('\n');
  for (
    let index = Math.max(0, line - 1 - around);
    index <= Math.min(lines.length - 1, line - 1 + around);
    index++
  )
    lines[index] = maskLine(lines[index], path);
  return lines.join('\n');
}

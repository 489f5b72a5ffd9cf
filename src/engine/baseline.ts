import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { SecureError } from '../errors.js';
import type { Finding } from './rule.js';

/**
 * A baseline records the findings a legacy repository accepts for now. A fingerprint is the rule, the
 * file (relative to the baseline's folder), the line's code without its whitespace and the occurrence
 * number among identical lines: adding or removing lines elsewhere does not change it.
 */
export interface BaselineFile {
  version: 1;
  tool: 'secure';
  fingerprints: string[];
}

/** Fingerprints for findings, in the same order; `base` is the folder paths are taken relative to. */
export function fingerprints(findings: readonly Finding[], base: string): string[] {
  const occurrences = new Map<string, number>();
  return findings.map((finding) => {
    const file = relative(base, finding.file).split(sep).join('/');
    const key = `${finding.rule}\0${file}\0${finding.lineHash ?? `${finding.line}`}`;
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    return createHash('sha256').update(`${key}\0${occurrence}`).digest('hex').slice(0, 32);
  });
}

export function baselineBase(baselinePath: string): string {
  return dirname(baselinePath);
}

export function serializeBaseline(findings: readonly Finding[], baselinePath: string): string {
  const file: BaselineFile = {
    version: 1,
    tool: 'secure',
    fingerprints: [...new Set(fingerprints(findings, baselineBase(baselinePath)))].sort(),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function readBaseline(path: string, shownAs: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SecureError('USAGE', `${shownAs}: the baseline file cannot be read`, {
      hint: 'Create it with `secure check --write-baseline FILE`.',
    });
  }
  let parsed: Partial<BaselineFile>;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SecureError('USAGE', `${shownAs}: not valid JSON (${(error as Error).message})`, {
      hint: 'Recreate it with `secure check --write-baseline FILE`.',
    });
  }
  if (parsed?.version !== 1 || !Array.isArray(parsed.fingerprints)) {
    throw new SecureError(
      'USAGE',
      `${shownAs}: not a secure baseline (expected version 1 and fingerprints)`,
      {
        hint: 'Recreate it with `secure check --write-baseline FILE`.',
      },
    );
  }
  return new Set(parsed.fingerprints.filter((value): value is string => typeof value === 'string'));
}

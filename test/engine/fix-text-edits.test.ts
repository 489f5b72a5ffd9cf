import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../codemods/index.js';
import { fixSource } from '../../src/engine/analyze-source.js';
import { decodeSource, encodeSource } from '../../src/engine/check-source.js';
import type { ProjectInfo, SourceRule } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';

// Input/output pairs for the text-edit channel: each fix changes only the bytes it must, in the file's own
// layout. Fixtures are read and compared as bytes (CRLF, a BOM and Latin-1 are part of what they test).
const dir = join(import.meta.dirname, '..', 'fixtures', 'text-edits');
const project: ProjectInfo = { root: '/virtual-project', policy: rulesPreset, moduleSystem: 'cjs' };

function fix(bytes: Buffer, name: string) {
  const decoded = decodeSource(bytes);
  const header = /fixture:\s*(\{.*\})/.exec(decoded.text.split('\n')[0])![1];
  const rule = rules.find((candidate) => candidate.meta.id === JSON.parse(header).rule) as SourceRule;
  const text = (decoded.bom ? '\uFEFF' : '') + decoded.text;
  const file = join(project.root, 'src', name);
  const result = fixSource(text, file, [rule], project);
  const output = encodeSource(decoded, result.output.replace(/^\uFEFF/, ''));
  return { result, output: output && Buffer.from(output) };
}

const pairs = readdirSync(dir)
  .filter((entry) => entry.includes('.input.'))
  .sort();

describe('fixes are text edits', () => {
  it.each(pairs)('%s: fixed to the output, bytes outside the fix unchanged, nothing left', (entry) => {
    const input = readFileSync(join(dir, entry));
    const expected = readFileSync(join(dir, entry.replace('.input.', '.output.')));
    const first = fix(input, entry);
    expect(first.result.applied.length).toBeGreaterThan(0);
    expect(first.result.unfixed).toEqual([]);
    expect(first.output?.toString('latin1')).toBe(expected.toString('latin1'));
    const second = fix(first.output!, entry);
    expect(second.result.applied).toEqual([]);
    expect(second.output?.equals(first.output!)).toBe(true);
  });
});

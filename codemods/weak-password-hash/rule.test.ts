import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rulesPreset } from '../../src/policy/index.js';
import { runRule } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

const project = { root: '/virtual-project', policy: rulesPreset, moduleSystem: 'esm' as const };

/** The unfixable fixtures only promise "reported"; these say every situation in them is reported, once. */
describe('weak-password-hash reports every situation of its unfixable fixtures', () => {
  it.each([
    ['fast-hashes.unfixable.js', 'src/fast-hashes.js', [7, 13, 19, 23]],
    ['plain-text-compare.unfixable.ts', 'src/plain-text-compare.ts', [5, 14, 19, 23, 27, 31]],
    ['clear-text-storage.unfixable.js', 'src/users.js', [5, 10, 15, 23, 29, 33, 37, 42, 49, 55]],
  ])('%s', (fixture, relativePath, lines) => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures', fixture), 'utf8');
    const result = runRule(rule, text, relativePath, project);
    expect(result.findings.map((finding) => finding.line)).toEqual(lines);
    expect(result.findings.every((finding) => finding.message.length > 0 && !finding.fixable)).toBe(true);
  });
});

describe('weak-password-hash judges clear-text storage only where the project never hashes', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
  const text = readFileSync(join(import.meta.dirname, 'fixtures', 'clear-text-storage.unfixable.js'), 'utf8');

  function projectWith(files: Record<string, string>) {
    const root = mkdtempSync(join(tmpdir(), 'weak-hash-'));
    roots.push(root);
    for (const [path, body] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), body);
    }
    return { root, policy: rulesPreset, moduleSystem: 'cjs' as const };
  }

  it('stays silent when a model hook elsewhere hashes passwords', () => {
    const hook =
      "const bcrypt = require('bcryptjs');\nschema.pre('save', async function () {\n  this.password = await bcrypt.hash(this.password, 12);\n});\n";
    expect(runRule(rule, text, 'src/users.js', projectWith({ 'src/model.js': hook })).findings).toEqual([]);
  });

  it('still reports where the only hashing is commented out or in tests', () => {
    const project = projectWith({
      'src/model.js': '// password: bcrypt.hashSync(password, bcrypt.genSaltSync())\n',
      'test/users.test.js': "const hash = bcrypt.hashSync('pw', 4);\n",
    });
    expect(runRule(rule, text, 'src/users.js', project).findings).toHaveLength(10);
  });
});

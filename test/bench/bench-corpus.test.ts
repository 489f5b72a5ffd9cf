import { execFileSync } from 'node:child_process';
// @ts-expect-error: a plain .mjs script without type declarations
import { astGrepBinary } from '../../scripts/bench/ast-grep-bin.mjs';
// @ts-expect-error: a plain .mjs script without type declarations
import { baseRuleId, writeAstGrepProject } from '../../scripts/bench/ast-grep-config.mjs';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@babel/parser';
import jscodeshift from 'jscodeshift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The bench's inputs, not its timings: the synthetic corpus is reproducible and valid TypeScript, and the
 * ast-grep rules and jscodeshift transforms the bench compares `secure` with detect the same planted
 * violations (so the comparison is like for like) and stay silent on the clean code around them.
 */
const repoRoot = join(import.meta.dirname, '..', '..');
const benchDir = join(repoRoot, 'scripts', 'bench');
// The bench is plain ESM JavaScript; a computed specifier keeps TypeScript from asking for declarations.
const load = (name: string): Promise<any> => import(join(benchDir, name));

let synth: any;
let violations: any[];
let createRandom: (seed: number) => any;
let entityModel: (random: any, entity: string) => any;
let detectors: any;
let work: string;

beforeAll(async () => {
  synth = await load('corpus-synth.mjs');
  violations = (await load('synth-violations.mjs')).violations;
  createRandom = (await load('random.mjs')).createRandom;
  entityModel = (await load('synth-files.mjs')).entityModel;
  detectors = await load('jscodeshift/detectors.mjs');
  work = mkdtempSync(join(tmpdir(), 'bench-corpus-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function corpusDigest(seed: number, targetLines: number, violationRate?: number): { digest: string; pkgs: any[] } {
  const hash = createHash('sha256');
  const pkgs = [...synth.synthPackages({ seed, targetLines, violationRate })];
  for (const pkg of pkgs) for (const file of pkg.files) hash.update(file.path).update(file.text);
  return { digest: hash.digest('hex'), pkgs };
}

describe('synthetic corpus', () => {
  it('is the same bytes for the same seed, and different for another seed', () => {
    const first = corpusDigest(7, 20_000);
    expect(corpusDigest(7, 20_000).digest).toBe(first.digest);
    expect(corpusDigest(8, 20_000).digest).not.toBe(first.digest);
  });

  it('makes a smaller corpus a prefix of a larger one (the scaling check relies on it)', () => {
    const small = corpusDigest(7, 10_000).pkgs;
    const large = corpusDigest(7, 30_000).pkgs;
    expect(large.length).toBeGreaterThan(small.length);
    small.forEach((pkg: any, index: number) => expect(large[index].files).toEqual(pkg.files));
  });

  it('writes files that all parse as TypeScript, with the planted violations on the lines it records', () => {
    const dir = join(work, 'written');
    const { stats, planted } = synth.writeSynthCorpus(dir, { seed: 3, targetLines: 30_000, violationRate: 0.2 });
    expect(stats.lines).toBeGreaterThanOrEqual(30_000);
    expect(planted.length).toBeGreaterThan(10);
    const files = execFileSync('find', [dir, '-name', '*.ts'], { encoding: 'utf8' }).trim().split('\n');
    expect(files.length).toBe(stats.files);
    for (const file of files) {
      expect(() => parse(readFileSync(file, 'utf8'), { sourceType: 'module', plugins: ['typescript'] }), file).not.toThrow();
    }
    for (const plant of planted) {
      const line = readFileSync(join(dir, plant.file), 'utf8').split('\n')[plant.line - 1];
      expect(line.trim().length, `${plant.kind} in ${plant.file}`).toBeGreaterThan(0);
    }
  });
});

const javascriptAndTsxFixtures = [
  {
    name: 'server.js',
    text: [
      "const express = require('express');",
      "const cors = require('cors');",
      'const app = express();',
      'app.use(cors());',
      "app.get('/users', async (req, res) => {",
      "  res.json(await db.query(`SELECT * FROM users WHERE name = '${req.query.name}'`));",
      '});',
      'export const Badge = ({ label }) => <span className="badge">{label}</span>;',
      '',
    ].join('\n'),
    expected: [
      { line: 4, rule: 'cors-wildcard' },
      { line: 6, rule: 'sql-injection' },
    ],
  },
  {
    name: 'panel.tsx',
    text: [
      "import cors from 'cors';",
      'export const Panel = ({ name }: { name: string }) => <div className="panel">{name}</div>;',
      "export const panelCors = cors({ origin: '*' });",
      'export async function load(db: Db, id: string) {',
      "  return db.query('SELECT * FROM panels WHERE id = ' + id);",
      '}',
      '',
    ].join('\n'),
    expected: [
      { line: 3, rule: 'cors-wildcard' },
      { line: 5, rule: 'sql-injection' },
    ],
  },
  {
    name: 'clean-list.jsx',
    text: [
      "export const List = ({ items }) => <ul>{items.map((item) => <li key={item.id}>{item.name}</li>)}</ul>;",
      "export const count = (db) => db.query('SELECT count(*) FROM items');",
      '',
    ].join('\n'),
    expected: [],
  },
];

/** One file per violation kind, each an ordinary types file with the violation appended; plus clean files. */
function writeFixtureCorpus(dir: string) {
  const random = createRandom(11);
  const expected: { file: string; line: number; rule: string }[] = [];
  for (const violation of violations) {
    const model = entityModel(random, 'order');
    const base = synth.synthPackages({ seed: 5, targetLines: 1 }).next().value.files.find((f: any) => f.path.includes('/repositories/')).text;
    const { text, line } = synth.plant(base, violation, random, model);
    const file = `${violation.kind}.ts`;
    writeFileSync(join(dir, file), text);
    expected.push({ file, line, rule: violation.rule });
  }
  const clean = synth.synthPackages({ seed: 9, targetLines: 3000, violationRate: 0 }).next().value.files;
  clean
    .filter((file: any) => file.path.endsWith('.ts'))
    .forEach((file: any, index: number) => writeFileSync(join(dir, `clean-${index}.ts`), file.text));
  // `secure` also checks JavaScript (JSX allowed) and TSX, which ast-grep's TypeScript grammar does not read.
  for (const file of javascriptAndTsxFixtures) {
    writeFileSync(join(dir, file.name), file.text);
    expected.push(...file.expected.map((entry) => ({ file: file.name, ...entry })));
  }
  return expected.filter((entry) => entry.rule === 'cors-wildcard' || entry.rule === 'sql-injection');
}

describe('the detections secure is compared with', () => {
  let dir: string;
  let expected: { file: string; line: number; rule: string }[];
  const sorted = (list: { file: string; line: number; rule: string }[]) =>
    list.map((entry) => `${entry.file}:${entry.line} ${entry.rule}`).sort();

  beforeAll(() => {
    dir = join(work, 'fixtures');
    mkdirSync(dir, { recursive: true });
    expected = writeFixtureCorpus(dir);
  });

  it('covers both rules with several shapes each', () => {
    expect(expected.filter((entry) => entry.rule === 'cors-wildcard').length).toBeGreaterThanOrEqual(6);
    expect(expected.filter((entry) => entry.rule === 'sql-injection').length).toBeGreaterThanOrEqual(6);
  });

  it('jscodeshift finds exactly the planted cors-wildcard and sql-injection violations', () => {
    const j = jscodeshift.withParser('tsx');
    const found: { file: string; line: number; rule: string }[] = [];
    for (const file of execFileSync('ls', [dir], { encoding: 'utf8' }).trim().split('\n')) {
      const root = j(readFileSync(join(dir, file), 'utf8'));
      for (const node of detectors.detectCorsWildcard(j, root)) found.push({ file, line: node.loc.start.line, rule: 'cors-wildcard' });
      for (const node of detectors.detectSqlInjection(j, root)) found.push({ file, line: node.loc.start.line, rule: 'sql-injection' });
    }
    expect(sorted(found)).toEqual(sorted(expected));
  });

  it('ast-grep finds exactly the same violations, in .ts, .tsx and .js files', () => {
    const bin = astGrepBinary();
    const config = writeAstGrepProject(join(work, 'ast-grep-project'));
    let output = '';
    try {
      output = execFileSync(bin, ['scan', '-c', config, '--json=stream', '.'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      // ast-grep exits 1 when a rule of severity error matched.
      output = (error as { stdout: string }).stdout;
    }
    const found = output
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .map((match) => ({ file: match.file.replace(/^\.\//, ''), line: match.range.start.line + 1, rule: baseRuleId(match.ruleId) }));
    expect(sorted(found)).toEqual(sorted(expected));
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSource, fixSource } from '../../src/engine/analyze-source.js';
import type { ProjectInfo } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';
import rule from './rule.js';

/**
 * The database client often comes from the project's own module (`require('../knex_connection')`): the rule
 * follows that one hop when the module exports the client itself, and never when it exports a wrapper.
 */
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function projectWith(files: Record<string, string>): ProjectInfo {
  const root = mkdtempSync(join(tmpdir(), 'sql-project-module-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, policy: rulesPreset, moduleSystem: 'cjs' };
}

const knexModule =
  "var config = require('./config');\nvar knex = require('knex')(config.get('db'));\nmodule.exports = knex;\n";
const currency = [
  "var knex = require('../knex_connection');",
  'exports.convert = function (price, clientId) {',
  '  return knex.raw(`SELECT convert(${price}, ${clientId})`);',
  '};',
  'exports.fees = function (clientId) {',
  '  return knex.raw(`SELECT fee_added FROM fee WHERE client_id = ${clientId}`);',
  '};',
  '',
].join('\n');

describe('sql-injection through the project’s own database module', () => {
  it('reports knex.raw fragments when the module exports the knex instance, and binds what it can', () => {
    const project = projectWith({ 'knex_connection.js': knexModule });
    const file = join(project.root, 'models/currency.js');
    const findings = checkSource(currency, file, [rule], project).findings;
    expect(findings.map((finding) => finding.line)).toEqual([3, 6]);
    const fixed = fixSource(currency, file, [rule], project);
    expect(fixed.applied).toHaveLength(1);
    expect(fixed.output).toContain('knex.raw(`SELECT fee_added FROM fee WHERE client_id = ?`, [clientId])');
    expect(fixed.output).toContain('knex.raw(`SELECT convert(${price}, ${clientId})`)');
    expect(fixSource(fixed.output, file, [rule], project).changed).toBe(false);
  });

  it('follows `export default db` made from the package, and index files', () => {
    const project = projectWith({
      'db/index.js': "import knex from 'knex';\nconst db = knex({ client: 'pg' });\nexport default db;\n",
    });
    const text = "import db from '../db';\nexport const f = (id) => db.raw(`SELECT f(${id})`);\n";
    const findings = checkSource(text, join(project.root, 'src/f.js'), [rule], project).findings;
    expect(findings.map((finding) => finding.line)).toEqual([2]);
  });

  it('follows a client made by a factory of the package (mysql.createPool), named or exported directly', () => {
    const named =
      'const mysql = require("mysql");\nconst dbConfig = require("../config/db.config.js");\n\nvar connection = mysql.createPool({\n  host: dbConfig.HOST\n});\n\nmodule.exports = connection;\n';
    const direct =
      "import * as mysql from 'mysql2';\nexport default mysql.createConnection({ host: 'db' });\n";
    const model = [
      'const sql = require("./db.js");',
      'exports.findById = (id, result) => {',
      '  sql.query(`SELECT * FROM tutorials WHERE id = ${id}`, (err, res) => result(err, res));',
      '};',
      '',
    ].join('\n');
    for (const module of [named, direct]) {
      const project = projectWith({ 'app/models/db.js': module });
      const file = join(project.root, 'app/models/tutorial.model.js');
      const fixed = fixSource(model, file, [rule], project);
      expect(fixed.output).toContain(
        'sql.query(`SELECT * FROM tutorials WHERE id = ?`, [id], (err, res) => result(err, res));',
      );
      expect(fixSource(fixed.output, file, [rule], project).changed).toBe(false);
    }
  });

  it('leaves a project class built around the client alone: its query() may take other arguments', () => {
    const wrapper =
      "const mysql = require('mysql');\nconst Repository = require('./repository');\nmodule.exports = new Repository(mysql.createPool({}));\n";
    const project = projectWith({ 'knex_connection.js': wrapper });
    const file = join(project.root, 'models/currency.js');
    expect(fixSource(currency, file, [rule], project).changed).toBe(false);
  });

  it('reads nothing from a wrapper module or one loading two drivers: SQL text alone decides, nothing is fixed', () => {
    const wrapper =
      "const { Pool } = require('pg');\nconst pool = new Pool();\nmodule.exports = { raw: (t) => pool.query(t) };\n";
    const two =
      "const knex = require('knex')({});\nconst { Pool } = require('pg');\nmodule.exports = knex;\n";
    for (const module of [wrapper, two]) {
      const project = projectWith({ 'knex_connection.js': module });
      const file = join(project.root, 'models/currency.js');
      // The statement still reads as SQL and is reported; the bare fragment is not, and nothing is rewritten.
      expect(checkSource(currency, file, [rule], project).findings.map((finding) => finding.line)).toEqual([
        6,
      ]);
      expect(fixSource(currency, file, [rule], project).changed).toBe(false);
    }
  });

  it('stays silent on SQL built only from constants', () => {
    const project = projectWith({ 'knex_connection.js': knexModule });
    const text = [
      "var knex = require('../knex_connection');",
      "const ifNotExists = process.env.DB === 'mysql' ? '' : 'IF NOT EXISTS';",
      'exports.up = () => knex.raw(`CREATE INDEX ${ifNotExists} links_user_id ON links (user_id)`);',
      '',
    ].join('\n');
    expect(checkSource(text, join(project.root, 'migrations/1.js'), [rule], project).findings).toEqual([]);
  });
});

describe('sql-injection: names from constants are not input', () => {
  const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
  const at = { root: '/virtual-project', policy: rulesPreset, moduleSystem: 'cjs' as const };

  it('reports names taken from rows, parameters and argv, once each', () => {
    const text = fixture('migration-names-from-rows.unfixable.js');
    const findings = checkSource(text, '/virtual-project/migrations/1.js', [rule], at).findings;
    expect(findings.map((finding) => finding.line)).toEqual([6, 9, 13]);
  });
});

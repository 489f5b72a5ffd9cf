import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource, fixSource } from '../../src/engine/analyze-source.js';
import type { ProjectInfo } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';
import rule from './rule.js';

const project: ProjectInfo = { root: '/p', policy: rulesPreset, moduleSystem: 'cjs' };
const require = createRequire(import.meta.url);

/** Runs a CommonJS snippet (its `module.exports` is returned) with the project's real better-sqlite3. */
function load(code: string): (input: string) => unknown[] {
  const module = { exports: {} as unknown };
  new Function('require', 'module', code)(require, module);
  return module.exports as (input: string) => unknown[];
}

const vulnerable = `
const Database = require('better-sqlite3');
const db = new Database(':memory:');
db.exec("CREATE TABLE users (name TEXT, secret TEXT)");
db.exec("INSERT INTO users VALUES ('alice', 'a-secret'), ('bob', 'b-secret')");

module.exports = function find(name) {
  const byName = db.prepare(\`SELECT secret FROM users WHERE name = '\${name}'\`).all();
  const byPrefix = db.prepare("SELECT secret FROM users WHERE name LIKE '" + name + "%'").all();
  return [...byName, ...byPrefix];
};
`;

describe('sql-injection at run time', () => {
  const payload = "x' OR '1'='1";

  it('the unfixed code leaks every row for an injection payload', () => {
    expect(load(vulnerable)(payload)).toEqual([{ secret: 'a-secret' }, { secret: 'b-secret' }]);
  });

  it('after the fix the payload travels as a bound value and matches nothing', () => {
    const fixed = fixSource(vulnerable, '/p/src/users.js', [rule], project);
    expect(fixed.applied).toHaveLength(2);
    expect(fixed.output).toContain('db.prepare(`SELECT secret FROM users WHERE name = ?`).all(name)');
    expect(fixed.output).toContain(
      'db.prepare("SELECT secret FROM users WHERE name LIKE ?").all(`${name}%`)',
    );
    const find = load(fixed.output);
    expect(find(payload)).toEqual([]);
    // Legitimate input still finds the same rows as before the fix.
    expect(find('alice')).toEqual(load(vulnerable)('alice'));
    expect(find('al')).toEqual([{ secret: 'a-secret' }]);
  });
});

describe('sql-injection edge cases', () => {
  it('follows a parameter typed with the driver’s own type (PoolClient)', () => {
    const text = [
      "import type { PoolClient } from 'pg';",
      'export async function tag(client: PoolClient, id: string) {',
      '  await client.query(`DELETE FROM tags WHERE id = ${id}`);',
      '}',
      '',
    ].join('\n');
    const result = fixSource(text, '/p/src/tags.ts', [rule], { ...project, moduleSystem: 'esm' });
    expect(result.output).toContain('await client.query(`DELETE FROM tags WHERE id = $1`, [id]);');
  });

  it('keeps CRLF line endings, the BOM and comments', () => {
    const text =
      "\uFEFFconst mysql = require('mysql2');\r\nconst pool = mysql.createPool({});\r\n// the lookup\r\n" +
      "pool.query('SELECT * FROM t WHERE a = ' + a, (error) => done(error)); // keep\r\n";
    const result = fixSource(text, '/p/src/a.js', [rule], project);
    expect(result.output).toBe(
      "\uFEFFconst mysql = require('mysql2');\r\nconst pool = mysql.createPool({});\r\n// the lookup\r\n" +
        "pool.query('SELECT * FROM t WHERE a = ?', [a], (error) => done(error)); // keep\r\n",
    );
  });

  it('reports the line where the SQL text starts, once per query', () => {
    const text = [
      "const { Pool } = require('pg');",
      'const pool = new Pool();',
      'async function f(id) {',
      '  return pool.query(',
      '    `SELECT * FROM users WHERE id = ${id}`,',
      '  );',
      '}',
    ].join('\n');
    const { findings } = checkSource(text, '/p/src/f.js', [rule], project);
    expect(findings.map((finding) => [finding.line, finding.column, finding.fixable])).toEqual([
      [5, 5, true],
    ]);
  });

  it('does not move a value whose variable changes between building the SQL and running it', () => {
    const text = [
      "const { Pool } = require('pg');",
      'const pool = new Pool();',
      'async function f(input) {',
      '  let id = input.id;',
      '  const sql = `SELECT * FROM users WHERE id = ${id}`;',
      '  id = 0;',
      '  return pool.query(sql);',
      '}',
    ].join('\n');
    const { findings } = checkSource(text, '/p/src/f.js', [rule], project);
    expect(findings).toHaveLength(1);
    expect(findings[0].fixable).toBe(false);
    expect(findings[0].unfixableReason).toMatch(/`id` is reassigned/);
  });
});

describe('sql-injection through class members', () => {
  it('knows `this.pool` from a constructor parameter property or an initialiser', () => {
    const text = [
      "import { Pool } from 'pg';",
      'export class Users {',
      '  constructor(private readonly pool: Pool) {}',
      '  find(id: string) {',
      '    return this.pool.query(`SELECT * FROM users WHERE id = ${id}`);',
      '  }',
      '}',
      'export class Orders {',
      '  private db = new Pool();',
      '  find(id: string) {',
      "    return this.db.query('SELECT * FROM orders WHERE id = ' + id);",
      '  }',
      '}',
      '',
    ].join('\n');
    const result = fixSource(text, '/p/src/repos.ts', [rule], { ...project, moduleSystem: 'esm' });
    expect(result.output).toContain('return this.pool.query(`SELECT * FROM users WHERE id = $1`, [id]);');
    expect(result.output).toContain("return this.db.query('SELECT * FROM orders WHERE id = $1', [id]);");
  });
});

describe('sql-injection with Prisma', () => {
  it('keeps the result type of $queryRawUnsafe<T> on the $queryRaw<T> template', () => {
    const text = [
      "import { PrismaClient } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      'export const byEmail = (email: string) =>',
      '  prisma.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM "User" WHERE email = \'${email}\'`);',
      '',
    ].join('\n');
    const result = fixSource(text, '/p/src/users.ts', [rule], { ...project, moduleSystem: 'esm' });
    expect(result.output).toContain(
      'prisma.$queryRaw<{ id: number }[]>`SELECT id FROM "User" WHERE email = ${email}`;',
    );
  });
});

describe('sql-injection: the driver told by the project, not only the file', () => {
  const projectWith = (files: Record<string, string>): ProjectInfo => {
    const root = mkdtempSync(join(tmpdir(), 'sql-driver-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return { root, policy: rulesPreset, moduleSystem: 'cjs' };
  };

  // Handles: the models index's instance, used in a file that only requires '../models'
  const modelsIndexUser = [
    "const db = require('../models');",
    'module.exports.search = function (req, res) {',
    `  var query = "SELECT name,id FROM Users WHERE login='" + req.body.login + "'";`,
    '  db.sequelize.query(query, { model: db.User }).then((users) => res.json(users));',
    '};',
    '',
  ].join('\n');

  it('rewrites db.sequelize.query with replacements when package.json depends on sequelize', () => {
    const project = projectWith({
      'package.json': '{"dependencies":{"sequelize":"^6.0.0","mysql2":"^3.0.0"}}',
    });
    const fixed = fixSource(modelsIndexUser, join(project.root, 'core/handler.js'), [rule], project);
    expect(fixed.applied).toHaveLength(1);
    expect(fixed.output).toContain('var query = "SELECT name,id FROM Users WHERE login=?";');
    expect(fixed.output).toContain('replacements: [req.body.login]');
  });

  it('leaves it to a human when nothing in the project says sequelize', () => {
    const project = projectWith({ 'package.json': '{"dependencies":{"express":"^4.0.0"}}' });
    const fixed = fixSource(modelsIndexUser, join(project.root, 'core/handler.js'), [rule], project);
    expect(fixed.changed).toBe(false);
    expect(fixed.unfixed.map((finding) => finding.unfixableReason)).toEqual([
      expect.stringContaining('cannot be told'),
    ]);
  });

  const typeormQuery = [
    "import { getManager } from 'typeorm';",
    'export async function find(name: string) {',
    "  return getManager().query(`SELECT * FROM users WHERE name = '${name}'`);",
    '}',
    '',
  ].join('\n');

  it("places TypeORM's query values the way the one configured database binds them", () => {
    const project = projectWith({
      'src/data-source.ts': "export const options = { type: 'postgres', host: 'db' };\n",
    });
    const fixed = fixSource(typeormQuery, join(project.root, 'src/find.ts'), [rule], project);
    expect(fixed.output).toContain('query(`SELECT * FROM users WHERE name = $1`, [name])');
  });

  it('leaves TypeORM alone when two databases are configured', () => {
    const project = projectWith({
      'src/a.ts': "export const a = { type: 'postgres' };\n",
      'src/b.ts': "export const b = { type: 'mysql' };\n",
    });
    const fixed = fixSource(typeormQuery, join(project.root, 'src/find.ts'), [rule], project);
    expect(fixed.changed).toBe(false);
  });
});

import { describePrefilter } from '../../test/helpers/prefilter-suite.js';
import rule from './rule.js';

// Files the rule reports on: the prefilter must let every one of them through to the parser.
const unsafe: Record<string, string> = {
  'a substitution':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport const find = (id: string) => db.query(`SELECT * FROM users WHERE id = ${id}`);\n",
  'a concatenation':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport const find = (id: string) => db.query('SELECT * FROM users WHERE id = ' + id);\n",
  'a typed variable built with +':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport function find(a: string) {\n  let sql: string = 'SELECT * FROM t WHERE a = ' + a;\n  return db.query(sql);\n}\n",
  'a variable built with +':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport function find(a: string) {\n  const sql = 'SELECT * FROM t WHERE a = ' + a;\n  return db.query(sql);\n}\n",
  'a variable declared on one line, built on the next':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport function find(a: string) {\n  const sql =\n    `SELECT * FROM t WHERE a = ${a}`;\n  return db.query(sql);\n}\n",
  'text appended with +=':
    "const mysql = require('mysql');\nconst db = mysql.createConnection({});\nfunction find(x, cb) {\n  let sql = 'SELECT * FROM t WHERE 1=1';\n  if (x) sql += \" AND x = '\" + x + \"'\";\n  db.query(sql, cb);\n}\n",
  'a let table name (not a constant)':
    "import { Pool } from 'pg';\nconst db = new Pool();\nlet table = 'users';\nexport const all = () => db.query('SELECT * FROM ' + table + ' WHERE id = 1');\n",
  'a config object':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport const find = (id: string) => db.query({ text: `SELECT * FROM t WHERE id = ${id}` });\n",
  'a comment and line breaks inside the call':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport const find = (id: string) =>\n  db.query(\n    // by id\n    `SELECT * FROM t WHERE id = ${id}`,\n  );\n",
  'a raw fragment':
    "import knex from 'knex';\nconst db = knex({ client: 'pg' });\nexport const sorted = (column: string) => db('t').orderByRaw(`${column} DESC`);\n",
  'lower-case SQL':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport const find = (id: string) => db.query('select name from users where id = ' + id);\n",
  'a template that opens with a line break':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport const find = (id: string) =>\n  db.query(`\n    SELECT name\n    FROM users\n    WHERE id = ${id}`);\n",
  'a query builder condition held in a variable':
    "import { DataSource } from 'typeorm';\nexport function find(ds: DataSource, name: string) {\n  const condition = `user.name = '${name}'`;\n  return ds.createQueryBuilder('user').where(condition).getMany();\n}\n",
  'a member joined by +':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport const find = (req: { params: { id: string } }) => db.query('SELECT * FROM t WHERE id = ' + req.params.id);\n",
  'a call joined by +':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport const find = (id: string) => db.query('SELECT * FROM t WHERE id = ' + String(id));\n",
  'a variable behind a non-null assertion':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport function find(a: string) {\n  const sql = `SELECT * FROM t WHERE a = ${a}`;\n  return db.query(sql!);\n}\n",
  'a variable cast with as':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport function find(a: string) {\n  const sql = `SELECT * FROM t WHERE a = ${a}`;\n  return db.query(sql as string);\n}\n",
  'nested type arguments':
    "import { Pool } from 'pg';\nconst db = new Pool();\nexport const find = (id: string) => db.query<Array<{ id: string }>>(`SELECT * FROM t WHERE id = ${id}`);\n",
};

// Files full of SQL and query calls where no value reaches the SQL text: no reason to parse them.
const safe: Record<string, string> = {
  'bound parameters and a constant prefix': [
    "import type { Pool } from 'pg';",
    "const SELECT_REGION = 'SELECT id, name FROM regions';",
    'export class RegionRepository {',
    '  constructor(private readonly db: Pool) {}',
    '  async findById(id: string) {',
    "    return (await this.db.query(SELECT_REGION + ' WHERE id = $1', [id])).rows[0];",
    '  }',
    '  async list(limit: number) {',
    '    return (await this.db.query(`SELECT id FROM regions ORDER BY id LIMIT $1`, [limit])).rows;',
    '  }',
    '  async remove(id: string) {',
    "    const { rowCount } = await this.db.query('DELETE FROM regions WHERE id = $1', [id]);",
    '    if (!rowCount) throw new Error(`region ${id} not found`);',
    '  }',
    '}',
    '',
  ].join('\n'),
  'statements run with spread, no or bound arguments': [
    "import Database from 'better-sqlite3';",
    "const db = new Database(':memory:');",
    'export function insert(values: unknown[], id: string) {',
    "  db.prepare('INSERT INTO t (a, b) VALUES (?, ?)').run(...values);",
    "  db.prepare('SELECT count(*) FROM t').all();",
    "  return db.prepare('SELECT * FROM t WHERE id = ?').get(id);",
    '}',
    '',
  ].join('\n'),
  'prepared statements run with a parameter': [
    "import Database from 'better-sqlite3';",
    "const db = new Database(':memory:');",
    'export function find(req: { params: { id: string } }) {',
    '  const id = req.params.id;',
    "  return db.prepare('SELECT * FROM users WHERE id = ?').get(id);",
    '}',
    '',
  ].join('\n'),
  'raw calls with constant text': [
    "import knex from 'knex';",
    "import { PrismaClient } from '@prisma/client';",
    "const db = knex({ client: 'pg' });",
    'const prisma = new PrismaClient();',
    "const SELECT_USER = 'SELECT id, name FROM users';",
    "export const byId = (id: string) => db.raw(SELECT_USER + ' WHERE id = ?', [id]);",
    "export const count = () => prisma.$queryRawUnsafe<{ n: number }[]>('SELECT count(*) AS n FROM users');",
    '',
  ].join('\n'),
  'sentences that start like SQL': [
    'export function greet(cache: Map<string, string>, name: string) {',
    "  const key = 'with ' + name;",
    "  return cache.get(key) ?? 'call ' + name + ' back, then show them the values';",
    '}',
    '',
  ].join('\n'),
  'statements built elsewhere, run through members and calls': [
    "import type { Pool } from 'pg';",
    "const SELECT_ALL = 'SELECT * FROM t';",
    'export async function run(db: Pool, plan: { sql: string; params: unknown[] }, id: string) {',
    '  await db.query(plan.sql, plan.params);',
    '  await db.query(render(plan)?.text, [id]);',
    '  await db.query(',
    '    compile({ where: `id = ${id}` })',
    '      .statements[0],',
    '  );',
    '  return db.query(SELECT_ALL);',
    '}',
    'declare function render(plan: unknown): { text: string } | undefined;',
    'declare function compile(plan: unknown): { statements: string[] };',
    '',
  ].join('\n'),
  'a query builder given objects': [
    "import knex from 'knex';",
    "const db = knex({ client: 'pg' });",
    "export const find = (id: string) => db('users').where({ id }).select('name');",
    'export const label = (id: string) => `SELECT of ${id}`;',
    '',
  ].join('\n'),
};

describePrefilter(rule, {
  dir: import.meta.dirname,
  path: 'src/repo.ts',
  moduleSystem: 'cjs',
  minReportedFixtures: 20,
  reported: unsafe,
  clean: safe,
});

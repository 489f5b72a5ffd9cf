import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin, secureBin } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-repo.js';

/**
 * Some rules read OTHER files while analysing one (the project's database module, its routes, its tsconfig):
 * a cached analysis must not outlive an edit there. Each case runs the built bin (one process per run, as a
 * user does) with the cache, edits only the other file, and compares with a `--no-cache` run.
 */
const json = async (dir: string, args: string[], env: Record<string, string>) =>
  JSON.parse((await runBin(secureBin, ['check', '--format', 'json', ...args], { cwd: dir, env })).stdout);

const located = (findings: { file: string; line: number; rule: string; fixable?: boolean }[]) =>
  findings.map(
    (f) => `${f.file.split('/').slice(-2).join('/')}:${f.line} ${f.rule} ${f.fixable ? 'fixable' : ''}`,
  );

const knexModule =
  "var config = require('./config');\nvar knex = require('knex')(config.get('db'));\nmodule.exports = knex;\n";
const wrapperModule =
  "const mysql = require('mysql');\nconst Repository = require('./repository');\nmodule.exports = new Repository(mysql.createPool({}));\n";
const currency = [
  "var knex = require('../knex_connection');",
  'exports.fees = function (clientId) {',
  '  return knex.raw(`SELECT fee_added FROM fee WHERE client_id = ${clientId}`);',
  '};',
  '',
].join('\n');

describe('the analysis cache and the other files a rule reads', () => {
  it('a database module edited alone makes the files using it analysed again, as --no-cache does', async () => {
    const dir = tempProject(
      {
        'package.json': '{"name":"shop","dependencies":{"knex":"3.1.0","mysql":"2.18.1"}}',
        'knex_connection.js': wrapperModule,
        'models/currency.js': currency,
        'models/plain.js': 'exports.add = (a, b) => a + b;\n',
      },
      { git: false },
    );
    const env = { SECURE_CACHE_DIR: join(dir, '.cache-test') };
    const args = ['--rule', 'sql-injection'];
    const cold = await json(dir, args, env);
    const warm = await json(dir, args, env);
    // Unchanged: every file answered by the cache, its dependency stat included.
    expect(warm.summary).toMatchObject({ parsed: 0, cached: warm.summary.files });
    expect(warm.findings).toEqual(cold.findings);

    writeFileSync(join(dir, 'knex_connection.js'), knexModule);
    const edited = await json(dir, args, env);
    const fresh = await json(dir, [...args, '--no-cache'], env);
    expect(located(edited.findings)).toEqual(located(fresh.findings));
    expect(edited.findings).toEqual(fresh.findings);
    // The edit did change the answer (else this test could not fail); the edited module and currency.js were
    // read again, plain.js still came from the cache.
    expect(located(fresh.findings)).not.toEqual(located(cold.findings));
    expect(edited.summary).toMatchObject({ files: 3, parsed: 1, cached: 1 });
  });

  it('a refresh route added in another file changes a jwt-expiry finding of a cached file, as --no-cache does', async () => {
    const dir = tempProject(
      {
        'package.json': '{"name":"api","dependencies":{"jsonwebtoken":"9.0.2","express":"4.21.2"}}',
        'src/auth.js': [
          "const jwt = require('jsonwebtoken');",
          'exports.login = (user) => jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { expiresIn: "30d" });',
          '',
        ].join('\n'),
        'src/routes.js':
          "const router = require('express').Router();\nrouter.post('/login', (req, res) => res.end());\nmodule.exports = router;\n",
      },
      { git: false },
    );
    const env = { SECURE_CACHE_DIR: join(dir, '.cache-test') };
    const args = ['--rule', 'jwt-expiry'];
    const cold = await json(dir, args, env);
    expect(cold.findings).toHaveLength(1);

    writeFileSync(
      join(dir, 'src/routes.js'),
      "const router = require('express').Router();\nrouter.post('/login', (req, res) => res.end());\nrouter.post('/auth/refresh', (req, res) => res.end());\nmodule.exports = router;\n",
    );
    const edited = await json(dir, args, env);
    const fresh = await json(dir, [...args, '--no-cache'], env);
    expect(edited.findings).toEqual(fresh.findings);
    expect(fresh.findings).not.toEqual(cold.findings);
  });
});

import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findRule } from '../../codemods/index.js';
import { repoRoot, runBin, secureBin } from '../helpers/cli.js';
import { git, tempProject } from '../helpers/temp-repo.js';

/**
 * A small legacy TypeScript API, made in a temp git repo, checked and fixed by the built `secure` bin as a
 * user would. It runs with whatever rules are registered; the cors-wildcard and sql-injection cases assert
 * on those rules specifically (and the SQL one on a real better-sqlite3 database).
 */
const jwtSecret = 'k9Lq2vX8pR4zW7mN1tY6hB3cF5';
const dockerSecret = 'Tr0ub4dor-and-3-more-words';

const legacy: Record<string, string> = {
  'package.json': JSON.stringify(
    {
      name: 'legacy',
      private: true,
      type: 'module',
      dependencies: { 'better-sqlite3': '12.6.2', cors: '2.8.5', express: '4.21.2', jsonwebtoken: '9.0.2' },
    },
    null,
    2,
  ),
  '.gitignore': 'node_modules\nbuild\n',
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      // Legacy code rarely turned strict on; the fixes must compile either way.
      strict: false,
      skipLibCheck: true,
      outDir: 'build',
      types: ['node'],
    },
    include: ['src'],
  }),
  // Packages the project does not install here (and the ones `secure add` wires in) type-check as `any`;
  // the type names the generated modules import are declared so that `import type` resolves.
  'src/ambient.d.ts': [
    "declare module 'express' {",
    '  const express: any;',
    '  export default express;',
    '  export type RequestHandler = any;',
    '  export type ErrorRequestHandler = any;',
    '  export type Request = any;',
    '  export type Response = any;',
    '  export type NextFunction = any;',
    '}',
    "declare module 'express-rate-limit' {",
    '  export const rateLimit: any;',
    '  export const ipKeyGenerator: any;',
    '  export default rateLimit;',
    '  export type RateLimitInfo = any;',
    '  export type Options = any;',
    '}',
    "declare module '*';",
    '',
  ].join('\n'),
  'src/config.ts': [
    'export const config = {',
    `  jwtSecret: '${jwtSecret}',`,
    "  dbPassword: process.env.DB_PASSWORD || 'changeme',",
    '};',
    '',
  ].join('\n'),
  'src/auth.ts': [
    "import jwt from 'jsonwebtoken';",
    "import { config } from './config.js';",
    '',
    'export function issueToken(userId: string) {',
    '  return jwt.sign({ sub: userId }, config.jwtSecret);',
    '}',
    '',
    'export function verifyToken(token: string) {',
    '  return jwt.verify(token, config.jwtSecret);',
    '}',
    '',
    // A refresh flow: without one, jwt-expiry reports the access token instead of logging users out.
    'export function issueRefreshToken(userId: string) {',
    "  return jwt.sign({ sub: userId, typ: 'refresh' }, config.jwtSecret, { expiresIn: '7d' });",
    '}',
    '',
  ].join('\n'),
  Dockerfile: [
    'FROM node:22',
    'WORKDIR /app',
    'COPY . .',
    `ENV JWT_SECRET=${dockerSecret}`,
    'EXPOSE 3000',
    'CMD ["node", "build/server.js"]',
    '',
  ].join('\n'),
  '.env': `JWT_SECRET=${jwtSecret}\n`,
  'src/db.ts': [
    "import Database from 'better-sqlite3';",
    '',
    "export const db = new Database(':memory:');",
    "db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');",
    "db.exec(\"INSERT INTO users (name) VALUES ('alice'), ('bob')\");",
    '',
    'export function findUsersByName(name: string) {',
    "  return db.prepare(`SELECT id, name FROM users WHERE name = '${name}'`).all();",
    '}',
    '',
    'export function searchUsers(term: string) {',
    '  const sql = "SELECT id, name FROM users WHERE name LIKE \'%" + term + "%\'";',
    '  return db.prepare(sql).all();',
    '}',
    '',
  ].join('\n'),
  'src/server.ts': [
    "import express from 'express';",
    "import cors from 'cors';",
    "import { findUsersByName } from './db.js';",
    '',
    'export const app = express();',
    'app.use(cors());',
    "app.get('/users', (req: any, res: any) => {",
    '  res.json(findUsersByName(String(req.query.name)));',
    '});',
    '',
    'app.listen(3000);',
    '',
  ].join('\n'),
};

const payload = "x' OR '1'='1";
const hasRule = (id: string) => Boolean(findRule(id));

function tsc(dir: string, emit = false): string {
  try {
    execFileSync(
      process.execPath,
      [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', dir, ...(emit ? [] : ['--noEmit'])],
      {
        encoding: 'utf8',
      },
    );
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout || error);
  }
}

/** Compiles the project and calls its query functions against the real better-sqlite3 database. */
function query(dir: string): { byName: unknown[]; injected: unknown[]; search: unknown[] } {
  expect(tsc(dir, true)).toBe('');
  const script = `import * as db from ${JSON.stringify(join(dir, 'build/db.js'))};
console.log(JSON.stringify({ byName: db.findUsersByName('alice'), injected: db.findUsersByName(${JSON.stringify(payload)}), search: db.searchUsers('li') }));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' }),
  );
}

interface JsonReport {
  findings: { rule: string; file: string; line: number; fixable: boolean }[];
  summary: { findings: number };
}

describe('a legacy project: check, fix, compile, run', () => {
  let dir: string;
  let before: JsonReport;

  beforeAll(async () => {
    dir = tempProject(legacy);
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const result = await runBin(secureBin, ['check', '--format', 'json'], { cwd: dir });
    expect(result.stderr).toBe('');
    before = JSON.parse(result.stdout);
    expect(result.exitCode).toBe(before.findings.length > 0 ? 1 : 0);
  });

  it('the legacy code compiles and really is injectable before the fix', () => {
    const rows = query(dir);
    expect(rows.byName).toHaveLength(1);
    expect(rows.injected).toHaveLength(2);
  });

  it.runIf(hasRule('cors-wildcard'))('check reports the wildcard CORS', () => {
    expect(before.findings).toContainEqual(
      expect.objectContaining({ rule: 'cors-wildcard', file: 'src/server.ts', line: 6 }),
    );
  });

  it.runIf(hasRule('sql-injection'))('check reports both string-built queries', () => {
    const sql = before.findings.filter((finding) => finding.rule === 'sql-injection');
    expect(sql.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['src/db.ts:8', 'src/db.ts:13']);
  });

  it('sarif lists the same findings, with rules and fingerprints', async () => {
    const result = await runBin(secureBin, ['check', '--format', 'sarif'], { cwd: dir });
    const log = JSON.parse(result.stdout);
    const results = log.runs[0].results as {
      ruleId: string;
      locations: any[];
      partialFingerprints: object;
    }[];
    expect(
      results.map(
        (r) =>
          `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine}`,
      ),
    ).toEqual(before.findings.map((finding) => `${finding.rule} ${finding.file}:${finding.line}`));
    const ruleIds = log.runs[0].tool.driver.rules.map((rule: { id: string }) => rule.id);
    for (const id of ['cors-wildcard', 'sql-injection'].filter(hasRule)) expect(ruleIds).toContain(id);
  });

  describe('after secure fix', () => {
    let after: JsonReport;
    let fixOutput = '';

    beforeAll(async () => {
      const fixed = await runBin(secureBin, ['fix'], { cwd: dir });
      expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBeLessThanOrEqual(1);
      fixOutput = fixed.stdout;
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'secure fix');
      const result = await runBin(secureBin, ['check', '--format', 'json'], { cwd: dir });
      after = JSON.parse(result.stdout);
    });

    it('no fixable finding is left, the code still compiles, and a second fix changes nothing', async () => {
      expect(
        after.findings.filter((finding) => finding.fixable),
        fixOutput,
      ).toEqual([]);
      expect(tsc(dir)).toBe('');
      const second = await runBin(secureBin, ['fix'], { cwd: dir });
      expect(second.exitCode).toBeLessThanOrEqual(1);
      expect(git(dir, 'status', '--porcelain')).toBe('');
    });

    it.runIf(hasRule('hardcoded-secret') && hasRule('docker-secret') && hasRule('env-committed'))(
      'no literal secret is left in tracked files, and .env is no longer tracked',
      () => {
        const tracked = git(dir, 'ls-files').split('\n').filter(Boolean);
        expect(tracked).not.toContain('.env');
        for (const file of tracked.filter((path) => !path.startsWith('node_modules'))) {
          const text = git(dir, 'show', `HEAD:${file}`);
          expect(text, file).not.toContain(jwtSecret);
          expect(text, file).not.toContain(dockerSecret);
        }
      },
    );

    it.runIf(hasRule('jwt-expiry') && hasRule('jwt-algorithm'))(
      'tokens expire and verification pins the algorithm',
      () => {
        const auth = git(dir, 'show', 'HEAD:src/auth.ts');
        expect(auth).toMatch(/expiresIn/);
        expect(auth).toMatch(/algorithms: \[['"]HS256['"]\]/);
      },
    );

    it.runIf(hasRule('cors-wildcard'))('CORS takes its origins from the allowlist', () => {
      expect(after.findings.filter((finding) => finding.rule === 'cors-wildcard')).toEqual([]);
      // The config module secure fix creates in the same run (for the headers) holds the allowlist.
      expect(git(dir, 'show', 'HEAD:src/server.ts')).toContain('settings.corsOrigins');
      expect(git(dir, 'show', 'HEAD:src/security/config.ts')).toMatch(
        /corsOrigins: \{\s*from: \['CORS_ORIGINS'/,
      );
    });

    it.runIf(hasRule('sql-injection'))(
      'the payload travels as a bound value: no row matches it, real names still do',
      () => {
        expect(after.findings.filter((finding) => finding.rule === 'sql-injection')).toEqual([]);
        const rows = query(dir);
        expect(rows.injected).toEqual([]);
        expect(rows.byName).toEqual([{ id: 1, name: 'alice' }]);
        expect(rows.search).toEqual([{ id: 1, name: 'alice' }]);
      },
    );
  });
});

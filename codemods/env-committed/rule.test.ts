import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectReport } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';
import { git, writeFiles } from '../../test/helpers/temp-repo.js';
import rule from './rule.js';
import { mergedExample } from './template.js';

const roots: string[] = [];

/** A temp repository with these files committed, ignored ones too (`.gitignore` included, when given). */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'env-committed-'));
  roots.push(root);
  git(root, 'init', '-q');
  writeFiles(root, files);
  git(root, 'add', '-f', '--', ...Object.keys(files));
  git(root, 'commit', '-qm', 'init');
  return root;
}

async function check(root: string): Promise<ProjectReport[]> {
  const reports: ProjectReport[] = [];
  const trackedFiles = git(root, 'ls-files', '-z').split('\0').filter(Boolean);
  await rule.check({
    project: { root, policy: rulesPreset, moduleSystem: 'esm' },
    trackedFiles,
    report: (report) => reports.push(report),
  });
  return reports;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('env-committed', () => {
  it('reports a tracked .env at each secret line, naming the variable and a redacted form, never the value', async () => {
    const root = repo({
      '.env': '# local\nPORT=3000\nJWT_SECRET=9f8e7d6c5b4a39281706\nDB_PASSWORD="hunter22"\n',
    });
    const reports = await check(root);
    expect(reports.map((report) => [report.file, report.line])).toEqual([
      ['.env', 3],
      ['.env', 4],
    ]);
    expect(reports[0].message).toContain('JWT_SECRET gives away ****, 20 characters');
    expect(reports[1].message).toContain('DB_PASSWORD');
    for (const report of reports) {
      expect(report.message).not.toContain('9f8e7d6c5b4a39281706');
      expect(report.message).not.toContain('hunter22');
    }
  });

  it('reports a tracked .env of placeholders once, at its first secret: the real values will be written there', async () => {
    const root = repo({
      '.env': 'APP_ENV=development\nSECRET_KEY=changethis\nPOSTGRES_PASSWORD=changethis\nSMTP_PORT=1025\n',
    });
    const reports = await check(root);
    expect(reports.map((report) => [report.file, report.line])).toEqual([['.env', 2]]);
    expect(reports[0].message).toContain('SECRET_KEY is a placeholder today');
  });

  it("leaves a Vite app's committed .env of public defaults alone, but not one holding a secret", async () => {
    const vite = JSON.stringify({ devDependencies: { vite: '7.0.0' } });
    const publicOnly = repo({ 'web/package.json': vite, 'web/.env': 'VITE_API_URL=http://localhost:8000\n' });
    expect(await check(publicOnly)).toEqual([]);
    const withSecret = repo({ 'web/package.json': vite, 'web/.env': 'STRIPE_SECRET=Xk29fLq7WmQ3aP0z\n' });
    expect((await check(withSecret)).map((report) => report.line)).toEqual([1]);
    const noFramework = repo({ 'api/package.json': '{}', 'api/.env': 'API_URL=http://localhost:8000\n' });
    expect((await check(noFramework)).map((report) => report.line)).toEqual([1]);
  });

  it('untracks the file once when each of its lines asks for it', async () => {
    const root = repo({ '.env': 'JWT_SECRET=9f8e7d6c5b4a39281706\nDB_PASSWORD=Xk29fLq7WmQ3\n' });
    const reports = await check(root);
    expect(reports).toHaveLength(2);
    await Promise.all(reports.map((report) => report.fix!()));
    expect(git(root, 'ls-files')).not.toMatch(/^\.env$/m);
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe('.env\n');
  });

  it('reports a committed template only where a value is really a secret, and never fixes it by untracking', async () => {
    const stripe = 'sk_live_4eQ9vT2mLx8RkZ3Wp7Cn5Hd1';
    const root = repo({
      '.env.example': `PORT=3000\nSTRIPE_SECRET_KEY=${stripe}\nJWT_SECRET=change-me-in-production\nSESSION_SECRET=keyboard cat\nAPI_TOKEN=q8Vz3mTr0pLw9xKc7Rt2Wn5B\nDATABASE_URL=postgres://user:password@localhost:5432/app\nGITHUB_SECRET=815aa4606f476444691c5f1c16b9c70da6714dc6\nGOOGLE_SECRET=your-google-secret\n`,
    });
    const reports = await check(root);
    expect(reports.map((report) => [report.line, Boolean(report.fix), report.unfixableReason])).toEqual([
      [2, false, "blank STRIPE_SECRET_KEY's value in .env.example (keep the name) and rotate the secret"],
      [5, false, "blank API_TOKEN's value in .env.example (keep the name) and rotate the secret"],
      [7, false, "blank GITHUB_SECRET's value in .env.example (keep the name) and rotate the secret"],
    ]);
    expect(reports[0].message).toContain('sk_live_****');
    expect(reports[0].message).not.toContain(stripe);
  });

  it('untracks the file, keeps it on disk, ignores it once, and is silent afterwards', async () => {
    const root = repo({ '.env': 'SESSION_SECRET=q8Vz3mTr0pLw9xKc\n', '.gitignore': 'node_modules\r\ndist' });
    const [report] = await check(root);
    await report.fix!();
    expect(git(root, 'ls-files')).not.toMatch(/^\.env$/m);
    expect(readFileSync(join(root, '.env'), 'utf8')).toBe('SESSION_SECRET=q8Vz3mTr0pLw9xKc\n');
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe('node_modules\r\ndist\r\n.env\r\n');
    expect(await check(root)).toEqual([]);
  });

  it('leaves a .env.example behind with every variable, secret values blank, and tells how to use it', async () => {
    const env = 'PORT=3000\n# signing\nJWT_SECRET=9f8e7d6c5b4a39281706\nDB_HOST=localhost\n';
    const root = repo({ 'package.json': '{"dependencies":{"express":"5.1.0"}}', '.env': env });
    const reports = await check(root);
    expect(reports[0].fixDescription).toBe(
      'untrack .env (git rm --cached, the file stays on disk) and add it to .gitignore; write its variables to ' +
        '.env.example (secret values blank, commit it): a fresh clone copies .env.example to .env and fills in the blanks',
    );
    await reports[0].fix!();
    expect(readFileSync(join(root, '.env.example'), 'utf8')).toBe(
      'PORT=3000\n# signing\nJWT_SECRET=\nDB_HOST=localhost\n',
    );
    expect(git(root, 'status', '--porcelain', '--', '.env.example')).toBe('?? .env.example\n');
    expect(await check(root)).toEqual([]);
  });

  it("completes the project's own lists beside the file, or NAME.env.example for a compose env_file", async () => {
    const root = repo({
      'env-example-relational': 'PORT=3000\n',
      'env-example-document': 'PORT=3000\nJWT_SECRET=\n',
      '.env': 'PORT=4000\nJWT_SECRET=9f8e7d6c5b4a39281706\n',
      'docker/db.env': 'POSTGRES_PASSWORD=Xk29fLq7WmQ3\n',
    });
    for (const report of await check(root)) await report.fix!();
    expect(readdirSync(root).filter((name) => name.includes('example'))).toEqual([
      'env-example-document',
      'env-example-relational',
    ]);
    expect(readFileSync(join(root, 'env-example-relational'), 'utf8')).toBe('PORT=3000\nJWT_SECRET=\n');
    expect(readFileSync(join(root, 'env-example-document'), 'utf8')).toBe('PORT=3000\nJWT_SECRET=\n');
    expect(readFileSync(join(root, 'docker/db.env.example'), 'utf8')).toBe('POSTGRES_PASSWORD=\n');
  });

  it('un-ignores the example when a .env* rule would hide it from git', async () => {
    const root = repo({ '.env': 'JWT_SECRET=9f8e7d6c5b4a39281706\n', '.gitignore': '.env*\n' });
    const [report] = await check(root);
    await report.fix!();
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe('.env*\n!.env.example\n');
    expect(git(root, 'status', '--porcelain', '--', '.env.example')).toBe('?? .env.example\n');
  });

  it('does not add a second .gitignore line when a rule already ignores the file', async () => {
    const root = repo({
      'config/.env.local': 'API_TOKEN=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\n',
      '.gitignore': '.env*\n',
    });
    const [report] = await check(root);
    expect(report.file).toBe('config/.env.local');
    await report.fix!();
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe('.env*\n!/config/.env.example\n');
    expect(git(root, 'ls-files')).not.toContain('config/.env.local');
  });

  it('stays silent on templates, value-free files, public settings and test env files', async () => {
    const root = repo({
      '.env.example': 'JWT_SECRET=\nDATABASE_URL=postgres://user:password@localhost:5432/app\n',
      '.env.sample': 'STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\n',
      '.env.template': 'SESSION_SECRET=<generate with openssl rand -hex 32>\n',
      '.env.vault': 'DOTENV_VAULT_PRODUCTION="encrypted:QmFzZTY0RW5jcnlwdGVk"\n',
      '.env.development': 'NEXT_PUBLIC_API_URL=http://localhost:3000\n',
      '.env.test': 'JWT_SECRET=test-secret-for-unit-tests-only\n',
      '.envrc': 'use nvm\n',
    });
    expect(await check(root)).toEqual([]);
  });

  it('reads NAME.env files (compose env_file) as well, but not their templates', async () => {
    const root = repo({
      'vars.env': 'MYSQL_USER=app\nMYSQL_PASSWORD=wq8Lr2vXk0Pz\n',
      'example.env': 'MYSQL_PASSWORD=wq8Lr2vXk0Pz\n',
      'docker/app.env': 'NODE_ENV=production\nPORT=3000\n',
    });
    const reports = await check(root);
    expect(reports.map((report) => `${report.file}:${report.line}`)).toEqual(['vars.env:2']);
  });

  it('names secrets spelled with the secret word first, a compound pass or a base64 qualifier', async () => {
    const root = repo({
      '.env.production':
        'PORT=8080\nDB_PASS=Xk29fLq7WmQ3\nSECRET_JWT=q8Vz3mTr0pLw9xKc\ndbpass=Lq7WmQ3Xk29f\nJWT_SECRET_B64=bm90LXJlYWwtNDQ3Mg==\n',
    });
    const reports = await check(root);
    expect(reports.map((report) => report.line)).toEqual([2, 3, 4, 5]);
    expect(reports.map((report) => /: (\w+) gives away/.exec(report.message)?.[1])).toEqual([
      'DB_PASS',
      'SECRET_JWT',
      'dbpass',
      'JWT_SECRET_B64',
    ]);
  });

  it('stays silent on names that only hold a secret word (secretary, bypass, tokenizer)', async () => {
    const root = repo({
      '.env.production':
        'SECRETARY_EMAIL=office@acme.io\nPASSAGE_ID=north-7\nBYPASS_CACHE=true\nCOMPASS_URL=https://maps.acme.io\nKEYBOARD_LAYOUT=azerty\nTOKENIZER=wordpiece\nSECRETS_MANAGER_REGION=eu-west-1\nSECRET_CLIENT_TIMEOUT=30\n',
    });
    expect(await check(root)).toEqual([]);
  });

  it('ignores .env files that are not tracked', async () => {
    const root = repo({ 'README.md': '# app\n' });
    writeFileSync(join(root, '.env'), 'JWT_SECRET=9f8e7d6c5b4a39281706\n');
    expect(await check(root)).toEqual([]);
  });
});

/**
 * fixtures/dotenv: `<situation>.input.env` is the tracked file, `.existing.env.example` the project's list before
 * the fix (optional), `.output.env.example` the list after it; no output file means the fix writes none.
 */
describe('env-committed example fixtures', () => {
  const dir = join(import.meta.dirname, 'fixtures', 'dotenv');
  const situations = readdirSync(dir)
    .filter((name) => name.endsWith('.input.env'))
    .map((name) => name.slice(0, -'.input.env'.length));
  const read = (name: string) =>
    existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : undefined;

  it.each(situations)('%s', (situation) => {
    const input = read(`${situation}.input.env`)!;
    const existing = read(`${situation}.existing.env.example`);
    const expected = read(`${situation}.output.env.example`);
    const after = mergedExample(input, existing);
    expect(after).toBe(expected);
    // A second run writes nothing: every name is there now.
    if (after !== undefined) expect(mergedExample(input, after)).toBeUndefined();
  });

  it('never keeps a secret value: the rule finds nothing in the example once it is committed', async () => {
    for (const situation of situations) {
      const after = read(`${situation}.output.env.example`);
      if (after === undefined) continue;
      const root = repo({ '.env.example': after });
      expect(await check(root), situation).toEqual([]);
    }
  });
});

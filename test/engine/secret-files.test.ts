import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTokenChecksum } from '../../codemods/_shared/key-formats.js';
import { isSecretBearingFile, isTextRuleFile } from '../../src/engine/discover.js';
import { runBin, secureBin } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-repo.js';

const composePassword = 'Tr7xLq2Vz9MwK4p';
const npmToken = withTokenChecksum('npm_', 'Wq3Zr8Tn5Vb2Lk9Xm4Pc7Hd1Fs6Gy0');
const pemBody =
  'MIIEpAIBAAKCAQEA169gt5O6+ZHI3wMKhJB7jI7rMx1gwBNBmpategtByaWTDTgD\nMUNyX1+/HnudBFDrF+FlB6xG5oBHMUmuW9wZlw5rEOPkZ6UvTo1BBtrTzDlpPiOQ\n';

describe('secure check reads the files secrets hide in besides code', () => {
  let dir: string;
  let report: { findings: { rule: string; file: string; line: number; message: string }[] };
  let stdout: string;

  beforeAll(async () => {
    dir = tempProject({
      'package.json': '{ "name": "api", "version": "1.0.0" }\n',
      'src/server.js': "console.log('up');\n",
      'docker-compose.yml': `services:\n  api:\n    environment:\n      MAIL_PASSWORD: "${composePassword}"\n      JWT_SECRET: \${JWT_SECRET}\n`,
      '.npmrc': `//registry.npmjs.org/:_authToken=${npmToken}\n`,
      'deploy/tls.key': `-----BEGIN PRIVATE KEY-----\n${pemBody}-----END PRIVATE KEY-----\n`,
      'config/production.json': '{ "db": { "password": "${DB_PASSWORD}" }, "port": 8080 }\n',
      'Dockerfile-api': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "src/server.js"]\n',
      'test/fixtures/compose.yml': `services:\n  db:\n    environment:\n      DB_PASSWORD: "${composePassword}"\n`,
    });
    const result = await runBin(secureBin, ['check', '--no-cache', '--format', 'json'], { cwd: dir });
    stdout = result.stdout;
    report = JSON.parse(result.stdout);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each secret where it is, under the rule that owns it', () => {
    const secrets = report.findings
      .filter((finding) => finding.rule === 'hardcoded-secret' || finding.rule === 'docker-root')
      .map((finding) => `${finding.rule} ${finding.file}:${finding.line}`);
    expect(secrets).toEqual([
      'hardcoded-secret .npmrc:1',
      'docker-root Dockerfile-api:1',
      'hardcoded-secret deploy/tls.key:1',
      'hardcoded-secret docker-compose.yml:4',
    ]);
  });

  it('never prints a secret value, only a redacted form', () => {
    expect(stdout).not.toContain(composePassword);
    expect(stdout).not.toContain(npmToken);
    expect(stdout).not.toContain(pemBody.slice(0, 40));
    expect(stdout).toContain('npm_****, 40 characters');
  });

  it('knows those files by name, and leaves lockfiles and ordinary JSON out', () => {
    for (const path of [
      '/p/k8s/deploy.yaml',
      '/p/.npmrc',
      '/p/certs/server.pem',
      '/p/id_rsa',
      '/p/config/default.json',
      '/p/migrations/001-fixtures.sql',
      '/p/config.json',
      '/p/server/config.production.json',
    ])
      expect(isSecretBearingFile(path), path).toBe(true);
    for (const path of [
      '/p/pnpm-lock.yaml',
      '/p/package.json',
      '/p/src/i18n/en.json',
      '/p/tsconfig.json',
      '/p/jsconfig.json',
      '/p/.vscode/config.json',
    ])
      expect(isSecretBearingFile(path), path).toBe(false);
    for (const name of ['Dockerfile-dev', 'Containerfile', 'api.Dockerfile', 'Dockerfile.prod'])
      expect(isTextRuleFile(name), name).toBe(true);
    for (const name of ['dockerfile.ts', 'Dockerfile.md', 'Dockerfile.dockerignore'])
      expect(isTextRuleFile(name), name).toBe(false);
  });
});

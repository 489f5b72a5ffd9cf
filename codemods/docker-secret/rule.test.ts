import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRule } from '../../test/helpers/rule-fixtures.js';
import { rulesPreset } from '../../src/policy/index.js';
import { argumentTokens, isDockerfilePath, parseDockerfile } from '../_shared/docker/dockerfile.js';
import rule, { isSecretName } from './rule.js';
import { findRule } from '../index.js';

const project = { root: '/p', policy: rulesPreset, moduleSystem: 'esm' as const };

describe('the Dockerfile reader', () => {
  it('joins continuations, skips comments inside them, and reads heredocs and stages', () => {
    const file = parseDockerfile(
      'FROM node:22 AS build\nRUN a \\\n# a comment\n  && b\nRUN <<EOF\nFROM not-a-stage\nEOF\nFROM build\nENV A=1 \\\n    B="two words"\n',
    );
    expect(file.instructions.map((i) => `${i.keyword}@${i.line}-${i.endLine}`)).toEqual([
      'FROM@1-1',
      'RUN@2-4',
      'RUN@5-7',
      'FROM@8-8',
      'ENV@9-10',
    ]);
    expect(file.instructions[1].args).toBe('a && b');
    expect(file.stages.map((stage) => stage.name ?? stage.base)).toEqual(['build', 'build']);
    expect(argumentTokens(file, file.instructions[4]).map((t) => t.value)).toEqual(['A=1', 'B=two words']);
  });

  it('honours the escape directive', () => {
    const file = parseDockerfile('# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\n');
    expect(file.instructions[1]).toMatchObject({ keyword: 'RUN', line: 3, endLine: 4 });
  });

  it('reads Dockerfile paths only', () => {
    for (const path of ['Dockerfile', 'api/Dockerfile.prod', 'web.Dockerfile', 'Containerfile'])
      expect(isDockerfilePath(path)).toBe(true);
    for (const path of [
      'Dockerfile.dockerignore',
      'docs/Dockerfile.md',
      'dockerfile.ts',
      'src/Dockerfiles.js',
    ])
      expect(isDockerfilePath(path)).toBe(false);
  });
});

describe('docker-secret', () => {
  it('tells secrets from names about secrets', () => {
    for (const name of [
      'JWT_SECRET',
      'DB_PASSWORD',
      'NPM_TOKEN',
      'STRIPE_API_KEY',
      'apiKey',
      'DB_PASS',
      'ENCRYPTION_KEY',
    ])
      expect(isSecretName(name), name).toBe(true);
    for (const name of [
      'JWT_SECRET_FILE',
      'TOKEN_EXPIRES_IN',
      'AWS_ACCESS_KEY_ID',
      'PUBLIC_KEY',
      'PWD',
      'KEYCLOAK_URL',
      'PASSPORT_STRATEGY',
    ])
      expect(isSecretName(name), name).toBe(false);
  });

  it('never repeats the secret value in a message', () => {
    const text =
      'FROM node:22\nENV API_TOKEN=tok_7f3a9c1e5b DATABASE_URL=postgres://app:hunter2pass@db/app\nCMD ["node", "s.js"]\n';
    const { findings } = runRule(rule, text, 'Dockerfile', project);
    expect(findings).toHaveLength(2);
    for (const finding of findings) {
      expect(finding.message).not.toContain('tok_7f3a9c1e5b');
      expect(finding.message).not.toContain('hunter2pass');
    }
  });

  it('keeps a secret that a later build step reads from its environment', () => {
    const text =
      'FROM node:22\nARG NPM_TOKEN\nCOPY .npmrc package.json ./\nRUN npm ci\nCMD ["node", "s.js"]\n';
    const result = runRule(rule, text, 'Dockerfile', project);
    expect(result.findings.map((f) => [f.line, f.fixable])).toEqual([[2, false]]);
    expect(result.output).toBe(text);
  });

  it('removes only the secrets no later step may read, word by word', () => {
    const text =
      'FROM node:22\nENV API_TOKEN=t0k3n_value SENTRY_AUTH_TOKEN=abc123def PORT=3000\nRUN npm ci\nCMD ["node", "s.js"]\n';
    const result = runRule(rule, text, 'Dockerfile', project);
    // Sentry's CLI reads SENTRY_AUTH_TOKEN by itself; npm ci never reads API_TOKEN.
    expect(result.findings.map((f) => [f.column, f.fixable])).toEqual([
      [5, true],
      [27, false],
    ]);
    expect(result.output).toBe(
      'FROM node:22\nENV SENTRY_AUTH_TOKEN=abc123def PORT=3000\nRUN npm ci\nCMD ["node", "s.js"]\n',
    );
  });

  it('keeps comment lines and CRLF inside a continued ENV it edits, and is idempotent', () => {
    const text =
      'FROM node:22\r\nENV NODE_ENV=production \\\r\n    JWT_SECRET=s3cr3t \\\r\n    # the port\r\n    PORT=3000\r\nENV A=1 \\\r\n    # note\r\n    API_KEY=k3y\r\nCMD ["node"]\r\n';
    const first = runRule(rule, text, 'Dockerfile', project);
    expect(first.output).toBe(
      'FROM node:22\r\nENV NODE_ENV=production \\\r\n    # the port\r\n    PORT=3000\r\nENV A=1\r\n    # note\r\nCMD ["node"]\r\n',
    );
    const second = runRule(rule, first.output, 'Dockerfile', project);
    expect(second).toMatchObject({ findings: [], output: first.output });
  });
});

describe('docker-secret: the whole build context copied with an .env beside it', () => {
  const dockerfile =
    'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nUSER node\nCMD ["node", "s.js"]\n';
  const contextWith = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'docker-secret-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
    return { ...project, root };
  };

  it('reports COPY . . when .dockerignore does not exclude the .env files', () => {
    const where = contextWith({ '.env': 'JWT_SECRET=x\n', '.env.local': 'A=1\n', '.env.example': 'A=\n' });
    const { findings } = runRule(rule, dockerfile, 'Dockerfile', where);
    expect(findings.map((f) => [f.line, f.fixable, f.message])).toEqual([
      [3, false, 'COPY . . copies .env, .env.local into the image: .dockerignore does not exclude them'],
    ]);
    const partial = contextWith({ '.env': 'A=1\n', '.env.production': 'B=2\n', '.dockerignore': '.env\n' });
    expect(runRule(rule, dockerfile, 'Dockerfile', partial).findings.map((f) => f.message)).toEqual([
      'COPY . . copies .env.production into the image: .dockerignore does not exclude it',
    ]);
  });

  it('stays silent when .dockerignore excludes them, or when there is no .env', () => {
    for (const files of <Record<string, string>[]>[
      {
        '.env': 'A=1\n',
        '.env.production': 'B=2\n',
        '.dockerignore': 'node_modules\n.env*\n!.env.example\n',
      },
      { '.env': 'A=1\n', 'Dockerfile.dockerignore': '**/.env\n' },
      { '.env.example': 'A=\n' },
      {},
    ]) {
      const where = contextWith(files);
      expect(runRule(rule, dockerfile, 'Dockerfile', where).findings, JSON.stringify(files)).toEqual([]);
    }
  });
});

describe('docker-secret: files copied into the image that runs', () => {
  it('reports each env file and private key copied, at its line, never fixed', () => {
    const text = readFileSync(
      join(import.meta.dirname, 'fixtures', 'copy-env-and-key.unfixable.dockerfile'),
      'utf8',
    );
    const { findings } = runRule(rule, text, 'Dockerfile', project);
    expect(findings.map((f) => [f.line, f.fixable])).toEqual([
      [5, false],
      [6, false],
    ]);
  });
});

describe('docker-secret: compose files', () => {
  const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

  it('reports each guessable password of a service environment, in both forms, at its value', () => {
    const { findings, output } = runRule(
      rule,
      fixture('compose-default-passwords.unfixable.yml'),
      'docker-compose.yml',
      project,
    );
    expect(findings.map((f) => [f.line, f.column, f.fixable])).toEqual([
      [7, 21, false],
      [12, 28, false],
      [17, 28, false],
      [22, 23, false],
    ]);
    expect(findings[1].message).toBe(
      'MYSQL_ROOT_PASSWORD of the mysql service is a guessable password written in the compose file',
    );
    expect(output).toBe(fixture('compose-default-passwords.unfixable.yml'));
  });

  it('leaves chosen secrets to hardcoded-secret, which reads every YAML file', () => {
    const text = 'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: Zq8vLr2Mx5pT\n';
    expect(runRule(rule, text, 'docker-compose.yml', project).findings).toEqual([]);
    expect(runRule(findRule('hardcoded-secret')!, text, 'docker-compose.yml', project).findings).toHaveLength(
      1,
    );
  });

  it("takes a password equal to its user's or database's name, however random, from hardcoded-secret", () => {
    // teamhide/fastapi-boilerplate's docker/docker-compose.yml
    const text =
      'services:\n  db:\n    image: mysql:8\n    environment:\n      MYSQL_USER: fastapi\n      MYSQL_PASSWORD: fastapi\n      MYSQL_DATABASE: fastapi\n';
    expect(runRule(rule, text, 'docker/docker-compose.yml', project).findings.map((f) => f.line)).toEqual([
      6,
    ]);
    expect(
      runRule(findRule('hardcoded-secret')!, text, 'docker/docker-compose.yml', project).findings,
    ).toEqual([]);
    const chosen = text.replace('MYSQL_PASSWORD: fastapi', 'MYSQL_PASSWORD: Zq8vLr2Mx5pT');
    expect(runRule(rule, chosen, 'docker/docker-compose.yml', project).findings).toEqual([]);
    expect(
      runRule(findRule('hardcoded-secret')!, chosen, 'docker/docker-compose.yml', project).findings,
    ).toHaveLength(1);
  });

  it('reads compose file names only', () => {
    const text = 'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n';
    expect(runRule(rule, text, 'compose.prod.yaml', project).findings).toHaveLength(1);
    for (const path of [
      'k8s/deployment.yaml',
      'docker-compose.override.yml',
      '.devcontainer/docker-compose.yml',
    ])
      expect(runRule(rule, text, path, project).findings, path).toEqual([]);
  });
});

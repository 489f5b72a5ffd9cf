import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/engine/generator.js';
import { renderGenerators } from '../../src/engine/render.js';
import { templateContextFor } from '../../src/scaffold/context.js';
import { renderProject } from '../../src/scaffold/render-project.js';

const variants: Answers[] = [];
for (const framework of ['express', 'fastify'] as const)
  for (const db of ['sqlite', 'postgres'] as const)
    for (const ws of ['socket.io', 'ws', 'none'] as const)
      for (const redis of [false, true])
        for (const preset of ['rules', 'asvs'] as const) variants.push({ framework, db, ws, redis, preset });

const label = (answers: Answers) => Object.values(answers).join(' ');

describe('renderProject', () => {
  it.each(variants.map((answers) => [label(answers), answers] as const))(
    'renders %s completely',
    (_label, answers) => {
      const files = renderProject(answers, 'my-api');
      const byPath = new Map(files.map((file) => [file.path, file.content]));
      for (const path of [
        'package.json',
        '.gitignore',
        '.dockerignore',
        'Dockerfile',
        '.env',
        '.env.example',
        'src/server.ts',
        'src/app.ts',
        'src/security/config.ts',
        '.secure/manifest.json',
      ]) {
        expect(byPath.has(path), path).toBe(true);
      }
      for (const file of files) expect(file.content, file.path).not.toMatch(/\{\{|\}\}\}/);
      expect(byPath.has('src/security/ws-auth.ts')).toBe(answers.ws !== 'none');
      expect(byPath.has('test/websocket.test.ts')).toBe(answers.ws !== 'none');
      const packageJson = JSON.parse(byPath.get('package.json')!);
      for (const version of Object.values({ ...packageJson.dependencies, ...packageJson.devDependencies })) {
        expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      }
      expect(Boolean(packageJson.dependencies['better-sqlite3'])).toBe(answers.db === 'sqlite');
      expect(Boolean(packageJson.dependencies.pg)).toBe(answers.db === 'postgres');
      expect(Boolean(packageJson.dependencies.bcrypt)).toBe(answers.preset === 'rules');
      expect(Boolean(packageJson.dependencies['@node-rs/argon2'])).toBe(answers.preset === 'asvs');
      if (answers.db === 'sqlite') expect(packageJson.allowScripts['better-sqlite3']).toBe(true);
      expect(byPath.get('src/security/config.ts')!.includes('REDIS_URL')).toBe(answers.redis);
    },
  );

  it('writes a fresh secret only into .env (mode 0600), never into .env.example', () => {
    const first = renderProject(variants[0], 'my-api');
    const second = renderProject(variants[0], 'my-api');
    const secretOf = (files: typeof first) => {
      const env = files.find((file) => file.path === '.env')!;
      expect(env.mode).toBe(0o600);
      return /^JWT_SECRET=(.+)$/m.exec(env.content)![1];
    };
    const secret = secretOf(first);
    expect(Buffer.from(secret, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(secretOf(second)).not.toBe(secret);
    const example = first.find((file) => file.path === '.env.example')!.content;
    expect(example).toMatch(/^JWT_SECRET=$/m);
    for (const file of first.filter((file) => file.path !== '.env'))
      expect(file.content).not.toContain(secret);
  });

  it('ignores .env in git and in the Docker build context', () => {
    const files = renderProject(variants[0], 'my-api');
    const content = (path: string) => files.find((file) => file.path === path)!.content;
    expect(content('.gitignore')).toMatch(/^\.env$/m);
    expect(content('.dockerignore')).toMatch(/^\.env$/m);
    expect(content('.dockerignore')).toMatch(/^test$/m);
  });

  it('renders the numbers from the policy, not from the templates', () => {
    const files = renderProject({ ...variants[0], preset: 'asvs' }, 'my-api');
    const config = files.find((file) => file.path === 'src/security/config.ts')!.content;
    expect(config).toContain('"xssProtection": "0"');
    expect(config).toContain('"hasher": "argon2id"');
    expect(config).toContain('"accessTokenMinutes": 30');
  });

  it('runs on the Node the project targets: no parseEnv from node:util in the config loader', () => {
    for (const answers of variants) {
      const config = renderProject(answers, 'my-api').find((file) => file.path === 'src/security/config.ts')!;
      expect(config.content).not.toMatch(/from 'node:util'/);
    }
  });

  it.each([
    ['sqlite', false],
    ['postgres', true],
  ] as const)('writes a compose.yaml that passes every secret as a file (%s, redis %s)', (db, redis) => {
    const files = renderProject({ ...variants[0], db, redis }, 'my-api');
    const compose = files.find((file) => file.path === 'compose.yaml')!.content;
    expect(compose).toContain('JWT_SECRET_FILE: /run/secrets/jwt_secret');
    expect(compose).toMatch(/^ {2}jwt_secret:\n {4}file: \.\/secrets\/jwt_secret$/m);
    expect(compose.includes('POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password')).toBe(
      db === 'postgres',
    );
    expect(compose.includes('DATABASE_URL_FILE: /run/secrets/database_url')).toBe(db === 'postgres');
    expect(compose.includes('REDIS_URL_FILE: /run/secrets/redis_url')).toBe(redis);
    expect(compose.includes('--aclfile')).toBe(redis);
    // No secret value in the file, and no secret passed as a plain environment variable.
    expect(compose).not.toMatch(/^\s+(JWT_SECRET|POSTGRES_PASSWORD|REDIS_URL):/m);
    expect(files.find((file) => file.path === '.gitignore')!.content).toMatch(/^secrets\/$/m);
    expect(files.find((file) => file.path === '.dockerignore')!.content).toMatch(/^secrets$/m);
  });

  it.each([
    ['an API (scaffolded)', undefined, 'api'],
    ['a server-rendered app (secure add)', true, 'page'],
    ['an existing API (secure add)', false, 'api'],
  ] as const)('gives %s the matching CSP profile', (_label, html, profile) => {
    const context = templateContextFor(variants[0], 'my-api');
    if (html !== undefined) {
      context.project = { nodeMajor: 20, language: 'ts', html, routeMethods: ['GET'], installed: {} };
    }
    const rendered = renderGenerators(['headers'], context);
    const values = [...rendered.values()].find((file) => file.path.endsWith('header-values.ts'))!.content;
    expect(values).toContain(`export const cspProfile = '${profile}' as`);
  });

  it('records every rendered file in the manifest with its generator and hash', () => {
    const files = renderProject(variants[0], 'my-api');
    const manifest = JSON.parse(files.find((file) => file.path === '.secure/manifest.json')!.content);
    expect(manifest.files['src/security/cors.ts'].generator).toBe('cors');
    expect(manifest.files['src/security/config.ts'].generator).toBe('config');
    expect(manifest.files['Dockerfile'].hash).toMatch(/^sha256-[0-9a-f]{64}$/);
  });
});

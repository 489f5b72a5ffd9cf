import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/engine/generator.js';
import { resolvePolicy } from '../../src/policy/index.js';
import { answersFromFlags } from '../../src/scaffold/options.js';
import { renderProject, type ProjectFile } from '../../src/scaffold/render-project.js';
import { createBin, runBin, secureBin } from '../helpers/cli.js';

/** What `--framework fastapi` renders, in memory: fast checks of every option combination. */
const variants: Answers[] = [];
for (const db of ['sqlite', 'postgres'] as const)
  for (const ws of ['socket.io', 'none'] as const)
    for (const redis of [false, true])
      for (const preset of ['rules', 'asvs'] as const)
        variants.push({ framework: 'fastapi', db, ws, redis, preset });

const label = (answers: Answers) => Object.values(answers).join(' ');
const byPath = (files: ProjectFile[]) => new Map(files.map((file) => [file.path, file.content]));
const python = process.env.PYTHON ?? 'python3';
const pythonReady = spawnSync(python, ['--version'], { stdio: 'ignore' }).status === 0;

/** Writes the rendered files into a temporary folder and byte-compiles every .py file there. */
function compilePython(files: ProjectFile[]) {
  const root = mkdtempSync(join(tmpdir(), 'csa-fastapi-render-'));
  const sources: string[] = [];
  for (const file of files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    if (file.path.endsWith('.py')) sources.push(path);
  }
  const compile = 'import py_compile, sys\nfor path in sys.argv[1:]: py_compile.compile(path, doraise=True)';
  return spawnSync(python, ['-c', compile, ...sources], { encoding: 'utf8' });
}

describe('renderProject --framework fastapi', () => {
  it.each(variants.map((answers) => [label(answers), answers] as const))(
    'renders %s completely, and its Python compiles',
    (_label, answers) => {
      const files = renderProject(answers, 'my-api');
      const rendered = byPath(files);
      for (const path of [
        'backend/app/main.py',
        'backend/app/core/config.py',
        'backend/app/core/security.py',
        'backend/app/core/policy.py',
        'backend/app/api/deps.py',
        'backend/app/schemas/user.py',
        'backend/tests/conftest.py',
        'backend/pyproject.toml',
        'backend/Dockerfile',
        'backend/.dockerignore',
        'compose.yaml',
        'README.md',
        '.gitignore',
        '.env',
        '.env.example',
        '.secure/manifest.json',
      ]) {
        expect(rendered.has(path), path).toBe(true);
      }
      expect(rendered.has('package.json')).toBe(false);
      for (const file of files) expect(file.content, file.path).not.toMatch(/\{\{|\}\}\}/);
      expect(rendered.has('backend/app/realtime.py')).toBe(answers.ws === 'socket.io');
      expect(rendered.has('backend/tests/test_websocket.py')).toBe(answers.ws === 'socket.io');

      const pyproject = rendered.get('backend/pyproject.toml')!;
      const pins = [...pyproject.matchAll(/^ {4}"([^"]+)",$/gm)].map((match) => match[1]);
      for (const pin of pins) expect(pin).toMatch(/^[a-z0-9-]+(\[[a-z]+\])?==\d+\.\d+\.\d+$/);
      const has = (name: string) => pins.some((pin) => pin.startsWith(`${name}==`));
      expect(has('bcrypt')).toBe(answers.preset === 'rules');
      expect(has('argon2-cffi')).toBe(answers.preset === 'asvs');
      expect(has('psycopg[binary]')).toBe(answers.db === 'postgres');
      expect(has('redis')).toBe(answers.redis);
      expect(has('python-socketio')).toBe(answers.ws === 'socket.io');
      expect(has('passlib')).toBe(false);

      const env = rendered.get('.env')!;
      expect(env).toMatch(/^JWT_SECRET=\S{32,}$/m);
      expect(/^DATABASE_PASSWORD=\S{32,}$/m.test(env)).toBe(answers.db === 'postgres');
      expect(rendered.get('.env.example')).toMatch(/^JWT_SECRET=$/m);
      expect(rendered.get('compose.yaml')!.includes('database_password')).toBe(answers.db === 'postgres');

      if (pythonReady) {
        const compiled = compilePython(files);
        expect(compiled.status, compiled.stderr).toBe(0);
      }
    },
  );

  it('renders every number of the policy, so secure.config.json overrides reach Python', () => {
    const policy = resolvePolicy({
      jwt: { accessTokenMinutes: 15, refreshTokenDays: 3 },
      password: { bcryptCost: 13, minLength: 12 },
      rateLimit: { max: 50 },
      docker: { port: 8000 },
    });
    const answers: Answers = {
      framework: 'fastapi',
      db: 'sqlite',
      ws: 'none',
      redis: false,
      preset: 'rules',
    };
    const rendered = byPath(renderProject(answers, 'my-api', policy));
    const constants = rendered.get('backend/app/core/policy.py')!;
    expect(constants).toMatch(/^ACCESS_TOKEN_EXPIRE_MINUTES: Final = 15$/m);
    expect(constants).toMatch(/^REFRESH_TOKEN_EXPIRE_DAYS: Final = 3$/m);
    expect(constants).toMatch(/^BCRYPT_COST: Final = 13$/m);
    expect(constants).toMatch(/^PASSWORD_MIN_LENGTH: Final = 12$/m);
    expect(constants).toMatch(/^RATE_LIMIT_MAX: Final = 50$/m);
    expect(rendered.get('backend/Dockerfile')).toMatch(/^EXPOSE 8000$/m);
    expect(rendered.get('backend/app/core/config.py')).toContain('PORT: int = Field(default=8000');
  });

  it('follows the preset: argon2id, X-XSS-Protection 0 and a common-password check under asvs', () => {
    const answers: Answers = { framework: 'fastapi', db: 'sqlite', ws: 'none', redis: false, preset: 'asvs' };
    const rendered = byPath(renderProject(answers, 'my-api'));
    expect(rendered.get('backend/app/core/security.py')).toContain('from argon2 import PasswordHasher');
    expect(rendered.get('backend/app/core/security.py')).not.toContain('import bcrypt');
    expect(rendered.get('backend/app/core/policy.py')).toMatch(/^XSS_PROTECTION: Final = "0"$/m);
    expect(rendered.get('backend/app/schemas/user.py')).toContain('COMMON_PASSWORDS');
    expect(rendered.get('backend/app/schemas/user.py')).not.toContain('isupper');
  });

  it('builds a Dockerfile with two stages, a non-root user, one port and no secret', () => {
    const answers: Answers = {
      framework: 'fastapi',
      db: 'postgres',
      ws: 'none',
      redis: false,
      preset: 'rules',
    };
    const dockerfile = byPath(renderProject(answers, 'my-api')).get('backend/Dockerfile')!;
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile.match(/^EXPOSE /gm)).toHaveLength(1);
    expect(dockerfile).toMatch(/^USER app$/m);
    expect(dockerfile).not.toMatch(/^(ENV|ARG)\b.*(SECRET|PASSWORD|TOKEN)/im);
  });

  it('refuses --ws ws, which has no FastAPI template', () => {
    expect(() => answersFromFlags({ framework: 'fastapi', ws: 'ws' })).toThrow(
      /--ws socket\.io or --ws none/,
    );
    const answers: Answers = { framework: 'fastapi', db: 'sqlite', ws: 'ws', redis: false, preset: 'rules' };
    expect(() => renderProject(answers, 'my-api')).toThrow(/not ws/);
  });

  it('scaffolds an app that `secure check` finds nothing in', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'csa-fastapi-check-'));
    const flags = ['--framework', 'fastapi', '--db', 'postgres', '--ws', 'socket.io', '--redis'];
    const created = await runBin(createBin, ['my-api', ...flags, '--skip-install', '--skip-git'], { cwd });
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toContain('.venv/bin/python -m pytest');
    const check = await runBin(secureBin, ['check', '.'], { cwd: join(cwd, 'my-api') });
    expect(check.stdout + check.stderr).toContain('No findings');
    expect(check.exitCode).toBe(0);
  });
});

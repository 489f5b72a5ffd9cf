import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSource } from '../../src/engine/check-source.js';
import { fixSource } from '../../src/engine/analyze-source.js';
import type { ProjectInfo, SourceRule } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';
import { runRule } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

const roots: string[] = [];

/** A strict TypeScript project, with a config module shaped like the generated one when asked. */
function project(withConfig: boolean): ProjectInfo {
  const root = mkdtempSync(join(tmpdir(), 'default-password-'));
  roots.push(root);
  mkdirSync(join(root, 'src', 'security'), { recursive: true });
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }));
  if (!withConfig) return { root, policy: rulesPreset, moduleSystem: 'esm' };
  const configModule = join(root, 'src', 'security', 'config.ts');
  writeFileSync(
    configModule,
    'export const settings = loadSettings(process.env);\nfunction loadSettings(values: any) {\n  return { jwtSecret: values.JWT_SECRET as string };\n}\n',
  );
  return { root, policy: rulesPreset, moduleSystem: 'esm', configModule };
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const fix = (text: string, info: ProjectInfo) =>
  fixSource(text, join(info.root, 'src', 'auth.ts'), [rule as SourceRule], info);

describe('default-password under strictNullChecks', () => {
  it('reads the typed setting of the generated config module, which fails at start when missing', () => {
    const text =
      "import jwt from 'jsonwebtoken';\nconst secret: string = process.env.JWT_SECRET || 'dev-secret';\n";
    const result = fix(text, project(true));
    expect(result.output).toBe(
      "import jwt from 'jsonwebtoken';\nimport { settings } from './security/config.js';\nconst secret: string = settings.jwtSecret;\n",
    );
    expect([...result.sideEffects.envExampleVars]).toEqual(['JWT_SECRET']);
  });

  it('reports, without touching the file, when removing the fallback would leave string | undefined', () => {
    const text = "const secret: string = process.env.JWT_SECRET || 'dev-secret';\n";
    const result = fix(text, project(false));
    expect(result.changed).toBe(false);
    expect(result.unfixed.map((finding) => finding.unfixableReason)).toEqual([
      expect.stringMatching(/string \| undefined under strictNullChecks/),
    ]);
  });

  it('leaves a chain of variables to a human when a setting would replace it', () => {
    const text =
      "import jwt from 'jsonwebtoken';\nexport const secret = process.env.JWT_SECRET || process.env.SECRET || 'dev';\n";
    const result = fix(text, project(true));
    expect(result.changed).toBe(false);
    expect(result.unfixed[0].unfixableReason).toMatch(/several variables/);
  });
});

describe('default-password reports a database URL with a default password only where nothing else configures it', () => {
  function projectWith(files: Record<string, string>): ProjectInfo {
    const root = mkdtempSync(join(tmpdir(), 'default-password-url-'));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return { root, policy: rulesPreset, moduleSystem: 'cjs' };
  }
  const config = "module.exports = { db: 'postgres://postgres:postgres@postgres_db/shop' };\n";
  const lines = (info: ProjectInfo) =>
    checkSource(config, join(info.root, 'config.js'), [rule as SourceRule], info).findings.map(
      (finding) => finding.line,
    );

  it('reports the URL when no file of the project reads a database setting from the environment', () => {
    const info = projectWith({ 'config.js': config, 'app.js': 'const port = process.env.PORT || 3000;\n' });
    expect(lines(info)).toEqual([1]);
  });

  it('stays silent when another file reads the database settings from the environment', () => {
    for (const read of [
      'const url = process.env.DATABASE_URL;\n',
      "const host = env('DB_HOST');\n",
      'const { PG_PASSWORD } = process.env;\n',
    ]) {
      const info = projectWith({ 'config.js': config, 'src/db.js': read });
      expect(lines(info)).toEqual([]);
    }
  });

  it('counts only production code: a test reading DATABASE_URL does not make the literal a local default', () => {
    const info = projectWith({
      'config.js': config,
      'test/db.test.js': 'const url = process.env.DATABASE_URL;\n',
    });
    expect(lines(info)).toEqual([1]);
  });
});

describe("default-password reads the parameters of the project's own account helper", () => {
  function projectWith(files: Record<string, string>): ProjectInfo {
    const root = mkdtempSync(join(tmpdir(), 'default-password-seed-'));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return { root, policy: rulesPreset, moduleSystem: 'cjs' };
  }
  const seed = "const User = require('./models/User');\nUser.create('admin', 'password');\n";
  const findings = (info: ProjectInfo) =>
    checkSource(seed, join(info.root, 'seed.js'), [rule as SourceRule], info).findings;

  it('reports a seed call whose argument the imported helper names a password', () => {
    const model =
      'class User {}\nUser.create = function (username, password) {\n  return new User(username, password);\n};\nmodule.exports = User;\n';
    const found = findings(projectWith({ 'seed.js': seed, 'models/User.js': model }));
    expect(found.map((finding) => `${finding.line}:${finding.column}`)).toEqual(['2:22']);
    expect(found[0].message).toContain('`admin`');
  });

  it('stays silent when the helper takes no password there, or cannot be read', () => {
    const roles = 'exports.create = function (name, label) {\n  return { name, label };\n};\n';
    expect(findings(projectWith({ 'seed.js': seed, 'models/User.js': roles }))).toEqual([]);
    expect(findings(projectWith({ 'seed.js': seed }))).toEqual([]);
  });
});

describe("default-password reads an app's own config files only when nothing else configures the database", () => {
  function projectWith(files: Record<string, string>): ProjectInfo {
    const root = mkdtempSync(join(tmpdir(), 'default-password-config-'));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return { root, policy: rulesPreset, moduleSystem: 'cjs' };
  }
  const config = 'db:\n  user: postgres\n  password: postgres\n  host: postgres\n';
  const lines = (info: ProjectInfo) =>
    runRule(rule, config, 'config/dev.yaml', info).findings.map((finding) => finding.line);

  it('reports the password of a config the app loads as it is', () => {
    const app = "import yaml\nCONFIG = yaml.safe_load(open('config/dev.yaml'))\n";
    expect(lines(projectWith({ 'config/dev.yaml': config, 'app.py': app }))).toEqual([3]);
  });

  it('stays silent when the code reads database settings from the environment (Python or JS)', () => {
    const python = "import os\nPASSWORD = os.environ.get('DB_PASSWORD', '')\n";
    expect(lines(projectWith({ 'config/dev.yaml': config, 'app.py': python }))).toEqual([]);
    const settings =
      'from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    db_password: str\n';
    expect(lines(projectWith({ 'config/dev.yaml': config, 'settings.py': settings }))).toEqual([]);
    const js = 'module.exports = { password: process.env.DB_PASSWORD };\n';
    expect(lines(projectWith({ 'config/dev.yaml': config, 'src/db.js': js }))).toEqual([]);
  });
});

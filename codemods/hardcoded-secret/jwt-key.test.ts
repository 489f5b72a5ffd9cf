import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixSource } from '../../src/engine/analyze-source.js';
import type { ProjectInfo } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';
import rule from './rule.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A CommonJS project with these files; the config file is fixed and its output returned. */
function fixConfig(files: Record<string, string>, config = 'app/config/auth.config.js') {
  const root = mkdtempSync(join(tmpdir(), 'jwt-key-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const info: ProjectInfo = { root, policy: rulesPreset, moduleSystem: 'cjs' };
  const file = join(root, config);
  return fixSource(readFileSync(file, 'utf8'), file, [rule as never], info);
}

const bezkoderConfig = 'module.exports = {\n  secret: "bezkoder-secret-key"\n};\n';
const signer =
  'const jwt = require("jsonwebtoken");\nconst config = require("../config/auth.config");\n' +
  'exports.signin = (id) => jwt.sign({ id }, config.secret, { expiresIn: 86400 });\n';
const verifier =
  'const jwt = require("jsonwebtoken");\nconst config = require("../config/auth.config.js");\n' +
  'exports.verifyToken = (token, done) => jwt.verify(token, config.secret, done);\n';

describe('hardcoded-secret: the secret the project signs its JWTs with reads JWT_SECRET', () => {
  // bezkoder/node-js-jwt-auth-mongodb: AUTH_SECRET (named after auth.config.js) beside the config's JWT_SECRET
  it('names the one JWT key JWT_SECRET, whatever file holds it', () => {
    const result = fixConfig({
      'app/config/auth.config.js': bezkoderConfig,
      'app/controllers/auth.controller.js': signer,
      'app/middlewares/authJwt.js': verifier,
    });
    expect(result.output).toBe('module.exports = {\n  secret: process.env.JWT_SECRET\n};\n');
    expect([...result.sideEffects.envExampleVars]).toEqual(['JWT_SECRET']);
  });

  it('follows a named import of a constant (import { SECRET } from ...)', () => {
    const result = fixConfig(
      {
        'src/keys.ts': "export const SECRET = 'a9f3kLq0Zr7uWx2mB8cV';\n",
        'src/auth.ts':
          "import { sign } from 'jsonwebtoken';\nimport { SECRET } from './keys';\n" +
          'export const issue = (sub: string) => sign({ sub }, SECRET);\n',
      },
      'src/keys.ts',
    );
    expect(result.output).toBe('export const SECRET = process.env.JWT_SECRET;\n');
  });

  it('keeps the file-named variable when the secret signs no JWT', () => {
    const result = fixConfig({
      'app/config/auth.config.js': bezkoderConfig,
      'app/session.js':
        'const config = require("./config/auth.config");\napp.use(session({ secret: config.secret }));\n',
    });
    expect(result.output).toContain('secret: process.env.AUTH_SECRET');
  });

  it('keeps each name when the project signs with two keys (access and refresh)', () => {
    const result = fixConfig({
      'app/config/auth.config.js':
        'module.exports = {\n  secret: "bezkoder-secret-key",\n  refreshSecret: "bezkoder-refresh-key"\n};\n',
      'app/controllers/auth.controller.js': signer.replace(
        'exports.signin',
        'exports.refresh = (id) => jwt.sign({ id }, config.refreshSecret);\nexports.signin',
      ),
    });
    expect(result.output).toContain('secret: process.env.AUTH_SECRET');
    expect(result.output).toContain('refreshSecret: process.env.REFRESH_SECRET');
  });
});

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRule } from '../../test/helpers/rule-fixtures.js';
import type { ProjectInfo } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';
import { joseLifetime, jsonwebtokenLifetime } from '../_shared/jwt/values.js';
import rule from './rule.js';

const project = (jwt: Partial<typeof rulesPreset.jwt> = {}): ProjectInfo => ({
  root: '/p',
  policy: { ...rulesPreset, jwt: { ...rulesPreset.jwt, ...jwt } },
  moduleSystem: 'esm',
});

describe('jwt-expiry', () => {
  it('reads lifetimes as jsonwebtoken (vercel/ms) and jose do', () => {
    expect(jsonwebtokenLifetime('2h')).toBe(7200);
    expect(jsonwebtokenLifetime('1 day')).toBe(86400);
    expect(jsonwebtokenLifetime('30m')).toBe(1800);
    expect(jsonwebtokenLifetime(3600)).toBe(3600);
    expect(jsonwebtokenLifetime('120')).toBe(0.12);
    expect(jsonwebtokenLifetime('soon')).toBeUndefined();
    expect(joseLifetime('2 hours')).toBe(7200);
    expect(joseLifetime('+1d')).toBe(86400);
    expect(joseLifetime('1 day from now')).toBe(86400);
    expect(joseLifetime('30')).toBeUndefined();
  });

  it('compares with and writes the lifetimes of the policy in force', () => {
    const text =
      "import jwt from 'jsonwebtoken';\nexport const a = (id: string) => jwt.sign({ id }, process.env.JWT_SECRET as string, { expiresIn: '20m' });\nexport const b = (id: string) => jwt.sign({ id }, process.env.JWT_SECRET as string);\nexport const refreshPath = '/auth/refresh';\n";
    const strict = runRule(rule, text, 'src/a.ts', project({ accessTokenMinutes: 15 }));
    expect(strict.findings.map((f) => f.line)).toEqual([2, 3]);
    expect(strict.output).toContain("expiresIn: '15m'");
    expect(strict.output).not.toContain("'20m'");
    expect(runRule(rule, text, 'src/a.ts', project()).findings.map((f) => f.line)).toEqual([3]);
  });

  it('reports each millisecond expiresIn as such, and jwt-simple tokens without exp', () => {
    const text = readFileSync(
      join(import.meta.dirname, 'fixtures', 'milliseconds-and-jwt-simple.unfixable.js'),
      'utf8',
    );
    const findings = runRule(rule, text, 'src/tokens.js', project()).findings;
    expect(findings.map((f) => f.line)).toEqual([8, 12, 16, 20]);
    expect(findings[0].message).toContain('41 days');
    expect(findings[1].message).toContain('ONE_HOUR_MS');
    expect(findings[1].message).toContain('1 hour in milliseconds');
    expect(findings[2].message).toContain('10 minutes in milliseconds');
  });

  it('reports a date-fns expiry past the policy at its exp, and a jwt-simple payload that cannot carry exp', () => {
    const text = readFileSync(
      join(import.meta.dirname, 'fixtures', 'date-fns-and-literal-payload.unfixable.js'),
      'utf8',
    );
    const findings = runRule(rule, text, 'src/tokens.js', project()).findings;
    expect(findings.map((f) => f.line)).toEqual([8, 14]);
    expect(findings[0].message).toContain('7 days');
    expect(findings[1].message).toContain('never expires');
  });

  it('says "1 day" and "1 minute", never "1 days"', () => {
    const text =
      "import jwt from 'jsonwebtoken';\nexport const a = (id: string) => jwt.sign({ id }, process.env.JWT_SECRET as string, { expiresIn: '1d' });\n";
    const [finding] = runRule(rule, text, 'src/a.ts', project({ accessTokenMinutes: 1 })).findings;
    expect(finding.message).toContain("'1d' (1 day) is longer than the policy's 1 minute for access tokens");
  });

  it('reports an access-token lifetime instead of fixing it when the project has no refresh flow', () => {
    const text =
      "import jwt from 'jsonwebtoken';\nexport const login = (id: string) => jwt.sign({ id }, process.env.JWT_SECRET as string, { expiresIn: '6h' });\n";
    const [finding] = runRule(rule, text, 'src/a.ts', project()).findings;
    expect(finding).toMatchObject({ line: 2, fixable: false });
    expect(finding.unfixableReason).toContain('no refresh flow');
    const withRefresh = `${text}export const refresh = (id: string) => jwt.sign({ id }, process.env.REFRESH_SECRET as string, { expiresIn: '7d' });\nexport const refreshTokenCookie = 'refresh_token';\n`;
    const fixed = runRule(rule, withRefresh, 'src/a.ts', project());
    expect(fixed.output).toContain("expiresIn: '30m'");
  });

  // bezkoder/node-js-jwt-auth-mongodb: the second `secure fix` read `refreshTokenDays` in the generated
  // security/config.js as a refresh flow, and shortened the 1-day login token it had refused to shorten.
  it('does not take the policy numbers of a generated module for a refresh flow; the auth module counts', () => {
    const projectWith = (generated: Record<string, [generator: string, text: string]>) => {
      const root = mkdtempSync(join(tmpdir(), 'jwt-expiry-refresh-'));
      const files: Record<string, { generator: string; version: string; hash: string }> = {};
      for (const [path, [generator, text]] of Object.entries(generated)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
        files[path] = { generator, version: '0.1.0', hash: 'sha256-x' };
      }
      mkdirSync(join(root, '.secure'));
      writeFileSync(join(root, '.secure', 'manifest.json'), JSON.stringify({ version: 1, files }));
      return { ...project(), root, moduleSystem: 'cjs' as const };
    };
    const config: [string, string] = ['config', 'const securityPolicy = { jwt: { refreshTokenDays: 7 } };\n'];
    const text =
      "const jwt = require('jsonwebtoken');\nexports.signin = (id) => jwt.sign({ id }, process.env.JWT_SECRET, { expiresIn: 86400 });\n";

    const configOnly = projectWith({ 'security/config.js': config });
    const [finding] = runRule(rule, text, 'app/auth.controller.js', configOnly).findings;
    expect(finding.fixable).toBe(false);
    expect(finding.unfixableReason).toContain('no refresh flow');

    const withAuth = projectWith({
      'security/config.js': config,
      'security/tokens.js': ['auth', 'exports.issueRefreshToken = (user) => sign(user);\n'],
    });
    expect(runRule(rule, text, 'app/auth.controller.js', withAuth).output).toContain("expiresIn: '30m'");
  });

  it('names the finding, not just the line, in unfixable cases', () => {
    const text =
      "const jwt = require('jsonwebtoken');\nconst options = { expiresIn: '12h' };\nmodule.exports = (u) => jwt.sign({ id: u.id }, process.env.JWT_SECRET, options);\n";
    const [finding] = runRule(rule, text, 'src/a.js', project()).findings;
    expect(finding).toMatchObject({ line: 2, fixable: false });
    expect(finding.message).toContain("'12h' (12 hours)");
  });

  it('reads expiries computed from now in seconds', () => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures', 'computed-expiry.unfixable.ts'), 'utf8');
    const findings = runRule(rule, text, 'src/computed-expiry.ts', project()).findings;
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [
        11,
        "the token expires 7 days after it is issued, longer than the policy's 30 minutes for access tokens",
      ],
      [
        17,
        "the token expires 30 days after it is issued, longer than the policy's 30 minutes for access tokens",
      ],
    ]);
  });
});

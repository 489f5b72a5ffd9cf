import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecureError } from '../../src/errors.js';
import { asvsPreset, loadPolicy, resolvePolicy, rulesPreset } from '../../src/policy/index.js';

describe('the rules preset equals the security rules', () => {
  it('JWT: 30 minutes, 7 days, HS256', () => {
    expect(rulesPreset.jwt).toMatchObject({
      accessTokenMinutes: 30,
      refreshTokenDays: 7,
      algorithm: 'HS256',
    });
  });
  it('passwords: bcrypt cost 12, 8-100 characters, an uppercase letter, at most 72 bytes', () => {
    expect(rulesPreset.password).toMatchObject({
      hasher: 'bcrypt',
      bcryptCost: 12,
      minLength: 8,
      maxLength: 100,
      requireUppercase: true,
      maxBytes: 72,
    });
  });
  it('rate limit 100 per minute, CORS from configuration, the three headers, non-root Docker', () => {
    expect(rulesPreset.rateLimit).toMatchObject({ max: 100, windowSeconds: 60 });
    expect(rulesPreset.cors.origins).toEqual([]);
    expect(rulesPreset.headers).toMatchObject({
      contentTypeOptions: 'nosniff',
      frameOptions: 'DENY',
      xssProtection: '1; mode=block',
    });
    expect(rulesPreset.docker.user).not.toBe('root');
    expect(rulesPreset.docker.maxExposedPorts).toBe(1);
  });
  it('the asvs preset differs only where ASVS 5 does', () => {
    expect(asvsPreset.password).toMatchObject({
      hasher: 'argon2id',
      requireUppercase: false,
      rejectCommonPasswords: true,
    });
    expect(asvsPreset.headers.xssProtection).toBe('0');
    expect(asvsPreset.jwt).toEqual(rulesPreset.jwt);
    expect(asvsPreset.rateLimit).toEqual(rulesPreset.rateLimit);
  });
});

describe('secure.config.json overrides', () => {
  it('tightens a value and selects a preset', () => {
    const policy = resolvePolicy({
      preset: 'asvs',
      jwt: { accessTokenMinutes: 15 },
      cors: { origins: ['https://app.example.com'] },
    });
    expect(policy.jwt.accessTokenMinutes).toBe(15);
    expect(policy.password.hasher).toBe('argon2id');
    expect(policy.cors.origins).toEqual(['https://app.example.com']);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['an unknown key', { jwt: { lifetime: 3 } }, /^secure\.config\.json: unknown key "jwt\.lifetime"$/],
    ['an unknown top-level key', { colour: 'red' }, /unknown key "colour"/],
    ['a wrong type', { rateLimit: { max: '100' } }, /^secure\.config\.json: rateLimit\.max: /],
    ["'*' in origins", { cors: { origins: ['*'] } }, /cors\.origins\.0: '\*' allows every origin/],
    ["'null' in origins", { cors: { origins: ['null'] } }, /cors\.origins\.0: 'null'/],
    [
      'an access token over 30 minutes',
      { jwt: { accessTokenMinutes: 60 } },
      /jwt\.accessTokenMinutes: 60 is over the rules' maximum of 30/,
    ],
    [
      'a refresh token over 7 days',
      { jwt: { refreshTokenDays: 30 } },
      /jwt\.refreshTokenDays: 30 is over the rules' maximum of 7/,
    ],
    [
      'a looser rate limit',
      { rateLimit: { max: 500 } },
      /rateLimit\.max: 500 per 60s is over the rules' maximum of 100 per minute/,
    ],
    ['an unknown preset', { preset: 'lax' }, /preset: must be one of rules, asvs/],
    ['another algorithm', { jwt: { algorithm: 'none' } }, /jwt\.algorithm: /],
    [
      'bcrypt without the 72-byte guard',
      { password: { maxBytes: 100 } },
      /password\.maxBytes: bcrypt reads at most 72 bytes/,
    ],
  ];
  it.each(bad)('refuses %s with a one-line error naming the key (exit 2)', (_name, config, message) => {
    let error: unknown;
    try {
      resolvePolicy(config);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecureError);
    expect((error as SecureError).message).toMatch(message);
    expect((error as SecureError).message).not.toContain('\n');
    expect((error as SecureError).exitCode).toBe(2);
  });

  it('reads secure.config.json from the project root, and reports invalid JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    expect(loadPolicy(dir)).toEqual(rulesPreset);
    writeFileSync(join(dir, 'secure.config.json'), '\uFEFF{"rateLimit": {"max": 50}}');
    expect(loadPolicy(dir).rateLimit.max).toBe(50);
    writeFileSync(join(dir, 'secure.config.json'), '{"rateLimit": ');
    expect(() => loadPolicy(dir)).toThrow(
      /^secure\.config\.json:1:15: not valid JSON \(Unexpected end of JSON input\)$/,
    );
  });
});

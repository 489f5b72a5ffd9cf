import { describe, expect, it } from 'vitest';
import {
  findKeysInText,
  hasTokenChecksum,
  isFakeKey,
  matchKeyFormat,
  redact,
  withTokenChecksum,
} from './key-formats.js';
import { secretAssignment } from './secrets/assignment.js';

const serviceRoleJwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZyIsInJvbGUiOiJzZXJ2aWNlX3JvbGUiLCJpYXQiOjE3MDAwMDAwMDB9.Qm9rT2xLp9RkW4zN7bC1dF6hJ3sY5aWq3Zr8Tn5Vb2L';
const anonJwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiIsImlzcyI6InN1cGFiYXNlIn0.Qm9rT2xLp9RkW4zN7bC1dF6hJ3sY5aWq3Zr8Tn5Vb2L';
const expiredJwt =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsImV4cCI6MTUwMDAwMDAwMH0.Qm9rT2xLp9RkW4zN7bC1dF6hJ3sY5aWq3Zr8Tn5Vb2L';
const jwtIoSample =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const githubToken = withTokenChecksum('ghp_', 'R7mK2pX9qLw4vN8tB3cZ6yH1jF5dS0');
const npmToken = withTokenChecksum('npm_', 'Wq3Zr8Tn5Vb2Lk9Xm4Pc7Hd1Fs6Gy0');

describe('the key-format table', () => {
  it.each([
    ['AKIAZ7Q3MRT5LWX2KPBN', 'aws-access-key-id'],
    ['ASIAZ7Q3MRT5LWX2KPBN', 'aws-access-key-id'],
    [githubToken, 'github-token'],
    [withTokenChecksum('gho_', 'Zt4Kp8Lm2Xq7Wv9Rb3Nc6Hd1Js5Fy0'), 'github-token'],
    [
      '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',
      'github-fine-grained-token',
    ],
    ['glpat-Zq8vLr2Mx5Tn7Wk3Hp9c', 'gitlab-token'],
    ['xoxb-2194872651-8837465123-Qw3rTy7uIoP9aSdFgHjK', 'slack-token'],
    ['https://hooks.slack.com/services/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', 'slack-webhook'],
    ['sk_live_4eQ9vT2mLx8RkZ3Wp7Cn5Hd1', 'stripe-secret-key'],
    ['rk_live_4eQ9vT2mLx8RkZ3Wp7Cn5Hd1', 'stripe-secret-key'],
    ['AIzaSyD3kL9vQ2mX7pR4tW8zN1cB6hJ5fG0sY2e', 'google-api-key'],
    ['SG.Wq3Zr8Tn5Vb2Lk9Xm4Pc7H.d1Fs6Gy0Rt4Yu6Io9PlA3sD5fG7hJ2kL4zX6cV8bN0mQ', 'sendgrid-api-key'],
    ['SK9f3a7c1e5b2d8f4a6c0e9b7d3f1a5c8e', 'twilio-api-key'],
    ['key-9f3a7c1e5b2d8f4a6c0e9b7d3f1a5c8e', 'mailgun-api-key'],
    [npmToken, 'npm-token'],
    [serviceRoleJwt, 'jwt'],
  ])('%s is %s', (value, id) => expect(matchKeyFormat(value)?.id).toBe(id));

  it.each([
    ['documentation keys', 'AKIAIOSFODNN7EXAMPLE'],
    ['filler', 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    ['a GitHub token with a wrong checksum', 'ghp_R7mK2pX9qLw4vN8tB3cZ6yH1jF5dS0aGe2Uo'],
    ['an npm token with a wrong checksum', 'npm_Wq3Zr8Tn5Vb2Lk9Xm4Pc7Hd1Fs6Gy0Rt4Yu6'],
    ['a Stripe test key', 'sk_test_4eQ9vT2mLx8RkZ3Wp7Cn5Hd1'],
    ['a Stripe publishable key', 'pk_live_4eQ9vT2mLx8RkZ3Wp7Cn5Hd1'],
    ['repeated characters', 'sk_live_aaaaaaaaaaaaaaaaaaaaaaaa'],
    ['a public anon JWT', anonJwt],
    ['an expired JWT', expiredJwt],
    ["jwt.io's sample", jwtIoSample],
    ['a private key with an elided body', '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----'],
    [
      'a public key',
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
    ],
  ])('%s: not a key', (_, value) => expect(matchKeyFormat(value)).toBeUndefined());

  it('checks the CRC32 that GitHub and npm tokens end with', () => {
    expect(hasTokenChecksum(githubToken)).toBe(true);
    expect(hasTokenChecksum(`${githubToken.slice(0, -1)}x`)).toBe(false);
    expect(isFakeKey('ghp_R7mK2pX9qLw4vN8tB3cZ6yH1jF5dS0aGe2Uo')).toBe(true);
    expect(isFakeKey(githubToken)).toBe(false);
  });

  it('finds keys inside any text, each once, where they are', () => {
    const text = `token: "${githubToken}"\n//registry.npmjs.org/:_authToken=${npmToken}\nsee ${serviceRoleJwt}.\n`;
    const found = findKeysInText(text);
    expect(found.map((key) => [key.format.id, key.index])).toEqual([
      ['github-token', 8],
      ['npm-token', text.indexOf('npm_')],
      ['jwt', text.indexOf('eyJ')],
    ]);
    expect(found[2].value).toBe(serviceRoleJwt);
  });

  it('finds a private key written with escaped newlines (a service-account JSON)', () => {
    const body =
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vq3Zr8Tn5Vb2Lk9Xm4Pc7Hd1Fs6Gy0Rt4Yu6Io9PlA3sD5fG7h';
    const text = `{"private_key": "-----BEGIN PRIVATE KEY-----\\n${body}\\n-----END PRIVATE KEY-----\\n"}`;
    expect(findKeysInText(text).map((key) => key.format.id)).toEqual(['private-key']);
  });

  it('shows a redacted form: the published prefix and the length, never the random part', () => {
    expect(redact(githubToken, matchKeyFormat(githubToken))).toBe('ghp_****, 40 characters');
    expect(redact('hunter2hunter2')).toBe('****, 14 characters');
  });
});

describe('a secret assigned in a config file', () => {
  it.each([
    ['JWT_SECRET', '9fK2mQ7vLx4Rt8Zp3Wc6', 'A secret is hard-coded in `JWT_SECRET`'],
    ['DB_PASSWORD', 'Tr7xLq2Vz9Mw', 'A password is hard-coded in `DB_PASSWORD`'],
    ['PGPASSWORD', 'Tr7xLq2Vz9Mw', 'A password is hard-coded in `PGPASSWORD`'],
    ['anything', 'sk_live_4eQ9vT2mLx8RkZ3Wp7Cn5Hd1', 'A Stripe secret key is hard-coded in `anything`'],
    [
      'DATABASE_URL',
      'mysql://root:Zq8vLr2Mx5@db.acme-prod.net/app',
      'A password is hard-coded in the URL of `DATABASE_URL`',
    ],
  ])('%s=%s', (name, value, what) => expect(secretAssignment(name, value)?.what).toBe(what));

  it.each([
    ['JWT_SECRET', '${JWT_SECRET}'],
    ['API_KEY', '${{ secrets.API_KEY }}'],
    ['DB_PASSWORD', '{{ .Values.db.password }}'],
    ['DB_PASSWORD', '$DB_PASSWORD'],
    ['SESSION_SECRET', 'changeme'],
    ['API_KEY', '<your-key>'],
    ['SMTP_PASSWORD', 'your_secret_here'],
    ['REDIS_PASSWORD', 'xxxxxxxxxxxx'],
    ['SIGNING_KEY', 'aaaaaaaaaaaaaaaa'],
    ['TOKEN', 'short'],
    ['DB_PASSWORD', 'postgres'],
    ['DB_PASSWORD_FILE', '/run/secrets/db'],
    ['TOKEN_EXPIRES_IN', '15m'],
    ['DATABASE_URL', 'postgres://app:app@db:5432/app'],
    ['GITHUB_TOKEN', 'ghp_R7mK2pX9qLw4vN8tB3cZ6yH1jF5dS0aGe2Uo'],
    ['password', 'Password'],
  ])('%s=%s is no secret', (name, value) => expect(secretAssignment(name, value)).toBeUndefined());
});

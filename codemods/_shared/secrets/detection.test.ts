import { describe, expect, it } from 'vitest';
import { envNameFor, secretKind } from './names.js';
import { isTestPath, isClientPath } from './paths.js';
import { isLocalHost, isNonSecretShape, isPlaceholder, knownKeyFormat, urlPassword } from './values.js';

describe('secret names (head noun decides)', () => {
  it.each([
    ['jwtSecret', 'secret'],
    ['DB_PASSWORD', 'password'],
    ['apiKey', 'key'],
    ['x-api-key', 'key'],
    ['privateKey', 'key'],
    ['clientSecret', 'secret'],
    ['accessToken', 'token'],
    ['SMTP_PASS', 'password'],
    ['secretOrKey', 'key'],
    ['JWT_SECRET_DEV', 'secret'],
    ['SECRET_JWT', 'secret'],
    ['secretSession', 'secret'],
    ['PASSWORD_DB', 'password'],
    ['dbpass', 'password'],
    ['userpass', 'password'],
    ['JWT_SECRET_B64', 'secret'],
    ['secretBase64', 'secret'],
    ['apiKeyBase64', 'key'],
  ])('%s holds a %s', (name, kind) => expect(secretKind(name)).toBe(kind));

  it.each([
    'passwordField',
    'tokenType',
    'PASSWORD_MIN_LENGTH',
    'publicKey',
    'NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY',
    'secretName',
    'cacheKey',
    'storageKey',
    'nextPageToken',
    'cancellationToken',
    'passwordHash',
    'keyId',
    'pass',
    'firstPass',
    'tokens',
    'monkey',
    'JWT_SECRET_FILE',
    'secretary',
    'passage',
    'bypass',
    'compass',
    'surpass',
    'keyboard',
    'tokenizer',
    'secretsManagerClient',
    'secretClient',
    'secretManager',
    'SECRET_NAME',
    'passwordLogin',
    'passUser',
  ])('%s names no secret', (name) => expect(secretKind(name)).toBeUndefined());

  it('derives env names, with the owner for a bare word', () => {
    expect(envNameFor('jwtSecret')).toBe('JWT_SECRET');
    expect(envNameFor('secret', 'session')).toBe('SESSION_SECRET');
    expect(envNameFor('password', 'dbConfig')).toBe('DB_PASSWORD');
    expect(envNameFor('stripeApiKey', 'payments')).toBe('STRIPE_API_KEY');
    expect(envNameFor('secret', 'exports')).toBe('SECRET');
    expect(envNameFor('password', 'secrets')).toBe('PASSWORD');
    expect(envNameFor('dbpass')).toBe('DB_PASS');
    expect(envNameFor('JWT_SECRET_B64')).toBe('JWT_SECRET_B64');
  });
});

describe('secret values', () => {
  it.each([
    ['sk_live_51HqLkQ2eZvKYlo2C8nT4rWbX9pQ', 'a Stripe secret key'],
    ['AKIAZ7Q3MRT5LWX2KPBN', 'an AWS access key id'],
    ['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', 'a GitHub token'],
    ['xoxb-2194872651-8837465123-Qw3rTy7uIoP9aSdFgHjK', 'a Slack token'],
    [
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA2a8KzQw7vT1pLmX9cR4sNbY6jH3fG0dE5uIoPaS2zW8xCvB7nMq\nKe1Rt4Yu6Io9PlA3sD5fG7hJ2kL4zX6cV8bN0mQwE1rT3yU5iO7pA9sD2fG4hJ6k\n-----END RSA PRIVATE KEY-----',
      'a PEM private key',
    ],
  ])('%s is %s', (value, label) => expect(knownKeyFormat(value)).toBe(label));

  it.each([
    'AKIAIOSFODNN7EXAMPLE',
    'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    // a GitHub token's last six characters are the CRC32 of the rest: a made-up one fails it
    'ghp_R7mK2pX9qLw4vN8tB3cZ6yH1jF5dS0aGe2Uo',
    'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    'pk_live_51HqLkQ2eZvKYlo2C8nT4rWbX9pQ',
    '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----',
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
  ])('%s is no leaked key', (value) => expect(knownKeyFormat(value)).toBeUndefined());

  it.each([
    '',
    '<your-api-key>',
    'xxxxxxxx',
    '***',
    '${JWT_SECRET}',
    '{{secret}}',
    'your-secret-here',
    'YOUR_API_KEY',
  ])('%j is a placeholder', (value) => expect(isPlaceholder(value)).toBe(true));

  it.each([
    'JWT_SECRET',
    'access_token',
    'x-api-key',
    'Password',
    'HS256',
    '/reset-password',
    'auth.password.label',
  ])('%j is not a secret value', (value) => expect(isNonSecretShape(value, 'apiKey')).toBe(true));

  it.each(['keyboard cat', 'mysecretkey', 'session_cookie_secret_key_here', 'S3cur3P@ss!'])(
    '%j is a secret in use',
    (value) => expect(isNonSecretShape(value, 'secret') || isPlaceholder(value)).toBe(false),
  );

  it('finds real passwords in URLs, not local defaults', () => {
    expect(urlPassword('postgres://app:Xk29fLq7Wm@db.acme.io/app')).toBe('Xk29fLq7Wm');
    expect(urlPassword('postgres://postgres:postgres@localhost:5432/app')).toBeUndefined();
    expect(urlPassword('mongodb://user:password@cluster0.mongodb.net/db')).toBeUndefined();
    expect(urlPassword('https://api.acme.io/v1')).toBeUndefined();
  });

  it('knows local and private hosts', () => {
    for (const host of [
      'localhost',
      '127.0.0.1',
      '10.2.3.4',
      '192.168.1.10',
      '172.20.0.5',
      'db',
      'api.local',
      'example.com',
    ])
      expect(isLocalHost(host), host).toBe(true);
    for (const host of ['api.acme.io', '8.8.8.8', '172.32.0.1']) expect(isLocalHost(host), host).toBe(false);
  });
});

describe('paths', () => {
  it('recognises test fixtures and client code', () => {
    expect(isTestPath('src/__tests__/auth.ts')).toBe(true);
    expect(isTestPath('src/auth.spec.ts')).toBe(true);
    expect(isTestPath('test/fixtures/users.js')).toBe(true);
    expect(isTestPath('playwright.config.ts')).toBe(true);
    expect(isTestPath('src/testimonials.ts')).toBe(false);
    expect(isClientPath('src/client/api.ts')).toBe(true);
    expect(isClientPath('src/components/Login.tsx')).toBe(true);
    expect(isClientPath('pages/index.tsx')).toBe(true);
    expect(isClientPath('pages/api/login.ts')).toBe(false);
    expect(isClientPath('src/server/routes.ts')).toBe(false);
  });
});

describe('values outside ASCII', () => {
  it('are labels under a name, but a secret as a library secret option', () => {
    expect(isNonSecretShape('Contraseña actual', 'password')).toBe(true);
    expect(isNonSecretShape('ñasddfilhpaf78h78032h780g', 'secret')).toBe(true);
    expect(isNonSecretShape('ñasddfilhpaf78h78032h780g', 'secret', true)).toBe(false);
    expect(isNonSecretShape('Contraseña actual', 'secret', true)).toBe(true);
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRule } from '../../index.js';
import { loadFixtures, runRule } from '../../../test/helpers/rule-fixtures.js';

/**
 * The fixture runner checks that bad code is reported at all; this pins every situation of the secrets rules'
 * fixtures to its line, once: a second finding on the same code or a lost one fails here.
 */
const expected: Record<string, Record<string, number[]>> = {
  'hardcoded-secret': {
    appsettings: [4, 6],
    'ci-workflow-token': [13],
    'config-file-named-for-its-subject': [3],
    'module-not-a-config-file': [3],
    'connection-url-argument': [4, 5],
    'deploy-key': [1],
    'docker-compose-environment': [6, 7, 8, 13],
    'kubernetes-env': [14],
    'registry-token': [2],
    'database-clients': [7, 10],
    'authorization-header': [5],
    'database-url-with-password': [2],
    'enum-member': [2],
    'jwt-sign-argument': [4, 8],
    'jwt-simple-key-argument': [4, 8],
    knexfile: [4],
    'known-key-formats': [4, 5],
    'mailer-auth-pair': [5],
    'named-constants': [1, 2, 7],
    'response-with-credential-format': [9],
    'same-name-different-values': [2, 7],
    'secret-from-package-json': [6, 7],
    'secret-name-spellings': [2, 3, 4, 5],
    'seed-records': [3, 4],
    'session-secret': [8],
    'short-library-secrets': [7, 10],
    'secret-compared-with-literal': [6, 7, 8],
    'encryption-key-literal': [4, 11, 15, 22, 27],
  },
  'default-password': {
    'backdoor-comparison': [2, 7, 11],
    'database-url-default-password': [3, 4, 6, 7],
    'seeded-accounts': [8, 9, 12, 16],
    'app-config-default-password': [4, 10],
    'config-json-default-password': [2],
    'config-file-named-for-its-subject': [5],
    'config-file-without-subject': [4, 5],
    'conditional-and-cast-fallbacks': [5, 8, 9, 10],
    'default-credentials': [3, 5],
    'destructured-default': [1],
    'env-fallbacks': [3, 4, 8],
    'env-helper-fallbacks': [5, 8, 9],
    'guarded-env-default': [3, 5, 7, 12],
    'tutorial-secrets': [6, 9],
    'seed-rows-with-hashed-literals': [8, 9, 15],
    'seed-users-with-hashed-literals': [4, 5, 7, 8, 11, 13, 15],
  },
  'log-secret': {
    'console-and-logger': [6, 7, 8, 9, 11, 12],
    'env-secret-in-startup': [3, 4],
    'logger-call-shapes': [12, 13, 14, 15, 16],
    'object-built-before': [6],
    'whole-records': [6, 7, 11, 15, 16, 23],
    'whole-request-body': [2, 3],
    'whole-headers-and-startup-credentials': [7, 13, 18, 23],
  },
  'insecure-transport': {
    'remote-http-endpoints': [4, 5, 9, 10],
    'tls-verification-off': [4, 6, 7, 8, 8],
    'url-passed-to-local-helper': [11],
  },
  'frontend-secret': {
    'browser-module': [4],
    'bundled-random-token': [4],
    'literal-in-component': [2],
    'next-config-env': [5],
    'next-public-secret': [6, 9],
    'vite-env': [2, 4, 5],
  },
};

describe.each(Object.entries(expected))('%s fixtures', (id, byFixture) => {
  const rule = findRule(id)!;
  const fixtures = loadFixtures(join(import.meta.dirname, '..', '..', id));

  it('every reported fixture is listed here', () => {
    const reported = fixtures.filter((fixture) => fixture.kind !== 'valid').map((fixture) => fixture.name);
    expect(reported.sort()).toEqual(Object.keys(byFixture).sort());
  });

  for (const [name, lines] of Object.entries(byFixture)) {
    it(`${name}: reported at lines ${lines.join(', ')}`, () => {
      const fixture = fixtures.find((candidate) => candidate.name === name)!;
      const { findings } = runRule(rule, fixture.text, fixture.relativePath, fixture.project);
      expect(findings.map((finding) => finding.line)).toEqual(lines);
    });
  }
});

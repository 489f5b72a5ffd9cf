import { describe, expect, it } from 'vitest';
import { memoryOutput } from '../../src/cli/output.js';
import { runProgram } from '../../src/cli/run.js';
import { secureProgram } from '../../src/cli/secure-program.js';
import { maskLine } from '../../src/cli/format/mask-secrets.js';
import { tempProject } from '../helpers/temp-repo.js';

async function check(root: string, format: string) {
  const output = memoryOutput();
  const code = await runProgram(
    secureProgram(output, root),
    ['check', '.', '--no-cache', '--format', format],
    output,
  );
  return { code, text: output.stdout.join('\n') + output.stderr.join('\n') };
}

/** The code under a finding is context for the reader; the secret in it must never reach a terminal or a CI log. */
describe('secure check never prints the secret it reports', () => {
  const root = tempProject({
    'package.json': '{ "name": "api", "dependencies": { "jsonwebtoken": "9.0.2" } }',
    'app.js': [
      "const jwt = require('jsonwebtoken');",
      "const token = jwt.sign({ id: 1 }, 'sup3r-s3cret-k3y-value', { expiresIn: '15m' });",
      "const db = { password: 'hunter2hunter2' };",
      'module.exports = { token, db };',
      '',
    ].join('\n'),
    Dockerfile: 'FROM node:20\nENV DB_PASSWORD=pa55word123\nUSER node\nCMD ["node", "app.js"]\n',
  });

  for (const format of ['pretty', 'json', 'sarif'])
    it(`${format}: the findings are there, the secrets are not`, async () => {
      const { code, text } = await check(root, format);
      expect(code).toBe(1);
      expect(text).toContain('hardcoded-secret');
      expect(text).toContain('docker-secret');
      for (const secret of ['sup3r-s3cret-k3y-value', 'hunter2hunter2', 'pa55word123'])
        expect(text).not.toContain(secret);
    });

  it('pretty: the caret still points at the literal, and the module name stays readable', async () => {
    const { text } = await check(root, 'pretty');
    const lines = text.split('\n');
    const at = lines.findIndex((line) => line.includes("> 2 | const token = jwt.sign({ id: 1 }, '*"));
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1].indexOf('^')).toBe(lines[at].indexOf("'*"));
    expect(text).toContain("require('jsonwebtoken')");
  });

  it('masks env, YAML and Dockerfile values, not the names', () => {
    expect(maskLine('JWT_SECRET=abc123', '.env')).toBe('JWT_SECRET=******');
    expect(maskLine('      POSTGRES_PASSWORD: example', 'docker-compose.yml')).toBe(
      '      POSTGRES_PASSWORD: *******',
    );
    expect(maskLine('ENV API_KEY sk_live_1', 'Dockerfile')).toBe('ENV API_KEY *********');
    expect(maskLine("SECRET_KEY = 'abc'", 'app/settings.py')).toBe("SECRET_KEY = '***'");
  });
});

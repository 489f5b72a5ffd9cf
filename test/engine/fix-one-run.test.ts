import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject } from '../add/projects.js';
import { runBin, secureBin } from '../helpers/cli.js';
import { git, tempProject } from '../helpers/temp-repo.js';

const secure = (root: string, args: string[]) => runBin(secureBin, [...args, '--no-cache'], { cwd: root });

describe('secure fix: one run does it all', () => {
  it('creates the config module and moves the secret into it in the same run; a second run writes nothing', async () => {
    const root = await makeProject('express5-esm');
    writeFileSync(
      join(root, 'src/auth.ts'),
      `import jwt from 'jsonwebtoken';

export function issueToken(userId: string): string {
  return jwt.sign({ sub: userId }, 'n7Qp2LxV9sKe4WmZ8tRb3YhC6uJd5FgA', { algorithm: 'HS256', expiresIn: '15m' });
}
`,
    );
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'legacy');

    // Check counts as fixable what this run fixes: the secret needs the config module fix plans in the same run.
    const before = JSON.parse((await secure(root, ['check', '--format', 'json'])).stdout);
    const secret = before.findings.find((finding: { rule: string }) => finding.rule === 'hardcoded-secret');
    expect(secret).toMatchObject({ fixable: true });
    const planned = await secure(root, ['fix', '--dry-run']);
    const fixes = /\((\d+) fix(?:es)?\)/.exec(planned.stdout);
    expect(Number(fixes?.[1])).toBe(before.summary.fixable);

    const first = await secure(root, ['fix']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(readFileSync(join(root, 'src/auth.ts'), 'utf8')).toBe(`import jwt from 'jsonwebtoken';
import { settings } from './security/config.js';

export function issueToken(userId: string): string {
  return jwt.sign({ sub: userId }, settings.jwtSecret, { algorithm: 'HS256', expiresIn: '15m' });
}
`);
    expect(readFileSync(join(root, 'src/security/config.ts'), 'utf8')).toContain(
      "jwtSecret: { from: ['JWT_SECRET']",
    );
    expect(first.stdout).toContain('0 findings need a fix by hand');
    expect(first.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^Next: run `npm install` in \. to install .*zod.* \(or pass --install\)\.$/,
    );

    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'secure fix');
    const second = await secure(root, ['fix']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(git(root, 'status', '--porcelain')).toBe('');
    const check = await secure(root, ['check', '--format', 'json']);
    expect(JSON.parse(check.stdout).findings).toEqual([]);
  });

  it('untracks a .env holding two secrets once, and says so once', async () => {
    const root = tempProject({
      'package.json': JSON.stringify({ name: 'legacy', version: '1.0.0', dependencies: {} }),
      '.env': 'JWT_SECRET=n7Qp2LxV9sKe4WmZ8tRb3YhC6uJd5FgA\nDB_PASSWORD=Vb8rT2qLm9XcK4pZ\n',
    });
    const result = await secure(root, ['fix']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.match(/^done: untrack \.env\b.*$/gm)).toHaveLength(1);
    expect(git(root, 'ls-files', '.env')).toBe('');
    expect(readFileSync(join(root, '.gitignore'), 'utf8').match(/^\.env$/gm)).toHaveLength(1);
  });
});

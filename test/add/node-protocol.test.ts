import { describe, expect, it } from 'vitest';
import { withoutNodeProtocol } from '../../src/add/imports.js';
import { planModules } from '../../src/add/index.js';
import { project } from './small-project.js';

/** Node 14 before 14.18, @types/node before 14.18 and Jest before 27 resolve no `node:` import. */

describe('withoutNodeProtocol', () => {
  it('drops the prefix of every import and export specifier, and only there', () => {
    const input = `import { readFileSync } from 'node:fs';
import type { IncomingMessage } from "node:http";
export { randomBytes } from 'node:crypto';
import fetch from 'node-fetch';
const name = 'node:fs';
`;
    expect(withoutNodeProtocol('src/security/x.ts', input)).toBe(`import { readFileSync } from 'fs';
import type { IncomingMessage } from "http";
export { randomBytes } from 'crypto';
import fetch from 'node-fetch';
const name = 'node:fs';
`);
  });

  it('returns a module without node: imports unchanged', () => {
    const input = `import { join } from 'path';\nimport cors from 'cors';\n`;
    expect(withoutNodeProtocol('src/security/x.ts', input)).toBe(input);
  });
});

const app = (engines: string) =>
  project({
    'package.json': JSON.stringify({
      engines: { node: engines },
      dependencies: { express: '^4.21.2' },
      devDependencies: { typescript: '^5.6.2' },
    }),
    'tsconfig.json': '{}',
    'src/app.ts': `import express from 'express';\n\nconst app = express();\nexport default app;\n`,
  });

describe('secure add in a project targeting Node 14', () => {
  const modules = ['config', 'password', 'headers', 'trusted-host', 'rate-limit'];
  const newFiles = async (engines: string) =>
    (await planModules(app(engines), modules, { yes: true })).changes
      .filter((change) => change.path.startsWith('src/security/'))
      .map((change) => change.after ?? '');

  it('imports Node’s modules without the node: prefix in every generated file', async () => {
    const files = await newFiles('>=14.0.0');
    expect(files.length).toBeGreaterThan(3);
    expect(files.join('\n')).toMatch(/from 'fs';/);
    for (const text of files) expect(text).not.toMatch(/from ['"]node:/);
  });

  it('keeps the prefix for Node 20', async () => {
    expect((await newFiles('>=20.19.0')).join('\n')).toMatch(/from 'node:fs';/);
  });
});

describe('the config’s advice for a new secret', () => {
  const adviceFor = async (engines: string) => {
    const plan = await planModules(app(engines), ['config'], { yes: true });
    const config = plan.changes.find((change) => change.path === 'src/security/config.ts')?.after ?? '';
    return /const secretCommand = "((?:[^"\\]|\\.)*)"/.exec(config)?.[1].replace(/\\"/g, '"');
  };

  // Node before 14.18 has no base64url encoding and no node: specifiers: the command would throw.
  it('runs on Node 14: base64, require("crypto")', async () => {
    expect(await adviceFor('>=14.0.0')).toBe(
      `node -e "console.log(require('crypto').randomBytes(48).toString('base64'))"`,
    );
  });

  it('keeps base64url for Node 20', async () => {
    expect(await adviceFor('>=20.19.0')).toBe(
      `node -e "console.log(require('node:crypto').randomBytes(48).toString('base64url'))"`,
    );
  });
});

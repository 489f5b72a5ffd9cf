import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { versions } from '../../generators/versions.js';
import type { AddableGenerator, GeneratorSource } from '../../src/add/generator-source.js';
import { planModules } from '../../src/add/index.js';
import { verifyByStarting } from '../../src/add/verify-start.js';
import { startCommand } from '../../src/add/verify-start-command.js';
import { addCommand } from '../../src/cli/commands/add.js';
import { memoryOutput } from '../../src/cli/output.js';
import { rulesPreset } from '../../src/policy/index.js';
import { git, gitStatus } from './projects.js';

/**
 * `secure add --verify=start` on small apps as users have them (Express CommonJS and ESM, Fastify ESM), with a
 * stand-in headers module: the app starts from a temporary copy with the change, answers GET with the
 * policy's headers, and only then is the change written. A module that throws at load, an app that never
 * listens on PORT or answers without the headers, is refused with nothing written. One install of express
 * and fastify serves every app (2 cores are shared).
 */

type Behaviour = 'sets-headers' | 'throws-at-load' | 'sets-nothing';

/** The stand-in: it reads the secret the next steps name, as the real config does, and sets the policy headers. */
function headersModule(framework: 'express' | 'fastify', behaviour: Behaviour): string {
  const set =
    behaviour === 'sets-headers'
      ? `  for (const [name, value] of Object.entries(values)) response.header(name, value);\n`
      : '';
  const load =
    behaviour === 'throws-at-load'
      ? `throw new Error('SESSION_KEY is not accepted: ' + secret);\n`
      : `if (!secret) throw new Error('SESSION_KEY is missing');\n`;
  const values = `const values: Record<string, string> = {
  'X-Content-Type-Options': '${rulesPreset.headers.contentTypeOptions}',
  'X-Frame-Options': '${rulesPreset.headers.frameOptions}',
  'Referrer-Policy': '${rulesPreset.headers.referrerPolicy}',
};\n`;
  const secret = `const secret = process.env.SESSION_KEY ?? '';\n${load}`;
  return framework === 'express'
    ? `${values}${secret}
export function securityHeaders() {
  return (_request: unknown, response: { header(name: string, value: string): void }, next: () => void) => {
${set}    next();
  };
}
`
    : `${values}${secret}
export function securityHeaders() {
  return async (_request: unknown, response: { header(name: string, value: string): void }) => {
${set}  };
}
`;
}

function source(behaviour: Behaviour): GeneratorSource {
  const generator: AddableGenerator = {
    name: 'headers',
    description: 'headers',
    env: () => [{ name: 'SESSION_KEY', description: 'a secret', secret: true } as { name: string }],
    wiring: {
      express: {
        module: 'security/headers',
        imports: ['securityHeaders'],
        statement: 'app.use(securityHeaders());',
        position: 'before-routes',
      },
      fastify: {
        module: 'security/headers',
        imports: ['securityHeaders'],
        statement: "app.addHook('onRequest', securityHeaders());",
        position: 'before-routes',
      },
    },
  };
  return {
    generators: [generator],
    versionsFor: () => ({}),
    upgradesFor: () => [],
    async render(_generator, context, srcDir) {
      return new Map([[`${srcDir}/security/headers.ts`, headersModule(context.framework, behaviour)]]);
    },
  };
}

const apps = {
  'express-cjs': {
    pkg: { name: 'orders', scripts: { start: 'node src/server.js' } },
    files: {
      'src/server.js': `const express = require('express');

const app = express();
app.get('/orders', (req, res) => res.json([]));

app.listen(Number(process.env.PORT || 3000));
`,
    },
  },
  'express-esm': {
    pkg: { name: 'catalog', type: 'module', scripts: { dev: 'node src/app.js' } },
    files: {
      'src/app.js': `import express from 'express';

const app = express();
app.get('/', (req, res) => res.send('catalog'));

app.listen(Number(process.env.PORT ?? 3000), () => console.log('up'));
`,
    },
  },
  'fastify-esm': {
    pkg: { name: 'billing', type: 'module', main: 'server.js' },
    files: {
      'server.js': `import Fastify from 'fastify';

const app = Fastify();
app.get('/health', async () => ({ ok: true }));

await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
`,
    },
  },
  /** Listens on a port of its own, whatever PORT says. */
  'express-fixed-port': {
    pkg: { name: 'stubborn', scripts: { start: 'node index.js' } },
    files: {
      'index.js': `const express = require('express');
const app = express();
app.get('/', (req, res) => res.send('hi'));
app.listen(0);
`,
    },
  },
} as const;

let installed: string;

beforeAll(async () => {
  installed = mkdtempSync(join(tmpdir(), 'secure-verify-start-deps-'));
  writeFileSync(join(installed, 'package.json'), '{"private":true}\n');
  await execa(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `express@${versions.express}`,
      `fastify@${versions.fastify}`,
    ],
    { cwd: installed },
  );
}, 240_000);

async function makeApp(kind: keyof typeof apps): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), `secure-verify-start-${kind}-`));
  const { pkg, files } = apps[kind];
  const framework = kind.startsWith('fastify') ? 'fastify' : 'express';
  const dependencies = { [framework]: versions[framework] };
  writeFileSync(join(root, 'package.json'), `${JSON.stringify({ ...pkg, dependencies }, null, 2)}\n`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  writeFileSync(join(root, '.gitignore'), 'node_modules\n');
  symlinkSync(join(installed, 'node_modules'), join(root, 'node_modules'), 'dir');
  await git(root, 'init', '-q');
  await git(root, 'add', '-A');
  await git(root, 'commit', '-qm', 'the app');
  return root;
}

async function add(root: string, behaviour: Behaviour) {
  const output = memoryOutput();
  try {
    const code = await addCommand(
      output,
      root,
      ['headers'],
      { yes: true, verify: 'start' },
      source(behaviour),
    );
    return { code, output };
  } catch (error) {
    return { error: error as Error & { code?: string }, output };
  }
}

describe('secure add --verify=start', () => {
  it('starts a CommonJS Express app with the change, probes its route, then writes', async () => {
    const root = await makeApp('express-cjs');
    const { code, output, error } = await add(root, 'sets-headers');
    expect(error).toBeUndefined();
    expect(code).toBe(0);
    expect(output.stdout.join('\n')).toMatch(/started npm start with the changes: GET \/orders answered 200/);
    expect(readFileSync(join(root, 'src/server.js'), 'utf8')).toContain('app.use(securityHeaders());');
    expect(existsSync(join(root, 'src/security/headers.js'))).toBe(true);
    // The generated secret was for the trial only: never written, never printed.
    expect(existsSync(join(root, '.env'))).toBe(false);
    expect(output.stdout.join('\n')).not.toMatch(/SESSION_KEY=\S/);
  }, 60_000);

  it('starts an ESM Express app through its dev script', async () => {
    const root = await makeApp('express-esm');
    const { code, output } = await add(root, 'sets-headers');
    expect(code).toBe(0);
    expect(output.stdout.join('\n')).toMatch(/started npm run dev with the changes: GET \/ answered 200/);
  }, 60_000);

  it('refuses a module that throws at load: exit 1, the first error line with the secret redacted, nothing written', async () => {
    const root = await makeApp('express-esm');
    const { error } = await add(root, 'throws-at-load');
    expect(error?.code).toBe('REFUSED');
    expect(error?.message).toMatch(
      /^--verify=start: headers not added: npm run dev: the app stopped \(exit 1\) before listening: Error: SESSION_KEY is not accepted: \[redacted\]; secure add wrote nothing$/,
    );
    expect(await gitStatus(root)).toBe('');
  }, 60_000);

  it('starts a Fastify app from package.json main and probes its one GET route', async () => {
    const root = await makeApp('fastify-esm');
    const { code, output } = await add(root, 'sets-headers');
    expect(code).toBe(0);
    expect(output.stdout.join('\n')).toMatch(
      /started node server\.js with the changes: GET \/health answered 200/,
    );
    expect(readFileSync(join(root, 'server.js'), 'utf8')).toContain(
      "app.addHook('onRequest', securityHeaders());",
    );
  }, 60_000);

  it('refuses when the app answers without the policy headers', async () => {
    const root = await makeApp('fastify-esm');
    const { error } = await add(root, 'sets-nothing');
    expect(error?.message).toMatch(/GET \/health: it answered without x-content-type-options: nosniff/);
    expect(await gitStatus(root)).toBe('');
  }, 60_000);

  it('names the port and PORT when the app does not listen there in time', async () => {
    const root = await makeApp('express-fixed-port');
    const plan = await planModules(root, ['headers'], { source: source('sets-headers'), yes: true });
    await expect(verifyByStarting(root, plan, { policy: rulesPreset, timeoutMs: 2000 })).rejects.toThrow(
      /the app did not listen on port \d+ within 2 s \(PORT=\d+ was set: does it read PORT\?\)/,
    );
    expect(await gitStatus(root)).toBe('');
  }, 60_000);
});

describe('how the trial starts an app', () => {
  const folder = (pkg: object, files: Record<string, string> = {}) => {
    const root = mkdtempSync(join(tmpdir(), 'secure-verify-start-command-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify(pkg));
    for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
    return root;
  };

  it('skips a start script that hands the app to a process manager, and takes start:* scripts', () => {
    const pm2 = folder({ scripts: { start: 'pm2 start ./src/index.js', dev: 'nodemon ./src/index.js' } });
    expect(startCommand(pm2, 'src/app.js')).toEqual({
      start: 'nodemon ./src/index.js',
      label: 'npm run dev',
    });
    const named = folder({
      scripts: { 'start:dev': 'tsx watch src/index.ts', 'start:prod': 'node dist/index.js' },
    });
    expect(startCommand(named, 'src/server.ts')?.label).toBe('npm run start:dev');
  });

  it('builds first when start runs the compiled output of a TypeScript project', () => {
    const root = folder(
      { scripts: { build: 'tsc', start: 'node dist/server.js' } },
      { 'tsconfig.json': '{}' },
    );
    expect(startCommand(root, 'src/app.ts')).toEqual({
      start: 'node dist/server.js',
      build: 'tsc',
      label: 'npm run build, then npm start',
    });
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AddableGenerator, GeneratorSource } from '../../src/add/generator-source.js';
import { addModules } from '../../src/add/index.js';

/** A module whose staged code fails verification is left out; the others are written. */

const wired = (name: string, module: string): AddableGenerator => ({
  name,
  description: name,
  requires: ['config'],
  wiring: {
    express: {
      module: `security/${module}`,
      imports: [name === 'headers' ? 'securityHeaders' : 'corsMiddleware'],
      statement: `app.use(${name === 'headers' ? 'securityHeaders' : 'corsMiddleware'}(settings));`,
      position: 'before-routes',
    },
  },
});

/** config, headers and cors; `broken` names the module whose file has a type error. */
function source(broken: string): GeneratorSource {
  const files: Record<string, [string, string]> = {
    config: ['security/config.ts', `export const settings = { production: false };\n`],
    headers: [
      'security/headers.ts',
      `export function securityHeaders(_settings: object) {\n  return () => undefined;\n}\n`,
    ],
    cors: [
      'security/cors.ts',
      `export function corsMiddleware(_settings: object) {\n  return () => undefined;\n}\n`,
    ],
  };
  return {
    generators: [
      { name: 'config', description: 'settings' },
      wired('headers', 'headers'),
      wired('cors', 'cors'),
    ],
    versionsFor: () => ({}),
    upgradesFor: () => [],
    async render(generator, _context, srcDir) {
      const [path, text] = files[generator.name];
      const typeError = `const methods: number = 'GET';\nexport { methods };\n`;
      return new Map([[`${srcDir}/${path}`, generator.name === broken ? `${text}${typeError}` : text]]);
    },
  };
}

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-add-verify-'));
  const files = {
    'package.json': JSON.stringify({ name: 'api', type: 'module', dependencies: { express: '^5.1.0' } }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true }, include: ['src'] }),
    'src/app.ts': `import express from 'express';\n\nconst app = express();\napp.get('/', (_q, r) => r.send('ok'));\nexport default app;\n`,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('secure add: a module that fails verification', () => {
  it('is left out with the place of the diagnostic; the other modules are written and wired', async () => {
    const root = project();
    const result = await addModules(root, ['headers', 'cors'], { source: source('cors'), yes: true });
    expect(result.refused).toEqual([
      {
        generator: 'cors',
        reason: expect.stringMatching(/^src\/security\/cors\.ts:4: .*TS2322/),
        failedVerification: true,
      },
    ]);
    expect(result.written).toBe(true);
    expect(existsSync(join(root, 'src/security/cors.ts'))).toBe(false);
    expect(existsSync(join(root, 'src/security/headers.ts'))).toBe(true);
    const app = readFileSync(join(root, 'src/app.ts'), 'utf8');
    expect(app).toContain('app.use(securityHeaders(settings));');
    expect(app).not.toContain('corsMiddleware');
    expect(result.notes).toContain(`not added: cors: ${result.refused[0].reason}`);
  });

  it('config failing drops the modules needing it, said as such, and writes nothing', async () => {
    const root = project();
    const result = await addModules(root, ['headers', 'cors'], { source: source('config'), yes: true });
    expect(result.refused).toEqual([
      {
        generator: 'config',
        reason: expect.stringMatching(/^src\/security\/config\.ts:2: .*TS2322/),
        failedVerification: true,
      },
      { generator: 'headers', reason: 'it needs config, which is not added' },
      { generator: 'cors', reason: 'it needs config, which is not added' },
    ]);
    expect(result.written).toBe(false);
    expect(existsSync(join(root, 'src/security'))).toBe(false);
    expect(readFileSync(join(root, 'src/app.ts'), 'utf8')).not.toContain('security');
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixSource } from '../../src/engine/analyze-source.js';
import type { ProjectInfo } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';
import rule from './rule.js';

const roots: string[] = [];

/** A temp project: tsconfig (strict or not) and, when asked, a config module shaped like the generated one. */
function project(options: { strict: boolean; config?: boolean }): ProjectInfo {
  const root = mkdtempSync(join(tmpdir(), 'hardcoded-secret-'));
  roots.push(root);
  mkdirSync(join(root, 'src', 'security'), { recursive: true });
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: options.strict } }));
  if (!options.config) return { root, policy: rulesPreset, moduleSystem: 'esm' };
  const configModule = join(root, 'src', 'security', 'config.ts');
  writeFileSync(
    configModule,
    [
      'export interface Settings {',
      '  jwtSecret: string;',
      '}',
      'export function loadSettings(values: Record<string, string>): Settings {',
      '  return {',
      '    jwtSecret: values.JWT_SECRET,',
      '  };',
      '}',
      'export const settings: Settings = loadSettings(process.env as Record<string, string>);',
      '',
    ].join('\n'),
  );
  return { root, policy: rulesPreset, moduleSystem: 'esm', configModule };
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const source = [
  '// Auth routes',
  "import jwt from 'jsonwebtoken'; // the signer",
  '',
  "const JWT_SECRET = 'a9f3kLq0Zr7uWx2mB8cV';",
  '',
  'export const sign = (sub: string) => jwt.sign({ sub }, JWT_SECRET);',
  '',
].join('\n');

describe('hardcoded-secret fixes', () => {
  it('uses the typed setting of the generated config module, importing it with a .js suffix', () => {
    const info = project({ strict: true, config: true });
    const file = join(info.root, 'src', 'routes', 'auth.ts');
    const result = fixSource(source, file, [rule as never], info);
    expect(result.output).toBe(
      [
        '// Auth routes',
        "import jwt from 'jsonwebtoken'; // the signer",
        "import { settings } from '../security/config.js';",
        '',
        'const JWT_SECRET = settings.jwtSecret;',
        '',
        'export const sign = (sub: string) => jwt.sign({ sub }, JWT_SECRET);',
        '',
      ].join('\n'),
    );
    expect([...result.sideEffects.envExampleVars]).toEqual(['JWT_SECRET']);
    expect(result.sideEffects.notes).toEqual([
      'src/routes/auth.ts:4: a hard-coded secret was moved to JWT_SECRET; rotate it, the old value stays in git history',
    ]);
    expect(fixSource(result.output, file, [rule as never], info).changed).toBe(false);
  });

  it('reports without fixing under strictNullChecks when the config module lacks the key', () => {
    const info = project({ strict: true });
    const file = join(info.root, 'src', 'auth.ts');
    const result = fixSource(source, file, [rule as never], info);
    expect(result.changed).toBe(false);
    expect(result.unfixed).toHaveLength(1);
    expect(result.unfixed[0].unfixableReason).toMatch(/process\.env\.JWT_SECRET is string \| undefined/);
  });

  it('reads process.env when the project is not strict', () => {
    const info = project({ strict: false });
    const result = fixSource(source, join(info.root, 'src', 'auth.ts'), [rule as never], info);
    expect(result.output).toContain('const JWT_SECRET = process.env.JWT_SECRET;');
  });

  it('treats a solution-style tsconfig (references only) as strict', () => {
    const info = project({ strict: false });
    writeFileSync(
      join(info.root, 'tsconfig.json'),
      JSON.stringify({ files: [], references: [{ path: './tsconfig.app.json' }] }),
    );
    const result = fixSource(source, join(info.root, 'src', 'auth.ts'), [rule as never], info);
    expect(result.changed).toBe(false);
    expect(result.unfixed[0].unfixableReason).toMatch(/strictNullChecks/);
  });

  it('never puts the secret value in a message, a reason or a note', () => {
    const info = project({ strict: true });
    const result = fixSource(source, join(info.root, 'src', 'auth.ts'), [rule as never], info);
    const texts = [
      ...result.unfixed.map((f) => `${f.message} ${f.unfixableReason}`),
      ...result.sideEffects.notes,
    ];
    for (const text of texts) expect(text).not.toContain('a9f3kLq0Zr7uWx2mB8cV');
  });
});

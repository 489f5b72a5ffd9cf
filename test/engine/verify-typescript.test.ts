import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TypeScriptVerifier } from '../../src/engine/verify/typescript.js';
import { tempProject } from '../helpers/temp-repo.js';

/**
 * A new module imports packages the install step has not added yet. Its other code is still checked: on
 * santiq/bulletproof-nodejs, `toString('base64url')` in a file importing bcrypt was a new build error the
 * verifier let through.
 */
describe('TypeScript verification of a module whose packages are not installed yet', () => {
  const root = tempProject(
    {
      'package.json': '{}',
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true }, include: ['src'] }),
      'src/app.ts': 'export const port: number = 3000;\n',
    },
    { git: false },
  );
  const verifier = TypeScriptVerifier.open(root);
  const check = (text: string) =>
    verifier
      ?.newDiagnostics(new Map([[join(root, 'src/passwords.ts'), text]]))
      .get(join(root, 'src/passwords.ts'));

  it('reports an error the install cannot fix, with its line', () => {
    const module =
      "import bcrypt from 'bcrypt';\n\nexport const rounds: number = 'twelve';\nexport const hash = bcrypt.hash;\n";
    expect(check(module)).toEqual(["line 3: TS2322 Type 'string' is not assignable to type 'number'."]);
  });

  it('leaves the missing package itself to the install step', () => {
    const module =
      "import bcrypt from 'bcrypt';\n\nexport const hash = (text: string): Promise<string> => bcrypt.hash(text, 12);\n";
    expect(check(module)).toBeUndefined();
  });

  it('leaves alone the types the missing packages will declare', () => {
    const module = [
      "import Joi from 'joi';",
      "import type { Options } from 'express-rate-limit';",
      'export const limits: Partial<Options> = {};',
      'export const same: Joi.CustomValidator = (value) => value;',
      '',
    ].join('\n');
    expect(check(module)).toBeUndefined();
  });

  it('leaves alone what the untyped stand-in breeds: keyof any is string | number | symbol', () => {
    const module = [
      "import { z } from 'zod';",
      'const schema = z.object({});',
      'type Environment = z.infer<typeof schema>;',
      'const mask: Record<string, true> = {};',
      'export const pick = (name: keyof Environment) => {',
      '  mask[name] = true;',
      '};',
      '',
    ].join('\n');
    expect(check(module)).toBeUndefined();
  });

  it('reports a relative import that resolves nowhere', () => {
    expect(check("export { settings } from './config.js';\n")?.[0]).toMatch(
      /^line 1: TS2307 Cannot find module '\.\/config\.js'/,
    );
  });
});

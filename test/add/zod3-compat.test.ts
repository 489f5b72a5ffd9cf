import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { upgradesFor } from '../../generators/versions.js';
import { writeChanges } from '../../src/add/apply.js';
import { planModules } from '../../src/add/index.js';
import { facts } from './module-context.js';

/**
 * A project that has zod 3 (3.23 or later, what zod-to-openapi 7 needs) gets config and validation written
 * against it, compiling and answering as they do under zod 4; its zod is never moved without --upgrade.
 * zod 3 here is the copy zod 4 ships as `zod/v3` (the 3.25 line), installed in the project as `zod` 3.24.2.
 */

const repoModules = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules');
const slow = { timeout: 300_000 };

function installZod3(root: string) {
  const folder = join(root, 'node_modules', 'zod');
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ name: 'zod', version: '3.24.2', main: './v3/index.cjs', types: './v3/index.d.cts' }),
  );
  symlinkSync(join(repoModules, 'zod', 'v3'), join(folder, 'v3'));
}

function zod3Project(): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-add-zod3-'));
  const files: Record<string, string> = {
    'package.json': JSON.stringify({
      dependencies: { express: '^4.21.2', zod: '^3.24.2' },
      devDependencies: { typescript: '^5.6.2', '@types/node': '^20.11.0' },
    }),
    'tsconfig.json': JSON.stringify({
      compilerOptions: { target: 'es2022', module: 'commonjs', strict: true, outDir: 'dist' },
      include: ['src'],
    }),
    'src/app.ts': `import express from 'express';\n\nconst app = express();\napp.get('/items', (_request, response) => {\n  response.json([]);\n});\nexport default app;\n`,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  installZod3(root);
  mkdirSync(join(root, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(repoModules, '@types', 'node'), join(root, 'node_modules', '@types', 'node'));
  return root;
}

type Config = { loadSettings: (env: Record<string, string | undefined>) => unknown };
type Validation = Record<string, unknown> & { parseInput: (schema: unknown, input: unknown) => unknown };

/** The generated security folder as CommonJS in `root`, loaded with the zod `root` has installed. */
function load(root: string, sources: Record<string, string>) {
  const folder = join(root, 'out');
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(sources)) {
    const { outputText } = ts.transpileModule(text, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    writeFileSync(join(folder, name.replace(/\.ts$/, '.js')), outputText);
  }
  const require = createRequire(join(folder, 'index.js'));
  return {
    config: require('./config.js') as Config,
    validation: require('./validation.js') as Validation,
  };
}

const answer = (run: () => unknown) => {
  try {
    return JSON.stringify(run());
  } catch (error) {
    const { name, message, issues } = error as Error & { issues?: unknown };
    return JSON.stringify({ name, message, issues });
  }
};

const secret = 'Zq8!kP2@wL9#xR4$mN7%vB1^cT6&yH3*';
const environments: Record<string, string>[] = [
  {},
  { JWT_SECRET: secret, ALLOWED_HOSTS: 'api.example.com', CORS_ORIGINS: 'https://app.example.com' },
  {
    JWT_SECRET: 'short',
    ALLOWED_HOSTS: '',
    CORS_ORIGINS: 'https://*.example.com,null',
    PORT: 'abc',
    NODE_ENV: 'prod',
  },
  {
    JWT_SECRET: secret,
    ALLOWED_HOSTS: 'a.example',
    PORT: '70000',
    HOST: '',
    LOG_LEVEL: 'loud',
    TRUST_PROXY: '1',
  },
];
const bodies: unknown[] = [
  {},
  { email: ' Ann@Example.COM ', password: 'Correct-horse-9' },
  { email: 'not-an-email', password: 'short', role: 'admin' },
  { email: 5, password: null },
  'text',
];

describe('secure add with zod 3 installed', () => {
  it(
    'writes config and validation that compile against zod 3 and answer as under zod 4; zod stays 3',
    slow,
    async () => {
      const root = zod3Project();
      const plan = await planModules(root, ['config', 'validation'], { yes: true });
      expect(plan.refused).toEqual([]);
      // The verifier type-checks the new modules against the project's zod 3 before writing anything.
      expect(() => writeChanges(root, plan.changes)).not.toThrow();
      expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies.zod).toBe('^3.24.2');

      const sources = Object.fromEntries(
        readdirSync(join(root, 'src/security'))
          .filter((name) => name.endsWith('.ts'))
          .map((name) => [name, readFileSync(join(root, 'src/security', name), 'utf8')]),
      );
      const zod4Root = mkdtempSync(join(tmpdir(), 'secure-add-zod4-'));
      mkdirSync(join(zod4Root, 'node_modules'));
      symlinkSync(join(repoModules, 'zod'), join(zod4Root, 'node_modules', 'zod'));
      const underZod3 = load(root, sources);
      const underZod4 = load(zod4Root, sources);

      for (const env of environments)
        expect(answer(() => underZod3.config.loadSettings(env))).toBe(
          answer(() => underZod4.config.loadSettings(env)),
        );
      for (const body of bodies)
        for (const schema of ['userCreateSchema', 'loginSchema'])
          expect(answer(() => underZod3.validation.parseInput(underZod3.validation[schema], body))).toBe(
            answer(() => underZod4.validation.parseInput(underZod4.validation[schema], body)),
          );
      // The messages are the templates' own sentences, not either library's default wording.
      const invalid = answer(() => underZod3.config.loadSettings(environments[2]));
      expect(invalid).toContain('NODE_ENV must be development, test or production');
      expect(invalid).toContain('PORT must be a port number from 0 to 65535');
      expect(
        answer(() => underZod3.validation.parseInput(underZod3.validation.userCreateSchema, bodies[1])),
      ).toBe(JSON.stringify({ email: 'ann@example.com', password: 'Correct-horse-9' }));
    },
  );
});

describe('which installed zod the modules take', () => {
  const zodUpgrade = (zod: string) =>
    upgradesFor({ project: facts({ installed: { zod } }), moduleSystem: 'esm', redis: false }).find(
      (upgrade) => upgrade.name === 'zod',
    );
  it('zod 3.23 and later, and zod 4, as they are', () => {
    for (const zod of ['3.23.8', '^3.24.2', '3.25.76', '4.0.0', '4.6.7'])
      expect(zodUpgrade(zod)).toBeUndefined();
  });
  it('zod 3.0 to 3.22 only with --upgrade, naming the minor it needs', () => {
    for (const zod of ['3.22.4', '^3.21.0', '3.0.0'])
      expect(zodUpgrade(zod)?.reason).toContain('zod 3.23 or later');
    expect(zodUpgrade('2.0.0')?.reason).toContain('zod 3 or later');
  });
});

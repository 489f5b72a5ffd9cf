import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planModules, type AddPlan } from '../src/add/index.js';

/**
 * A Fastify 5 app in TypeScript that Node 24 runs as it is (`node src/index.ts`, types stripped), seen with
 * `npm run try-real add`: its imports name `.ts` files, and a `./security/config.js` does not exist there, so
 * the wired app stopped at start with ERR_MODULE_NOT_FOUND while `secure add` exited 0. Written here.
 */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-add-ts-suffix-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const relativeSpecifiers = (text: string) =>
  [...text.matchAll(/from ["'](\.{1,2}\/[^"']+)["']/g)].map((match) => match[1]);

const tsconfig = JSON.stringify({
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
  },
  include: ['src'],
});

describe('secure add: import specifiers as a type-stripped TypeScript project writes them', () => {
  it('names the .ts files, in the entry and inside the generated modules', async () => {
    const root = project({
      'package.json': JSON.stringify({ type: 'module', dependencies: { fastify: '^5.2.0' } }),
      'tsconfig.json': tsconfig,
      'src/app.ts': `import fastify from "fastify";\nimport router from "./router.ts";\n\nconst server = fastify();\nserver.register(router);\n\nexport default server;\n`,
      'src/router.ts': `import type { FastifyInstance } from "fastify";\n\nexport default async function router(app: FastifyInstance) {\n  app.get("/", async () => ({ ok: true }));\n}\n`,
    });
    const plan: AddPlan = await planModules(root, ['config', 'cors', 'trusted-host'], { yes: true });
    const app = plan.changes.find((change) => change.path === 'src/app.ts')?.after ?? '';
    expect(relativeSpecifiers(app)).toEqual([
      './router.ts',
      './security/config.ts',
      './security/cors.ts',
      './security/trusted-host.ts',
    ]);
    const generated = plan.changes.filter((change) => change.path.startsWith('src/security/'));
    expect(generated.length).toBeGreaterThan(0);
    for (const change of generated)
      for (const specifier of relativeSpecifiers(change.after ?? '')) expect(specifier).toMatch(/\.ts$/);
  });

  it('keeps .js for an ESM project that writes .js', async () => {
    const root = project({
      'package.json': JSON.stringify({ type: 'module', dependencies: { fastify: '^5.2.0' } }),
      'tsconfig.json': tsconfig,
      'src/app.ts': `import fastify from "fastify";\nimport router from "./router.js";\n\nconst server = fastify();\nserver.register(router);\n\nexport default server;\n`,
      'src/router.ts': `export default async function router() {}\n`,
    });
    const plan = await planModules(root, ['config', 'cors'], { yes: true });
    const app = plan.changes.find((change) => change.path === 'src/app.ts')?.after ?? '';
    expect(relativeSpecifiers(app)).toEqual(['./router.js', './security/config.js', './security/cors.js']);
  });
});

import { execa } from 'execa';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeChanges } from '../../src/add/apply.js';
import type { AddPlan } from '../../src/add/index.js';

/** A project made of the given files in a fresh temporary folder. */
export function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-add-small-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The text the plan gives a file, or undefined when it leaves the file alone. */
export const changed = (plan: AddPlan, path: string) =>
  plan.changes.find((change) => change.path === path)?.after;

/**
 * An Express API in TypeScript 4 (no skipLibCheck, `lib: es2017`, no DOM), as santiq/bulletproof-nodejs (4.0.8,
 * @types/node 14.11) and microsoft/TypeScript-Node-Starter (4.1.3, @types/node 14.18) have; not installed yet.
 */
export function typescript4Project(typescript: string, nodeTypes: string): string {
  return project({
    'package.json': JSON.stringify({
      name: 'old-api',
      dependencies: { express: '4.21.2' },
      devDependencies: { typescript, '@types/node': nodeTypes },
    }),
    // No skipLibCheck: the compiler reads every declaration file the new modules import.
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        target: 'es2017',
        // No DOM: URL is what @types/node declares, or nothing.
        lib: ['es2017'],
        module: 'commonjs',
        strict: true,
        // express's types are not installed: the app's own imports stay untyped, the new modules are checked.
        noImplicitAny: false,
        esModuleInterop: true,
        outDir: 'dist',
        rootDir: 'src',
      },
      include: ['src'],
    }),
    'src/app.ts': `import express from 'express';\n\nconst app = express();\napp.get('/items', (_request, response) => {\n  response.json([]);\n});\napp.listen(3000);\n`,
  });
}

/** `npm install` in a project, quietly. */
export const npmInstall = (root: string) =>
  execa('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root });

/** Writes the plan, installs what it added and compiles with the project's own TypeScript: its output. */
export async function writeInstallAndCompile(root: string, plan: AddPlan) {
  writeChanges(root, plan.changes);
  await npmInstall(root);
  return execa('node', ['node_modules/typescript/bin/tsc', '-p', '.'], { cwd: root, reject: false });
}

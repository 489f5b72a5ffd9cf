import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRule } from '../../codemods/index.js';
import { runBin, secureBin } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-repo.js';

// The built bin: worker threads only start from dist/, never from the TypeScript sources.
const corsApp = (index: number) =>
  `import express from 'express';\nimport cors from 'cors';\nexport const app${index} = express();\napp${index}.use(cors());\n`;
const plain = (index: number) =>
  `// cors is set up in app.ts\nexport function add${index}(a: number, b: number) {\n  return a + b;\n}\n`;

/** Two workspace packages of `perPackage` files each, one in 40 a cors-wildcard violation. */
function twoPackages(perPackage: number): Record<string, string> {
  const files: Record<string, string> = {
    'package.json': '{"private":true,"workspaces":["packages/*"]}',
    'packages/api/package.json': '{"name":"api"}',
    'packages/web/package.json': '{"name":"web"}',
  };
  for (const name of ['api', 'web'])
    for (let index = 0; index < perPackage; index++)
      files[`packages/${name}/src/f${index}.ts`] = index % 40 === 0 ? corsApp(index) : plain(index);
  return files;
}

const args = ['check', '--format', 'json', '--rule', 'cors-wildcard', '--no-cache'];

describe.runIf(findRule('cors-wildcard') && availableParallelism() > 1)('the worker pool (built bin)', () => {
  it('starts a worker while the tree is walked, in every package, and finds what the main thread alone finds', async () => {
    const dir = tempProject(twoPackages(450), { git: false });
    const pooled = JSON.parse((await runBin(secureBin, args, { cwd: dir })).stdout);
    const alone = JSON.parse(
      (await runBin(secureBin, args, { cwd: dir, env: { SECURE_WORKERS: '0' } })).stdout,
    );
    expect(pooled.summary.workers).toBe(1);
    expect(alone.summary.workers).toBe(0);
    expect(pooled.findings).toHaveLength(24);
    expect(new Set(pooled.findings.map((finding: { file: string }) => finding.file.split('/')[1]))).toEqual(
      new Set(['api', 'web']),
    );
    expect(pooled.findings).toEqual(alone.findings);
    expect(pooled.summary.files).toBe(alone.summary.files);
  });

  it('a missing path named after a folder big enough for a worker is still a one-line usage error, exit 2', async () => {
    const dir = tempProject(twoPackages(450), { git: false });
    const missing = await runBin(secureBin, [...args, 'packages', 'nope.ts'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/nope\.ts: no such file or folder/);
  });

  it('with the cache warm, unchanged files are answered by their size and mtime: no worker, no read', async () => {
    const dir = tempProject(twoPackages(450), { git: false });
    const cached = ['check', '--format', 'json', '--rule', 'cors-wildcard'];
    const env = { SECURE_CACHE_DIR: join(dir, '.cache-test') };
    const cold = JSON.parse((await runBin(secureBin, cached, { cwd: dir, env })).stdout);
    const warm = JSON.parse((await runBin(secureBin, cached, { cwd: dir, env })).stdout);
    expect(cold.summary.workers).toBe(1);
    expect(warm.summary).toMatchObject({ workers: 0, cached: 900, parsed: 0 });
    expect(warm.findings).toEqual(cold.findings);
    // A file edited since: read and analyzed again, the others still from the cache.
    writeFileSync(join(dir, 'packages/api/src/f1.ts'), corsApp(1));
    const edited = JSON.parse((await runBin(secureBin, cached, { cwd: dir, env })).stdout);
    expect(edited.summary).toMatchObject({ cached: 899, parsed: 1 });
    expect(edited.findings).toHaveLength(cold.findings.length + 1);
  });

  it('a project with fewer files than a worker pays for starts none', async () => {
    const dir = tempProject(twoPackages(100), { git: false });
    const small = JSON.parse((await runBin(secureBin, args, { cwd: dir })).stdout);
    expect(small.summary.workers).toBe(0);
    expect(small.findings).toHaveLength(6);
  });
});

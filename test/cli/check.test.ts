import { execa } from 'execa';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRule } from '../../codemods/index.js';
import { runBin, secureBin } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-repo.js';

const corsApp = (index: number) =>
  `import express from 'express';\nimport cors from 'cors';\nexport const app${index} = express();\napp${index}.use(cors());\n`;
// Mentions cors, so the cors-wildcard prefilter lets it through: parsed, clean.
const plain = (index: number) =>
  `// cors is set up in app.ts\nexport function add${index}(a: number, b: number) {\n  return a + b;\n}\n`;

describe('secure check (the built bin)', () => {
  it('an unknown --rule or --format is a one-line usage error, exit 2', async () => {
    const dir = tempProject({ 'package.json': '{}' });
    const rule = await runBin(secureBin, ['check', '--rule', 'no-such-rule'], { cwd: dir });
    expect(rule.exitCode).toBe(2);
    expect(rule.stderr).toMatch(/^error: unknown rule "no-such-rule"$/m);
    const format = await runBin(secureBin, ['check', '--format', 'xml'], { cwd: dir });
    expect(format.exitCode).toBe(2);
    expect(format.stderr).toMatch(/xml/);
  });

  it('exit 0 on a clean project, and a missing path is exit 2', async () => {
    const dir = tempProject({ 'package.json': '{}', 'src/a.ts': plain(1) });
    const clean = await runBin(secureBin, ['check'], { cwd: dir });
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toMatch(/^No findings\. 1 file checked/m);
    const missing = await runBin(secureBin, ['check', 'src/nope.ts'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/src\/nope\.ts: no such file or folder/);
  });

  it.runIf(findRule('cors-wildcard'))(
    'a file that does not parse exits 2 naming it; --allow-skipped accepts it; --verbose lists every skip',
    async () => {
      const outer = tempProject({
        '.gitignore': 'api/\n',
        'api/package.json': '{}',
        'api/src/a.ts': plain(1),
        // Mentions cors, so a prefilter lets it through to the parser.
        'api/src/broken.ts': "import cors from 'cors';\napp.use(cors(;\n",
        'api/dist/a.js': plain(2),
      });
      const cwd = join(outer, 'api');
      const failed = await runBin(secureBin, ['check', '--no-cache'], { cwd });
      expect(failed.exitCode).toBe(2);
      expect(failed.stderr).toMatch(
        /^error: src\/broken\.ts:2:14 does not parse \(.+\); it was not checked$/m,
      );
      const accepted = await runBin(secureBin, ['check', '--no-cache', '--allow-skipped', '--verbose'], {
        cwd,
      });
      expect(accepted.exitCode).toBe(0);
      expect(accepted.stderr).toMatch(/^skipped dist\/ folder of build output$/m);
      expect(accepted.stderr).toMatch(/^skipped src\/broken\.ts:2:14 does not parse/m);
      expect(accepted.stdout).toMatch(
        /^No findings\. 1 file checked \(\d parsed\) in [\d.]+s; skipped 1 file that does not parse, 1 folder of build output\.$/m,
      );
      const help = await runBin(secureBin, ['check', '--help']);
      expect(help.stdout).toMatch(/--allow-skipped/);
      expect(help.stdout).toMatch(/--verbose/);
    },
  );

  it.runIf(findRule('cors-wildcard'))(
    'the worker pool finds exactly what the in-process run finds',
    async () => {
      const files: Record<string, string> = { 'package.json': '{}' };
      for (let index = 0; index < 700; index++)
        files[`src/m${index % 7}/f${index}.ts`] = index % 50 === 0 ? corsApp(index) : plain(index);
      const dir = tempProject(files, { git: false });
      const args = ['check', '--format', 'json', '--rule', 'cors-wildcard', '--no-cache'];
      const pooled = await runBin(secureBin, args, { cwd: dir });
      const inProcess = await runBin(secureBin, args, { cwd: dir, env: { SECURE_WORKERS: '0' } });
      // The worker parses too once everything is read (normally only with megabytes still waiting).
      const sharedParse = await runBin(secureBin, args, {
        cwd: dir,
        env: { SECURE_WORKER_PARSE_BYTES: '0' },
      });
      const pooledReport = JSON.parse(pooled.stdout);
      const inProcessReport = JSON.parse(inProcess.stdout);
      expect(pooledReport.summary.workers).toBe(1);
      expect(inProcessReport.summary.workers).toBe(0);
      expect(pooledReport.findings).toHaveLength(14);
      expect(pooledReport.findings).toEqual(inProcessReport.findings);
      expect(JSON.parse(sharedParse.stdout).findings).toEqual(inProcessReport.findings);
      expect(JSON.parse(sharedParse.stdout).summary.parsed).toBe(700);
      expect(pooled.exitCode).toBe(1);
      // With the cache: the worker hands back cached files too, and the second run parses nothing again.
      const cached = ['check', '--format', 'json', '--rule', 'cors-wildcard'];
      const env = { SECURE_CACHE_DIR: join(dir, '.cache-test') };
      const cold = JSON.parse((await runBin(secureBin, cached, { cwd: dir, env })).stdout);
      const warm = JSON.parse((await runBin(secureBin, cached, { cwd: dir, env })).stdout);
      expect(cold.summary.workers).toBe(1);
      expect(warm.summary.cached).toBe(700);
      expect(warm.findings).toEqual(inProcessReport.findings);
    },
  );

  it.runIf(findRule('cors-wildcard'))(
    'a report larger than a pipe buffer reaches a slow reader whole',
    async () => {
      const files: Record<string, string> = { 'package.json': '{}' };
      for (let index = 0; index < 300; index++) files[`src/app${index}.ts`] = corsApp(index);
      const dir = tempProject(files, { git: false });
      // The reader waits a second before reading, so the 64 KB pipe is full while the report is written.
      const piped = await execa(
        'sh',
        ['-c', `node "${secureBin}" check --format json --rule cors-wildcard | (sleep 1; cat)`],
        { cwd: dir, reject: false },
      );
      expect(piped.stdout.length).toBeGreaterThan(64 * 1024);
      expect(JSON.parse(piped.stdout).findings).toHaveLength(300);
    },
  );

  it.runIf(findRule('cors-wildcard'))(
    'the cache in node_modules/.cache spares unchanged files a second parse',
    async () => {
      const dir = tempProject({ 'package.json': '{}', 'src/a.ts': corsApp(1), 'src/b.ts': plain(2) });
      mkdirSync(join(dir, 'node_modules'));
      const first = JSON.parse((await runBin(secureBin, ['check', '--format', 'json'], { cwd: dir })).stdout);
      const second = JSON.parse(
        (await runBin(secureBin, ['check', '--format', 'json'], { cwd: dir })).stdout,
      );
      expect(first.summary.cached).toBe(0);
      expect(second.summary.cached).toBe(2);
      expect(second.findings).toEqual(first.findings);
    },
  );
});

describe('secure checklist', () => {
  it.runIf(findRule('cors-wildcard'))(
    'crosses the items with findings, naming them; ticks only items whose rules ran on some file; says why for the rest',
    async () => {
      const dir = tempProject({ 'package.json': '{}', 'src/server.ts': corsApp(1) });
      const result = await runBin(secureBin, ['checklist'], { cwd: dir });
      expect(result.exitCode).toBe(1);
      const lines = result.stdout.split('\n');
      const cors = lines.findIndex((line) => line.includes('CORS restricted to known origins'));
      expect(lines[cors]).toMatch(/^\[ \] /);
      expect(lines[cors + 1]).toMatch(/cors-wildcard {2}src\/server\.ts:4/);
      // No Dockerfile: the Docker box was checked for nothing, so it is not ticked.
      expect(lines.find((line) => line.includes('Docker runs as non-root'))).toMatch(
        /^\[\?\] .*\(not checked: none of the 1 file checked had anything for .*docker-root.* to read\)$/,
      );
      const { checklistItems } = await import('../../src/policy/index.js');
      for (const item of checklistItems) {
        if (item.id === 'cors') continue;
        const line = lines.find((text) => text.includes(item.text))!;
        expect(line).toMatch(
          /^(\[x\] .*\(no findings from .+ in \d+ files?\)|\[\?\] .*\(not checked: .+\))$/,
        );
      }
    },
  );

  it('an empty folder ticks nothing and exits 2', async () => {
    const dir = tempProject({}, { git: false });
    const result = await runBin(secureBin, ['checklist'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).not.toMatch(/^\[x\]/m);
    expect(result.stdout.trim().split('\n')).toHaveLength(8);
    expect(result.stderr).toMatch(/^error: no file checked in /m);
  });
});

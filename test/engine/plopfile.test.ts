import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import nodePlop from 'node-plop';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generators, withRequirements } from '../../generators/index.js';
import type { Answers } from '../../src/engine/generator.js';
import { renderGenerators } from '../../src/engine/render.js';
import { loadPolicy } from '../../src/policy/index.js';
import { defaultAnswers, templateContextFor } from '../../src/scaffold/context.js';
import { repoRoot } from '../helpers/cli.js';

/**
 * The built plopfile as plop's CLI loads it (`npx plop --plopfile <it> cors express`): node-plop imports the
 * file, bypasses the prompts with the positional answers and runs the actions. Uses dist/ (npm run build).
 */
const builtPlopfile = join(repoRoot, 'dist', 'generators', 'plopfile.js');

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'plop-scratch-'));
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch-api', dependencies: {} }));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** `plop <generator> <answers...> [--dest <dest>]`, without a terminal. */
async function plop(generator: string, bypass: string[], dest?: string) {
  const instance = await nodePlop(builtPlopfile, { destBasePath: dest, force: false });
  const chosen = instance.getGenerator(generator);
  return chosen.runActions(await chosen.runPrompts(bypass));
}

function written(folder: string, paths: Iterable<string>) {
  return new Map([...paths].map((path) => [path, readFileSync(join(folder, path), 'utf8')]));
}

/** What the scaffolder renders for these generators with these answers and the folder's own policy. */
function expected(names: string[], answers: Partial<Answers>) {
  const context = templateContextFor({ ...defaultAnswers, ...answers }, 'scratch-api', loadPolicy(scratch));
  return new Map([...renderGenerators(names, context).values()].map((file) => [file.path, file.content]));
}

describe('npx plop --plopfile dist/generators/plopfile.js', () => {
  it('was built', () => {
    expect(existsSync(builtPlopfile), 'run npm run build first').toBe(true);
  });

  it('declares every generator of generators/index.ts, with its description', async () => {
    const instance = await nodePlop(builtPlopfile, { destBasePath: scratch, force: false });
    expect(instance.getGeneratorList()).toEqual(
      generators.map(({ name, description }) => ({ name, description })),
    );
    expect(instance.getWelcomeMessage()).toMatch(/secure add <module>` also wires/);
    // A declared yes/no prompt becomes a confirm, a declared choice a list, plus the framework to render for.
    expect(instance.getGenerator('rate-limit').prompts).toEqual([
      expect.objectContaining({ type: 'list', name: 'framework', choices: ['express', 'fastify'] }),
      expect.objectContaining({ type: 'confirm', name: 'redis', default: false }),
    ]);
  });

  it.each(['express', 'fastify'])(
    'cors %s --dest <folder> writes the module and the config it imports, as the scaffolder renders them',
    async (framework) => {
      const { changes, failures } = await plop('cors', [framework], scratch);
      expect(failures).toEqual([]);
      const paths = changes.map((change) => change.path);
      expect(written(scratch, paths)).toEqual(
        expected(['config', 'cors'], { framework: framework as 'express' }),
      );
    },
  );

  it('without --dest writes into the current folder, not next to the plopfile in the package', async () => {
    const before = process.cwd();
    process.chdir(scratch);
    try {
      const { failures, changes } = await plop('headers', ['fastify']);
      expect(failures).toEqual([]);
      expect(
        written(
          scratch,
          changes.map((change) => change.path),
        ),
      ).toEqual(expected(['config', 'headers'], { framework: 'fastify' }));
      expect(existsSync(join(dirname(builtPlopfile), 'src'))).toBe(false);
    } finally {
      process.chdir(before);
    }
  });

  it("renders with the folder's secure.config.json", async () => {
    writeFileSync(
      join(scratch, 'secure.config.json'),
      JSON.stringify({ preset: 'asvs', rateLimit: { max: 50 } }),
    );
    const { changes, failures } = await plop('rate-limit', ['express', 'false'], scratch);
    expect(failures).toEqual([]);
    const files = written(
      scratch,
      changes.map((change) => change.path),
    );
    expect(files).toEqual(expected(['config', 'rate-limit'], { framework: 'express', preset: 'asvs' }));
    expect(files.get('src/security/rate-limit.ts')).toMatch(/\b50\b/);
  });

  it('a second run keeps the shared config and refuses to overwrite the module (plop --force replaces it)', async () => {
    await plop('cors', ['express'], scratch);
    const edited = '// the team edited this\n';
    writeFileSync(join(scratch, 'src/security/cors.ts'), edited);
    const { changes, failures } = await plop('cors', ['express'], scratch);
    expect(changes.map((change) => change.path)).toContain('[SKIPPED] src/security/config.ts (exists)');
    expect(failures[0]).toMatchObject({ error: 'src/security/cors.ts already exists; --force replaces it' });
    expect(readFileSync(join(scratch, 'src/security/cors.ts'), 'utf8')).toBe(edited);
  });

  it('the app asks what create-secure-app asks, in its order, and writes its templates', async () => {
    const instance = await nodePlop(builtPlopfile, { destBasePath: scratch, force: false });
    const app = instance.getGenerator('app');
    expect((app.prompts as { name: string }[]).map((prompt) => prompt.name)).toEqual([
      'framework',
      'db',
      'ws',
      'redis',
      'preset',
    ]);
    const answers = await app.runPrompts(['fastify', 'postgres', 'none', 'false', 'asvs']);
    const { changes, failures } = await app.runActions(answers);
    expect(failures).toEqual([]);
    const paths = changes.map((change) => change.path).filter((path) => !path.startsWith('[SKIPPED]'));
    const context = templateContextFor(
      { framework: 'fastify', db: 'postgres', ws: 'none', redis: false, preset: 'asvs' },
      'scratch-api',
    );
    const names = withRequirements(['app'])
      .filter((generator) => generator.when?.(context) ?? true)
      .map((generator) => generator.name);
    const rendered = renderGenerators(names, context);
    expect(written(scratch, paths)).toEqual(
      new Map([...rendered.values()].map((file) => [file.path, file.content])),
    );
  });

  it('asks Fastify first in a Fastify project', async () => {
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ dependencies: { fastify: '5.6.1' } }));
    const instance = await nodePlop(builtPlopfile, { destBasePath: scratch, force: false });
    expect(instance.getGenerator('cors').prompts).toEqual([
      expect.objectContaining({ name: 'framework', default: 'fastify' }),
    ]);
  });
});

/** Static imports only: what loads before a command runs. `import(...)` on use is not followed. */
function staticImportGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier));
      else seen.add(specifier);
    }
  };
  visit(entry);
  return seen;
}

describe('startup cost', () => {
  it('the secure bin loads neither node-plop nor the plopfile before `add` runs', () => {
    const graph = staticImportGraph(join(repoRoot, 'dist', 'src', 'bin', 'secure.js'));
    // The walk reached the CLI (commands load their code on use, so the static graph is small).
    expect(graph.has('commander')).toBe(true);
    const plopFiles = [...graph].filter((file) => /node-plop|plop-runner|plopfile|inquirer/.test(file));
    expect(plopFiles.map((file) => relative(repoRoot, file))).toEqual([]);
  });

  it('the graph walk sees node-plop where it is imported', () => {
    const graph = staticImportGraph(join(repoRoot, 'dist', 'src', 'engine', 'plop-runner.js'));
    expect(graph.has('node-plop')).toBe(true);
  });
});

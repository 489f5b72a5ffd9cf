import { describe, expect, it } from 'vitest';
import plopfile from '../../generators/plopfile.js';
import { fastApiApp, fastApiContext } from '../../generators/fastapi-app.js';
import { generators } from '../../generators/index.js';
import type { Answers, ProjectFacts, TemplateContext } from '../../src/engine/generator.js';
import { runGenerators } from '../../src/engine/plop-runner.js';
import { renderGenerators } from '../../src/engine/render.js';
import { templateContextFor } from '../../src/scaffold/context.js';
import { renderProject, renderProjectThroughPlop } from '../../src/scaffold/render-project.js';
import { facts, moduleContext } from '../add/module-context.js';

// What changes the templates' output: installed majors, an HTML app, the Node target, a JavaScript project.
const projects: [string, ProjectFacts | undefined][] = [
  ['a new app', undefined],
  ['an existing TypeScript API', facts()],
  [
    'an Express 4 / Fastify 4 JavaScript app with pages on Node 18',
    facts({
      expressMajor: 4,
      fastifyMajor: 4,
      nodeMajor: 18,
      language: 'js',
      html: true,
      routeMethods: ['GET', 'POST', 'PUT', 'DELETE'],
      installed: { 'express-rate-limit': '6.11.2', helmet: '7.1.0' },
    }),
  ],
];

const nodeGenerators = generators.filter((generator) => generator !== fastApiApp);

const asObject = (files: Map<string, { path: string; content: string; generator: string }>) =>
  [...files.values()].map(({ path, content, generator }) => ({ path, content, generator }));

describe('generators run through the plopfile render what render.ts renders', () => {
  for (const framework of ['express', 'fastify'] as const)
    for (const [label, project] of projects)
      it(`every generator for ${framework}, ${label}: same paths, same order, same bytes`, async () => {
        const context = moduleContext(framework, project, { ws: 'socket.io', redis: true });
        for (const generator of nodeGenerators) {
          const expected = renderGenerators([generator.name], context);
          const staged = await runGenerators(plopfile, [generator.name], { context, srcDir: 'src' });
          expect(asObject(staged), generator.name).toEqual(asObject(expected));
        }
      });

  it('the FastAPI backend under backend/', async () => {
    for (const answers of [
      { framework: 'fastapi', db: 'sqlite', ws: 'socket.io', redis: false, preset: 'rules' },
      { framework: 'fastapi', db: 'postgres', ws: 'none', redis: true, preset: 'asvs' },
    ] satisfies Answers[]) {
      const context = fastApiContext(templateContextFor(answers, 'my-api'));
      const expected = renderGenerators([fastApiApp.name], context, { srcDir: 'backend' });
      const staged = await runGenerators(plopfile, [fastApiApp.name], { context, srcDir: 'backend' });
      expect(staged.size).toBeGreaterThan(10);
      expect(asObject(staged)).toEqual(asObject(expected));
    }
  });

  it('a template that renders to nothing writes no file (compose.yaml is for new apps only)', async () => {
    const run = async (project?: ProjectFacts) => {
      const context = moduleContext('express', project);
      const staged = await runGenerators(plopfile, ['docker'], { context, srcDir: 'src' });
      expect([...staged.keys()]).toEqual([...renderGenerators(['docker'], context).keys()]);
      return staged;
    };
    expect((await run()).has('compose.yaml')).toBe(true);
    expect((await run(facts())).has('compose.yaml')).toBe(false);
  });

  it('a source folder other than src/ moves the module files, not the root files', async () => {
    const context = moduleContext('express', facts());
    const staged = await runGenerators(plopfile, ['cors', 'docker'], { context, srcDir: 'server/lib' });
    expect([...staged.keys()]).toEqual([
      ...renderGenerators(['cors', 'docker'], context, { srcDir: 'server/lib' }).keys(),
    ]);
    expect(staged.has('server/lib/security/cors.ts')).toBe(true);
    expect(staged.has('Dockerfile')).toBe(true);
  });
});

describe('renderProjectThroughPlop (what create-secure-app runs)', () => {
  // .env holds a fresh random secret on every render; everything else is byte for byte the same.
  const withoutSecrets = (files: { path: string; content: string; mode?: number }[]) =>
    files.map((file) => ({
      ...file,
      content:
        file.path === '.env'
          ? file.content.replace(/^(\w*SECRET\w*|\w*PASSWORD)=.*$/gm, '$1=')
          : file.content,
    }));

  it.each([
    { framework: 'express', db: 'sqlite', ws: 'socket.io', redis: false, preset: 'rules' },
    { framework: 'fastify', db: 'postgres', ws: 'ws', redis: true, preset: 'asvs' },
    { framework: 'express', db: 'postgres', ws: 'none', redis: true, preset: 'asvs' },
    { framework: 'fastapi', db: 'sqlite', ws: 'socket.io', redis: false, preset: 'rules' },
  ] satisfies Answers[])(
    '$framework $db $ws redis=$redis $preset: the files renderProject returns',
    async (answers) => {
      const staged = await renderProjectThroughPlop(answers, 'my-api');
      expect(withoutSecrets(staged)).toEqual(withoutSecrets(renderProject(answers, 'my-api')));
    },
  );

  it('refuses FastAPI with plain ws before staging anything', async () => {
    await expect(
      renderProjectThroughPlop(
        { framework: 'fastapi', db: 'sqlite', ws: 'ws', redis: false, preset: 'rules' },
        'x',
      ),
    ).rejects.toThrow(/not ws/);
  });
});

describe('the runner reports what plop could not do', () => {
  const context: TemplateContext = moduleContext('express');
  it('an unknown generator names it', async () => {
    await expect(runGenerators(plopfile, ['nope'], { context, srcDir: 'src' })).rejects.toThrow(
      /no generator "nope"/,
    );
  });
  it('a template that fails to render names the generator and the template', async () => {
    const broken = { ...context, policy: undefined } as unknown as TemplateContext;
    await expect(runGenerators(plopfile, ['password'], { context: broken, srcDir: 'src' })).rejects.toThrow(
      /generator "password": password\/common\/security\/passwords\.ts\.hbs: /,
    );
  });
  it('a temporary folder that cannot be created is a one-line IO error naming it', async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent/secure-tmp';
    try {
      await expect(runGenerators(plopfile, ['cors'], { context, srcDir: 'src' })).rejects.toMatchObject({
        code: 'IO',
        message: expect.stringMatching(/^\/nonexistent\/secure-tmp: cannot create a staging folder \(ENOENT/),
      });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { planModules, type AddPlan } from '../../src/add/index.js';
import { tempProject } from '../helpers/temp-repo.js';

/**
 * fastify-cli's layout: `app.js` exports the plugin function `fastify start` loads, and autoloads `plugins/`,
 * where the project registers its own @fastify/cors, @fastify/helmet or @fastify/rate-limit inside
 * fastify-plugin. `secure add` wires the app's body, and replaces those registrations where they are (or
 * refuses, naming the file and line): never a second registration of a concern.
 */

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'fastify-autoload');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

const project = (files: Record<string, string>) => tempProject(files, { git: false });

const changed = (plan: AddPlan, path: string) => plan.changes.find((change) => change.path === path)?.after;
const dependencies = (plan: AddPlan) =>
  (JSON.parse(changed(plan, 'package.json')!) as { dependencies: Record<string, string> }).dependencies;

async function secondRunChangesNothing(root: string, plan: AddPlan, modules: string[]): Promise<void> {
  writeChanges(root, plan.changes);
  const again = await planModules(root, modules, { yes: true });
  expect(again.refused).toEqual([]);
  expect(again.changes).toEqual([]);
}

/** A fastify-cli app in CommonJS on the Fastify major given, with its plugins and the packages they load. */
function cliApp(fastify: string, plugins: Record<string, string>, packages: Record<string, string> = {}) {
  return {
    'package.json': JSON.stringify({
      name: 'shop-api',
      main: 'app.js',
      scripts: { start: 'fastify start -l info app.js' },
      dependencies: {
        fastify,
        'fastify-cli': fastify.startsWith('^4') ? '^6.3.0' : '^7.4.0',
        '@fastify/autoload': fastify.startsWith('^4') ? '^5.10.0' : '^6.3.0',
        'fastify-plugin': fastify.startsWith('^4') ? '^4.5.1' : '^5.0.1',
        ...packages,
      },
    }),
    'app.js': fixture('fastify-cli-app.input.js'),
    'routes/root.js': `'use strict'\n\nmodule.exports = async function (fastify) {\n  fastify.get('/', async () => ({ root: true }))\n}\n`,
    ...Object.fromEntries(Object.entries(plugins).map(([name, text]) => [`plugins/${name}`, text])),
  };
}

describe("secure add in fastify-cli's layout", () => {
  it('wires the exported plugin function: the validation and the registration open its body', async () => {
    const root = project(cliApp('^5.2.0', {}));
    const plan = await planModules(root, ['trusted-host'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'app.js')).toBe(fixture('fastify-cli-app.output.js'));
    await secondRunChangesNothing(root, plan, ['trusted-host']);
  });

  it("replaces an autoloaded plugin's inline @fastify/cors, keeping its credentials for the allowlist only", async () => {
    const root = project(
      cliApp(
        '^5.2.0',
        { 'cors.js': fixture('cors-inline-require.input.js') },
        { '@fastify/cors': '^11.0.0' },
      ),
    );
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'plugins/cors.js')).toBe(fixture('cors-inline-require.output.js'));
    // The app gets no second CORS registration.
    expect(changed(plan, 'app.js') ?? '').not.toContain('corsAllowlist');
    expect(plan.notes).toContainEqual(
      expect.stringMatching(/^cors: your @fastify\/cors registration \(plugins\/cors\.js:7, .*credentials/),
    );
    await secondRunChangesNothing(root, plan, ['cors']);
  });

  it("replaces a TypeScript plugin's @fastify/helmet and drops the import nothing reads any more", async () => {
    const root = project({
      'package.json': JSON.stringify({
        type: 'module',
        dependencies: { fastify: '^5.2.0', '@fastify/autoload': '^6.3.0', '@fastify/helmet': '^13.0.0' },
      }),
      'src/app.ts': `import AutoLoad from '@fastify/autoload';\nimport type { FastifyPluginAsync } from 'fastify';\nimport { join } from 'node:path';\n\nconst app: FastifyPluginAsync = async (fastify, opts) => {\n  void fastify.register(AutoLoad, { dir: join(import.meta.dirname, 'plugins'), options: opts });\n};\n\nexport default app;\n`,
      'src/plugins/helmet.ts': fixture('helmet-esm.input.ts'),
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([]);
    expect(changed(plan, 'src/plugins/helmet.ts')).toBe(fixture('helmet-esm.output.ts'));
    expect(changed(plan, 'src/app.ts') ?? '').not.toContain('securityHeaders');
    expect(plan.notes).toContainEqual(expect.stringContaining('(`opts`) no longer reach @fastify/helmet'));
    await secondRunChangesNothing(root, plan, ['headers']);
  });

  describe.each([
    ['^4.28.1', '^9.1.0', '4.x'],
    ['^5.2.0', '^10.3.0', '5.x'],
  ])('Fastify %s with its own @fastify/rate-limit %s', (fastify, limiter, range) => {
    it('limits every request with the policy from the plugin file, on a limiter that fits the major', async () => {
      const root = project(
        cliApp(
          fastify,
          { 'rate-limit.js': fixture('rate-limit.input.js') },
          { '@fastify/rate-limit': limiter },
        ),
      );
      const plan = await planModules(root, ['rate-limit'], { yes: true });
      expect(plan.refused).toEqual([]);
      expect(changed(plan, 'plugins/rate-limit.js')).toBe(fixture('rate-limit.output.js'));
      expect(changed(plan, 'app.js') ?? '').not.toContain('rateLimiter');
      const module = changed(plan, 'security/rate-limit.js')!;
      // The policy's numbers, read from the config the policy renders (never literals in the plugin).
      expect(module).toContain('const { max, windowSeconds } = securityPolicy.rateLimit');
      expect(module).toContain(`fastify: '${range}'`);
      // normalizeIP exists from @fastify/rate-limit 11.2 only: their 9 or 10 counts IPv6 per /56 by hand.
      expect(module).not.toContain('normalizeIP(');
      expect(module).toContain("require('node:net')");
      expect(dependencies(plan)['@fastify/rate-limit']).toBe(limiter);
      await secondRunChangesNothing(root, plan, ['rate-limit']);
    });
  });
});

describe('secure add refuses an autoloaded registration it cannot replace safely, naming the place', () => {
  const limiterPlugin = (registration: string) =>
    `'use strict'\n\nconst fp = require('fastify-plugin')\n\nmodule.exports = fp(async function (fastify, opts) {\n  ${registration}\n})\n`;
  const refusals: [string, string, RegExp][] = [
    [
      'its own key generator',
      `fastify.register(require('@fastify/rate-limit'), { max: 100, timeWindow: 60000, keyGenerator: (request) => request.headers['x-api-key'] })`,
      /@fastify\/rate-limit in plugins\/limits\.js:6, a plugin @fastify\/autoload loads from plugins\/\), and it answers with its own `keyGenerator`/,
    ],
    [
      'options built elsewhere',
      `fastify.register(require('@fastify/rate-limit'), opts.rateLimit)`,
      /plugins\/limits\.js:6.*its options are not written out where it is registered/,
    ],
    [
      'options spread from another object',
      `fastify.register(require('@fastify/rate-limit'), { ...opts.limits, max: 10 })`,
      /plugins\/limits\.js:6.*its options spread `opts\.limits`/,
    ],
  ];
  for (const [situation, registration, reason] of refusals)
    it(situation, async () => {
      const root = project(
        cliApp('^5.2.0', { 'limits.js': limiterPlugin(registration) }, { '@fastify/rate-limit': '^10.3.0' }),
      );
      const plan = await planModules(root, ['rate-limit'], { yes: true });
      expect(plan.refused).toEqual([
        expect.objectContaining({ generator: 'rate-limit', reason: expect.stringMatching(reason) }),
      ]);
      expect(plan.changes.map((change) => change.path)).not.toContain('plugins/limits.js');
      expect(changed(plan, 'app.js') ?? '').not.toContain('rateLimiter');
    });

  it('a plugin fastify-plugin does not wrap: its registration covers that plugin only', async () => {
    const plugin = `'use strict'\n\nmodule.exports = async function (fastify) {\n  fastify.register(require('@fastify/cors'), { origin: '*' })\n}\n`;
    const root = project(cliApp('^5.2.0', { 'cors.js': plugin }, { '@fastify/cors': '^11.0.0' }));
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(plan.refused).toEqual([
      expect.objectContaining({
        generator: 'cors',
        reason: expect.stringMatching(
          /@fastify\/cors in plugins\/cors\.js:4, .*registered inside a plugin fastify-plugin does not wrap/,
        ),
      }),
    ]);
  });

  it('headers beside Swagger UI pages: the API CSP would leave them blank', async () => {
    const swagger = `'use strict'\n\nconst fp = require('fastify-plugin')\n\nmodule.exports = fp(async (fastify) => {\n  fastify.register(require('@fastify/swagger'))\n  fastify.register(require('@fastify/swagger-ui'), { routePrefix: '/docs' })\n})\n`;
    const root = project(
      cliApp(
        '^5.2.0',
        {
          'helmet.js': `'use strict'\n\nconst fp = require('fastify-plugin')\n\nmodule.exports = fp(async (fastify) => {\n  fastify.register(require('@fastify/helmet'))\n})\n`,
          'swagger.js': swagger,
        },
        { '@fastify/helmet': '^13.0.0', '@fastify/swagger-ui': '^5.2.0' },
      ),
    );
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([
      expect.objectContaining({
        generator: 'headers',
        reason: expect.stringContaining('Swagger UI pages (@fastify/swagger-ui in plugins/swagger.js:7)'),
      }),
    ]);
    expect(plan.changes.map((change) => change.path)).not.toContain('plugins/helmet.js');
  });

  it('a plugin file the autoload skips is not the answer: both places are named', async () => {
    const files = cliApp(
      '^5.2.0',
      { 'cors.js': fixture('cors-inline-require.input.js') },
      { '@fastify/cors': '^11.0.0' },
    );
    const root = project({ ...files, 'lib/cors.js': fixture('cors-inline-require.input.js') });
    const plan = await planModules(root, ['cors'], { yes: true });
    expect(plan.refused).toEqual([
      expect.objectContaining({
        generator: 'cors',
        reason: expect.stringMatching(
          /@fastify\/cors in lib\/cors\.js:7, @fastify\/cors in plugins\/cors\.js:7/,
        ),
      }),
    ]);
  });
});

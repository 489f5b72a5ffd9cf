import { describe, expect, it } from 'vitest';
import { findGenerator } from '../../generators/index.js';
import { upgradesFor, versionsFor } from '../../generators/versions.js';
import { renderGenerator } from '../../src/engine/render.js';
import { facts, moduleContext } from './module-context.js';

const pins = (project: ReturnType<typeof facts>, moduleSystem: 'esm' | 'cjs' = 'esm', redis = false) =>
  versionsFor({ project, moduleSystem, redis });

const render =
  (...args: Parameters<typeof moduleContext>) =>
  (generator: string, path: string) => {
    const file = renderGenerator(generator, moduleContext(...args)).get(`src/security/${path}`);
    if (file === undefined) throw new Error(`${generator} rendered no src/security/${path}`);
    return file;
  };

describe('modules answer by themselves', () => {
  for (const framework of ['express', 'fastify'] as const) {
    const module = render(framework, facts());
    it(`${framework}: trusted-host sends its own 400, never an error for the app's handler`, () => {
      const text = module('trusted-host', 'trusted-host.ts');
      expect(text).toContain('400');
      expect(text).toContain("error: 'invalid_host'");
      expect(text).not.toMatch(/next\(new|throw new|HttpError/);
    });
    it(`${framework}: rate-limit sends its own 429 with Retry-After`, () => {
      const text = module('rate-limit', 'rate-limit.ts');
      expect(text).toContain("error: 'too_many_requests'");
      expect(text).toContain("'Retry-After'");
      expect(text).not.toMatch(/next\(\w|http-errors/);
    });
  }

  it('an HTML app gets plain-text refusals, not the API JSON', () => {
    const module = render('express', facts({ html: true }));
    expect(module('trusted-host', 'trusted-host.ts')).toContain("type('text/plain')");
    expect(module('rate-limit', 'rate-limit.ts')).not.toContain('too_many_requests');
  });
});

describe('Fastify 4', () => {
  const project = facts({ fastifyMajor: 4 });
  it('pins the plugin majors that declare fastify 4', () => {
    const pinned = pins(project);
    expect(pinned).toMatchObject({
      fastify: expect.stringMatching(/^4\./),
      '@fastify/cors': expect.stringMatching(/^9\./),
      '@fastify/helmet': expect.stringMatching(/^11\./),
      '@fastify/rate-limit': expect.stringMatching(/^9\./),
      'fastify-plugin': expect.stringMatching(/^4\./),
    });
    expect(pins(facts({ fastifyMajor: 5 }))['@fastify/cors']).toMatch(/^11\./);
  });
  it('declares fastify 4.x in each of our plugins and avoids normalizeIP, which @fastify/rate-limit 9 lacks', () => {
    const module = render('fastify', project);
    for (const [generator, path] of [
      ['cors', 'cors.ts'],
      ['trusted-host', 'trusted-host.ts'],
      ['rate-limit', 'rate-limit.ts'],
      ['headers', 'headers.ts'],
    ]) {
      expect(module(generator, path)).toContain("fastify: '4.x'");
      expect(module(generator, path)).not.toContain("'5.x'");
    }
    expect(module('rate-limit', 'rate-limit.ts')).not.toMatch(/import .*normalizeIP/);
  });
  it('a new app keeps Fastify 5', () => {
    expect(render('fastify')('cors', 'cors.ts')).toContain("fastify: '5.x'");
    expect(render('fastify')('rate-limit', 'rate-limit.ts')).toContain('normalizeIP');
  });
});

describe('express-rate-limit as installed', () => {
  const limiter = (installed?: string) =>
    render('express', facts(installed ? { installed: { 'express-rate-limit': installed } } : {}))(
      'rate-limit',
      'rate-limit.ts',
    );
  it('6: `max` and boolean standardHeaders (its API has no `limit` nor draft-8)', () => {
    const text = limiter('^6.7.0');
    expect(text).toMatch(/^\s+max,$/m);
    expect(text).toContain('standardHeaders: true');
    expect(text).not.toContain('validate:');
    expect(pins(facts({ installed: { 'express-rate-limit': '^6.7.0' } }))['express-rate-limit']).toMatch(
      /^6\./,
    );
  });
  it('7: `limit` and draft-7 headers', () => {
    expect(limiter('7.1.5')).toContain("standardHeaders: 'draft-7'");
  });
  it('8 or none: draft-8', () => {
    expect(limiter('^8.0.1')).toContain("standardHeaders: 'draft-8'");
    expect(limiter()).toContain("standardHeaders: 'draft-8'");
  });
  it('5 is upgraded, with the reason', () => {
    const project = facts({ installed: { 'express-rate-limit': '^5.5.1', helmet: '^7.0.0' } });
    expect(upgradesFor({ project, moduleSystem: 'esm', redis: false })).toEqual([
      expect.objectContaining({
        name: 'express-rate-limit',
        installed: '^5.5.1',
        to: pins(project)['express-rate-limit'],
      }),
    ]);
    expect(limiter('^5.5.1')).toContain("standardHeaders: 'draft-8'");
  });
  it('--redis upgrades 6 or 7 to 8 (rate-limit-redis needs it) and renders for 8', () => {
    const project = facts({ installed: { 'express-rate-limit': '7.1.5' } });
    expect(upgradesFor({ project, moduleSystem: 'esm', redis: true })).toEqual([
      expect.objectContaining({
        name: 'express-rate-limit',
        to: pins(project, 'esm', true)['express-rate-limit'],
      }),
    ]);
    expect(pins(project, 'esm', true)['express-rate-limit']).toMatch(/^8\./);
    const text = renderGenerator('rate-limit', moduleContext('express', project, { redis: true })).get(
      'src/security/rate-limit.ts',
    )!;
    expect(text).toContain("standardHeaders: 'draft-8'");
    expect(text).toContain('new Redis(settings.redisUrl');
  });
});

describe('Node target and module system', () => {
  it('Node 18 gets pino 9; a CommonJS app gets jose 5 (jose 6 is ESM only: TS1479 in a CommonJS file)', () => {
    expect(pins(facts({ nodeMajor: 18 })).pino).toMatch(/^9\./);
    expect(pins(facts({ nodeMajor: 20 }), 'cjs').jose).toMatch(/^5\./);
    expect(pins(facts({ nodeMajor: 22 }), 'cjs').jose).toMatch(/^5\./);
    expect(pins(facts({ nodeMajor: 20 }), 'esm').jose).toMatch(/^6\./);
  });
});

describe('HTML apps and route methods', () => {
  it('CORS allows the PUT / PATCH / DELETE the routes use, GET and POST always', () => {
    const methods = (framework: 'express' | 'fastify', routeMethods: string[]) =>
      /methods: (\[[^\]]*\])/.exec(render(framework, facts({ routeMethods }))('cors', 'cors.ts'))![1];
    expect(methods('express', ['GET', 'put', 'DELETE', 'OPTIONS'])).toBe("['GET', 'POST', 'PUT', 'DELETE']");
    expect(methods('fastify', ['PATCH'])).toBe("['GET', 'POST', 'PATCH']");
    expect(/methods: (\[[^\]]*\])/.exec(render('express')('cors', 'cors.ts'))![1]).toBe("['GET', 'POST']");
  });
  it('the limiter of an HTML app skips static assets on GET/HEAD only; an API counts everything', () => {
    for (const framework of ['express', 'fastify'] as const) {
      expect(render(framework, facts({ html: true }))('rate-limit', 'rate-limit.ts')).toContain(
        'isStaticAsset',
      );
      expect(render(framework, facts())('rate-limit', 'rate-limit.ts')).not.toContain('isStaticAsset');
    }
  });
});

describe('dependencies a module really needs', () => {
  const dependencies = (name: string, context: ReturnType<typeof moduleContext>) => {
    const generator = findGenerator(name)!;
    return {
      runtime: generator.dependencies?.(context) ?? [],
      development: generator.devDependencies?.(context) ?? [],
    };
  };
  it('pino-http only with the scaffolded app that wires it, not with `secure add logging`', () => {
    expect(dependencies('logging', moduleContext('express', facts())).runtime).toEqual(['pino']);
    expect(dependencies('app', moduleContext('express')).runtime).toContain('pino-http');
  });
  it("the project's bcryptjs is kept and imported; no native bcrypt next to it", () => {
    const context = moduleContext('express', facts({ installed: { bcryptjs: '^2.4.3' } }));
    expect(dependencies('password', context)).toEqual({ runtime: ['bcryptjs'], development: [] });
    expect(renderGenerator('password', context).get('src/security/passwords.ts')).toContain(
      "import bcrypt from 'bcryptjs';",
    );
    expect(dependencies('password', moduleContext('express', facts())).runtime).toEqual(['bcrypt']);
  });
  it('no @types/* for a plain-JavaScript project', () => {
    const javascript = moduleContext('express', facts({ language: 'js' }));
    for (const name of ['cors', 'password'])
      expect(
        dependencies(name, javascript).development.filter((dependency) => dependency.startsWith('@types/')),
      ).toEqual([]);
    expect(dependencies('cors', moduleContext('express', facts())).development).toEqual(['@types/cors']);
  });
  it('rate-limit asks --redis itself (advertised in --list, accepted as a flag)', () => {
    expect(findGenerator('rate-limit')!.prompts?.map((prompt) => prompt.flag)).toEqual(['--redis']);
    expect(findGenerator('rate-limit')!.description).toContain('--redis');
  });
});

describe('older TypeScript compilers and erasableSyntaxOnly', () => {
  const modules = [
    'config',
    'logging',
    'password',
    'validation',
    'auth',
    'cors',
    'headers',
    'trusted-host',
    'rate-limit',
  ];
  for (const framework of ['express', 'fastify'] as const) {
    const sources = modules.flatMap((generator) =>
      [...renderGenerator(generator, moduleContext(framework, facts())).entries()].filter(([path]) =>
        path.endsWith('.ts'),
      ),
    );
    it(`${framework}: no import mixes values and inline \`type\` names (TypeScript before 4.5 cannot parse it)`, () => {
      expect(sources.length).toBeGreaterThan(modules.length);
      for (const [path, text] of sources)
        expect([path, text]).not.toEqual([path, expect.stringMatching(/import \{[^}]*\btype /)]);
    });
    it(`${framework}: no constructor parameter properties (erasableSyntaxOnly rejects them)`, () => {
      for (const [path, text] of sources)
        expect([path, text]).not.toEqual([
          path,
          expect.stringMatching(/constructor\(\s*(readonly|private|public|protected) /),
        ]);
    });
  }

  const refusal = (generator: string, project: ReturnType<typeof facts>) =>
    findGenerator(generator)?.refuse?.(moduleContext('express', project), {
      read: () => undefined,
    } as never);
  it('refuses validation in a TypeScript 4 project, naming its compiler and the upgrade', () => {
    const old = facts({ installed: { typescript: '4.1.3' } });
    expect(refusal('validation', old)?.reason).toContain('TypeScript 4.1.3');
    expect(refusal('validation', old)?.hint).toMatch(/typescript@5\./);
  });
  it('accepts validation with TypeScript 5, in a JavaScript project with an old compiler installed, and a new app', () => {
    expect(refusal('validation', facts({ installed: { typescript: '5.4.5' } }))).toBeUndefined();
    expect(
      refusal('validation', facts({ language: 'js', installed: { typescript: '4.9.5' } })),
    ).toBeUndefined();
    expect(refusal('validation', undefined as never)).toBeUndefined();
  });
  it('pins joi for the config of a TypeScript 4 project only: zod with TypeScript 5, in JavaScript, in a new app', () => {
    const pins = (project?: ReturnType<typeof facts>) =>
      versionsFor({ project, moduleSystem: 'cjs', redis: false });
    expect(pins(facts({ installed: { typescript: '4.0.3' } })).joi).toMatch(/^17\./);
    expect(pins(facts({ installed: { typescript: '5.4.5' } })).joi).toBeUndefined();
    expect(pins(facts({ language: 'js', installed: { typescript: '4.9.5' } })).joi).toBeUndefined();
    expect(pins(undefined).joi).toBeUndefined();
    const old = facts({ installed: { typescript: '4.1.3' } });
    const config = findGenerator('config');
    const context = moduleContext('express', old, { versions: pins(old) });
    expect(config?.refuse?.(context, { read: () => undefined } as never)).toBeUndefined();
    expect(config?.dependencies?.(context)).toContain('joi');
    expect(renderGenerator('config', context).get('src/security/config.ts')).toContain(
      "import Joi from 'joi';",
    );
  });
});

import { versions } from '../../generators/versions.js';
import type { Framework, ProjectFacts, TemplateContext } from '../../src/engine/generator.js';
import { rulesPreset } from '../../src/policy/index.js';

/** A project's facts as `secure add` detects them: an Express 5 / Fastify 5 TypeScript API on Node 20 unless told. */
export function facts(overrides: Partial<ProjectFacts> = {}): ProjectFacts {
  return { nodeMajor: 20, language: 'ts', html: false, routeMethods: ['GET'], installed: {}, ...overrides };
}

/** The context `secure add` renders a module with; `project` absent is a new scaffolded app. */
export function moduleContext(
  framework: Framework,
  project?: ProjectFacts,
  overrides: Partial<TemplateContext> = {},
): TemplateContext {
  return {
    framework,
    express: framework === 'express',
    fastify: framework === 'fastify',
    db: 'sqlite',
    ws: 'none',
    redis: false,
    preset: 'rules',
    policy: rulesPreset,
    appName: 'existing-api',
    moduleSystem: 'esm',
    versions,
    project,
    ...overrides,
  };
}

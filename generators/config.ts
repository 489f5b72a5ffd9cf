import type { EnvVariable, GeneratorDeclaration, ProjectFacts } from '../src/engine/generator.js';
import { moduleFacts } from '../src/engine/module-facts.js';
import { configValidator, minimumTypescriptMajorForZod } from './versions.js';

export const config: GeneratorDeclaration = {
  name: 'config',
  description:
    'zod-validated settings from the environment (.env loaded, secrets masked, bad values refused)',
  dependencies: (context) => [
    configValidator(context),
    ...(moduleFacts(context).proxyAddrTrust ? ['proxy-addr'] : []),
  ],
  devDependencies: (context) => (moduleFacts(context).proxyAddrTrust ? ['@types/proxy-addr'] : []),
  // Says why the project gets joi where every other app gets zod: its compiler (generators/versions.ts).
  nextSteps: (context) =>
    configValidator(context) === 'joi'
      ? [
          `config validates with joi ${context.versions.joi}, not zod: this project compiles with TypeScript ${context.project?.installed.typescript}, and zod ${context.versions.zod}'s types need TypeScript ${minimumTypescriptMajorForZod} (the rules and messages are the same)`,
        ]
      : [],
  env: (context) => [
    { name: 'NODE_ENV', description: 'development, test or production', example: 'development' },
    { name: 'PORT', description: 'the port to listen on', example: String(context.policy.docker.port) },
    {
      name: 'JWT_SECRET',
      description: 'at least 32 random bytes; generated into .env, never committed',
      secret: true,
    },
    {
      name: moduleFacts(context).corsVariable,
      description: 'comma-separated exact origins allowed to call the API (never * or null)',
      example: 'http://localhost:5173',
    },
    {
      name: 'ALLOWED_HOSTS',
      description: 'comma-separated host names this API answers to (others get 400)',
      example: 'localhost,127.0.0.1',
    },
    ...(context.project && moduleFacts(context).ownDatabaseVariable
      ? databaseOf(context.project)
      : context.db === 'postgres'
        ? [
            {
              name: 'DATABASE_URL',
              description: 'postgres://user:password@host:5432/database',
              example: 'postgres://app@127.0.0.1:5432/app',
            },
          ]
        : [{ name: 'DATABASE_URL', description: 'the SQLite file', example: 'data/app.sqlite' }]),
    ...(context.redis
      ? [{ name: 'REDIS_URL', description: 'shared rate-limit counters', example: 'redis://127.0.0.1:6379' }]
      : []),
    {
      name: 'TRUST_PROXY',
      description:
        'addresses or CIDR ranges of the TLS proxies in front of the app, e.g. loopback, 10.0.0.0/8 (0 = none; required in production)',
      example: '0',
    },
    { name: 'LOG_LEVEL', description: 'fatal, error, warn, info, debug or trace', example: 'info' },
  ],
};

/** An existing app's own connection variable, the one it reads; none when it reads none. */
function databaseOf(project: ProjectFacts): EnvVariable[] {
  if (!project.databaseVariable) return [];
  return [
    {
      name: project.databaseVariable,
      description: 'the database connection string the app reads (required in production)',
    },
  ];
}

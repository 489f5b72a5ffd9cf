import type { GeneratorDeclaration } from '../src/engine/generator.js';

/** The scaffolded app itself: package.json, server entry, routes, database, and its own test suite. */
export const app: GeneratorDeclaration = {
  name: 'app',
  description: 'a complete Express 5 or Fastify 5 API wired with every security module',
  scaffoldOnly: true,
  requires: [
    'config',
    'logging',
    'password',
    'validation',
    'auth',
    'cors',
    'headers',
    'trusted-host',
    'rate-limit',
    'ws-auth',
    'docker',
  ],
  prompts: [
    {
      name: 'framework',
      flag: '--framework',
      message: 'Web framework',
      choices: ['express', 'fastify'],
      default: 'express',
    },
    { name: 'db', flag: '--db', message: 'Database', choices: ['sqlite', 'postgres'], default: 'sqlite' },
    {
      name: 'ws',
      flag: '--ws',
      message: 'WebSocket library',
      choices: ['socket.io', 'ws', 'none'],
      default: 'socket.io',
    },
    { name: 'redis', flag: '--redis', message: 'Keep rate-limit counters in Redis?', default: false },
    {
      name: 'preset',
      flag: '--preset',
      message: 'Security preset',
      choices: ['rules', 'asvs'],
      default: 'rules',
    },
  ],
  dependencies: (context) => [
    context.express ? 'express' : 'fastify',
    ...(context.express ? ['pino-http'] : []),
    'kysely',
    context.db === 'sqlite' ? 'better-sqlite3' : 'pg',
  ],
  devDependencies: (context) => [
    'typescript',
    'tsx',
    'vitest',
    '@types/node',
    ...(context.express ? ['@types/express'] : []),
    context.db === 'sqlite' ? '@types/better-sqlite3' : '@types/pg',
  ],
};

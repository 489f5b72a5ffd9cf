/**
 * Every dependency a generated app or module may need, pinned exactly: the one map of versions (create-t3-app
 * style). Each supports Node 20.19 as well as 22 and 24; kysely stays on 0.28 because 0.29 needs Node 22.
 */
export const versions = {
  // runtime
  express: '5.3.0',
  fastify: '5.12.8',
  '@fastify/helmet': '13.2.0',
  '@fastify/cors': '11.4.3',
  '@fastify/rate-limit': '11.2.0',
  'fastify-plugin': '6.0.1',
  helmet: '8.3.0',
  cors: '2.8.6',
  'express-rate-limit': '8.7.5',
  'rate-limit-redis': '6.0.1',
  'rate-limiter-flexible': '11.4.0',
  ioredis: '5.9.2',
  jose: '6.2.18',
  zod: '4.6.7',
  pino: '10.4.0',
  'pino-http': '11.0.0',
  bcrypt: '6.0.0',
  '@node-rs/argon2': '2.2.1',
  kysely: '0.28.19',
  'better-sqlite3': '12.6.2',
  pg: '8.23.1',
  'socket.io': '4.8.4',
  '@socket.io/redis-adapter': '8.3.0',
  ws: '8.23.0',
  // development
  typescript: '5.9.3',
  tsx: '4.23.15',
  vitest: '4.1.12',
  'socket.io-client': '4.8.4',
  '@types/node': '20.19.43',
  '@types/express': '5.0.6',
  '@types/cors': '2.8.19',
  '@types/bcrypt': '6.0.0',
  '@types/better-sqlite3': '9.6.0',
  '@types/pg': '8.23.1',
  '@types/ws': '8.18.2',
} as const satisfies Record<string, string>;

export type PackageName = keyof typeof versions;

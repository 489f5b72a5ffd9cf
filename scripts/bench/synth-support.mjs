import { camel, pascal } from './synth-vocabulary.mjs';

/** The files every synthetic service has once: app wiring, config, logger, errors; plus utility modules. */

export function appFile(random, framework, models) {
  const routeImports = models.map(
    (model) => `import { ${model.var}Routes } from './routes/${model.entity}-routes.js';`,
  );
  if (framework === 'express') {
    return [
      `import express from 'express';`,
      `import cors from 'cors';`,
      `import helmet from 'helmet';`,
      `import rateLimit from 'express-rate-limit';`,
      `import { settings } from './config.js';`,
      ...routeImports,
      '',
      'export function createApp(services: Record<string, any>) {',
      '  const app = express();',
      `  app.disable('x-powered-by');`,
      '  app.use(helmet());',
      `  app.use(cors({ origin: settings.corsOrigins, credentials: true }));`,
      `  app.use(rateLimit({ windowMs: settings.rateLimitWindowMs, limit: settings.rateLimitMax }));`,
      `  app.use(express.json({ limit: '100kb' }));`,
      ...models.map((model) => `  app.use('/api', ${model.var}Routes(services.${model.var}));`),
      `  app.get('/health', (_req, res) => {`,
      `    res.json({ status: 'ok' });`,
      '  });',
      '  return app;',
      '}',
      '',
    ].join('\n');
  }
  return [
    `import Fastify from 'fastify';`,
    `import fastifyCors from '@fastify/cors';`,
    `import helmet from '@fastify/helmet';`,
    `import rateLimit from '@fastify/rate-limit';`,
    `import { settings } from './config.js';`,
    ...routeImports,
    '',
    'export async function createApp(services: Record<string, any>) {',
    `  const app = Fastify({ logger: { level: settings.logLevel }, trustProxy: ${random.chance(0.5)} });`,
    '  await app.register(helmet);',
    '  await app.register(fastifyCors, { origin: settings.corsOrigins });',
    '  await app.register(rateLimit, { max: settings.rateLimitMax, timeWindow: settings.rateLimitWindowMs });',
    ...models.map((model) => `  await app.register(${model.var}Routes(services.${model.var}), { prefix: '/api' });`),
    `  app.get('/health', async () => ({ status: 'ok' }));`,
    '  return app;',
    '}',
    '',
  ].join('\n');
}

export function configFile() {
  return [
    `import { z } from 'zod';`,
    '',
    'const schema = z.object({',
    `  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),`,
    '  PORT: z.coerce.number().int().positive().default(3000),',
    '  DATABASE_URL: z.string().url(),',
    '  JWT_SECRET: z.string().min(32),',
    `  CORS_ORIGINS: z.string().transform((value) => value.split(',').map((origin) => origin.trim())),`,
    '  RATE_LIMIT_MAX: z.coerce.number().int().positive().default(100),',
    `  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),`,
    '});',
    '',
    'export function loadSettings(env: NodeJS.ProcessEnv) {',
    '  const parsed = schema.parse(env);',
    '  return {',
    '    port: parsed.PORT,',
    '    databaseUrl: parsed.DATABASE_URL,',
    '    jwtSecret: parsed.JWT_SECRET,',
    '    corsOrigins: parsed.CORS_ORIGINS,',
    '    rateLimitMax: parsed.RATE_LIMIT_MAX,',
    '    rateLimitWindowMs: 60_000,',
    '    logLevel: parsed.LOG_LEVEL,',
    '  };',
    '}',
    '',
    'export const settings = loadSettings(process.env);',
    '',
  ].join('\n');
}

export function loggerFile() {
  return [
    `import pino from 'pino';`,
    '',
    'export const logger = pino({',
    `  level: process.env.LOG_LEVEL ?? 'info',`,
    `  redact: ['req.headers.authorization', 'password', '*.password', 'token'],`,
    '});',
    '',
  ].join('\n');
}

export function errorsFile() {
  const classes = ['NotFoundError', 'ValidationError', 'ConflictError', 'ForbiddenError'];
  const status = { NotFoundError: 404, ValidationError: 400, ConflictError: 409, ForbiddenError: 403 };
  const lines = ['export class AppError extends Error {'];
  lines.push('  constructor(', '    message: string,', '    readonly status: number,', '  ) {');
  lines.push('    super(message);', '    this.name = new.target.name;', '  }', '}', '');
  for (const name of classes) {
    lines.push(`export class ${name} extends AppError {`, '  constructor(message: string) {');
    lines.push(`    super(message, ${status[name]});`, '  }', '}', '');
  }
  return lines.join('\n');
}

const helperShapes = [
  (random, name) => [
    `export function ${name}(values: readonly number[]): number {`,
    '  let total = 0;',
    '  for (const value of values) {',
    `    if (!Number.isFinite(value)) continue;`,
    `    total += value * ${random.int(1, 9)};`,
    '  }',
    `  return Math.round(total * 100) / 100;`,
    '}',
  ],
  (random, name) => [
    `export function ${name}(input: string, maxLength = ${random.int(16, 256)}): string {`,
    '  const trimmed = input.trim().normalize(\'NFKC\');',
    '  if (trimmed.length <= maxLength) return trimmed;',
    `  return \`\${trimmed.slice(0, maxLength - 1)}…\`;`,
    '}',
  ],
  (random, name) => [
    `export async function ${name}<T>(task: () => Promise<T>, attempts = ${random.int(2, 6)}): Promise<T> {`,
    '  let lastError: unknown;',
    '  for (let attempt = 1; attempt <= attempts; attempt++) {',
    '    try {',
    '      return await task();',
    '    } catch (error) {',
    '      lastError = error;',
    `      await new Promise((resolve) => setTimeout(resolve, attempt * ${random.int(50, 500)}));`,
    '    }',
    '  }',
    '  throw lastError;',
    '}',
  ],
  (random, name) => [
    `export function ${name}<T extends Record<string, unknown>>(items: T[], key: keyof T): Map<unknown, T[]> {`,
    '  const groups = new Map<unknown, T[]>();',
    '  for (const item of items) {',
    '    const group = groups.get(item[key]) ?? [];',
    '    group.push(item);',
    '    groups.set(item[key], group);',
    '  }',
    '  return groups;',
    '}',
  ],
  (random, name) => [
    `export const ${name} = (date: Date, days = ${random.int(1, 30)}): Date => {`,
    '  const copy = new Date(date.getTime());',
    '  copy.setUTCDate(copy.getUTCDate() + days);',
    '  return copy;',
    '};',
  ],
  (random, name) => [
    `export function ${name}(header: string | undefined): Record<string, string> {`,
    '  const result: Record<string, string> = {};',
    `  for (const part of (header ?? '').split(';')) {`,
    `    const [rawKey, ...rest] = part.split('=');`,
    '    if (!rawKey?.trim()) continue;',
    `    result[rawKey.trim().toLowerCase()] = decodeURIComponent(rest.join('=').trim());`,
    '  }',
    '  return result;',
    '}',
  ],
  (random, name) => [
    `export class ${pascal(name)}Cache<V> {`,
    '  private readonly entries = new Map<string, { value: V; expires: number }>();',
    '',
    `  constructor(private readonly ttlMs = ${random.int(1, 60) * 1000}) {}`,
    '',
    '  get(key: string, now = Date.now()): V | undefined {',
    '    const entry = this.entries.get(key);',
    '    if (!entry || entry.expires < now) {',
    '      this.entries.delete(key);',
    '      return undefined;',
    '    }',
    '    return entry.value;',
    '  }',
    '',
    '  set(key: string, value: V, now = Date.now()): void {',
    '    this.entries.set(key, { value, expires: now + this.ttlMs });',
    '  }',
    '}',
  ],
  (random, name) => [
    `/** Reads the regex once: \`pattern.exec\` here is a RegExp, not a database. */`,
    `const ${name}Pattern = /^([a-z]+)-(\\d{${random.int(2, 6)}})$/;`,
    '',
    `export function ${name}(value: string): { prefix: string; number: number } | undefined {`,
    `  const match = ${name}Pattern.exec(value);`,
    '  return match ? { prefix: match[1], number: Number(match[2]) } : undefined;',
    '}',
  ],
];

export function utilityFile(random, topic) {
  const lines = [`/** Helpers for ${topic}. */`, ''];
  const count = random.int(6, 16);
  for (let index = 0; index < count; index++) {
    const name = camel(`${topic}-${random.pick(['parse', 'format', 'sum', 'group', 'retry', 'shift', 'cap'])}-${index}`);
    lines.push(...random.pick(helperShapes)(random, name), '');
  }
  return lines.join('\n');
}

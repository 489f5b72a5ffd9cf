import type { Refusal, TemplateContext } from '../src/engine/generator.js';
import { installedMajor, moduleFacts } from '../src/engine/module-facts.js';

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
  // the proxy trust test where node:net has no BlockList (Node before 14.18, @types/node before 15)
  'proxy-addr': '2.0.7',
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
  '@types/proxy-addr': '2.0.3',
  // an existing project's own hasher, kept: the password module uses the API subset bcrypt and bcryptjs share
  bcryptjs: '3.0.3',
} as const satisfies Record<string, string>;

export type PackageName = keyof typeof versions;

/**
 * Pins for an existing project whose installed majors or Node target differ from a new app's. Each Fastify 4
 * line is the last major whose fastify-plugin metadata declares `fastify: '4.x'` (the next major declares 5.x
 * and fails to boot with FST_ERR_PLUGIN_VERSION_MISMATCH on Fastify 4).
 */
const fastify4 = {
  fastify: '4.29.1',
  '@fastify/cors': '9.0.1',
  '@fastify/helmet': '11.1.1',
  '@fastify/rate-limit': '9.1.0',
  'fastify-plugin': '4.5.1',
} as const satisfies Partial<Record<PackageName, string>>;

const express4 = {
  express: '4.21.2',
  '@types/express': '4.17.25',
} as const satisfies Partial<Record<PackageName, string>>;

/** Node 18: pino 10 needs Node 20. */
const node18 = { pino: '9.14.0', 'pino-http': '10.5.0' } as const satisfies Partial<
  Record<PackageName, string>
>;

/**
 * jose 6 is ESM only: TypeScript refuses to import it from a CommonJS file (TS1479) and Node before 20.19 /
 * 22.12 cannot require() it; jose 5 has the same API and a CommonJS build.
 */
const joseForRequire = { jose: '5.10.0' } as const satisfies Partial<Record<PackageName, string>>;

/**
 * The config module's validator for a TypeScript project whose compiler is older than 5. Measured with the
 * project's own tsc and no skipLibCheck: zod 4's declarations need TypeScript 5; zod 3.0 to 3.19 compile on 4.1
 * and 3.20 to 3.23 do not; every 3.x fails on 4.0 ("Type alias 'deoptional' circularly references itself");
 * joi 17 compiles on 4.0 and later (joi 18 imports @standard-schema/spec types, absent there). One validator for every
 * TypeScript 4 project, so the config module has two versions, not three: zod (TypeScript 5, JavaScript, a
 * new app) and joi, the same rules and messages.
 */
const typescript4Validator = { joi: '17.13.3' } as const;

/**
 * An installed express-rate-limit 6 or 7 is used with its own API (src/engine/module-facts.ts); these pins match.
 * 6.11.2 is also the pin where `require('node:net')` cannot load (Node before 14.18, Jest before 27): it requires
 * 'net' and supports Node 14.
 */
const expressRateLimitByMajor: Readonly<Record<number, string>> = { 6: '6.11.2', 7: '7.5.1' };

/** helmet for a TypeScript project compiling before 4.7 (module-facts: legacyHelmet 5): it ships a `.d.ts`. */
const helmetByLegacyMajor: Readonly<Record<number, string>> = { 5: '5.1.1' };

/** Installed majors older than these lack the API the generated code calls. */
const minimumMajors: Readonly<Partial<Record<PackageName, number>>> = {
  'express-rate-limit': 6,
  // 4 to 6 are used with their own option names (module-facts: legacyHelmet).
  helmet: 4,
  // The templates call only what zod 3.23+ and zod 4 share (3.0 to 3.22: see zodBefore323).
  zod: 3,
  'fastify-plugin': 4,
};

/** The oldest plugin majors that load on each Fastify major (older ones fail with FST_ERR_PLUGIN_VERSION_MISMATCH). */
const fastifyPluginMajors: Readonly<Record<4 | 5, Partial<Record<PackageName, number>>>> = {
  4: { '@fastify/cors': 9, '@fastify/helmet': 11, '@fastify/rate-limit': 9 },
  5: { '@fastify/cors': 10, '@fastify/helmet': 12, '@fastify/rate-limit': 10 },
};

type PinContext = Pick<TemplateContext, 'project' | 'moduleSystem' | 'redis'>;

/** The pinned map for one project: our pins, overridden for its framework majors, Node target and installs. */
export function versionsFor(context: PinContext): Record<string, string> {
  const { project } = context;
  if (!project) return { ...versions };
  const pins: Record<string, string> = { ...versions };
  if (project.fastifyMajor === 4) Object.assign(pins, fastify4);
  if (project.expressMajor === 4) Object.assign(pins, express4);
  if (project.nodeMajor < 20) Object.assign(pins, node18);
  if (project.nodeMajor < 20 || context.moduleSystem === 'cjs') Object.assign(pins, joseForRequire);
  if (compilesBeforeTypescript5(project)) Object.assign(pins, typescript4Validator);
  const facts = moduleFacts(context);
  const rateLimitPin = expressRateLimitByMajor[facts.expressRateLimitMajor];
  if (rateLimitPin) pins['express-rate-limit'] = rateLimitPin;
  const helmetPin = facts.legacyHelmet ? helmetByLegacyMajor[facts.legacyHelmet] : undefined;
  if (helmetPin) pins.helmet = helmetPin;
  return pins;
}

export interface Upgrade {
  name: string;
  installed: string;
  to: string;
  /** The oldest major that works, for the message. */
  minimum: number;
  reason: string;
}

/**
 * Installed packages too old for the generated code (an export or option it calls is missing, a plugin does
 * not load on the project's Fastify): each with our pin to move to and why.
 */
export function upgradesFor(context: PinContext): Upgrade[] {
  const { project } = context;
  if (!project) return [];
  const pins = versionsFor(context);
  const minimums = {
    ...minimumMajors,
    ...(project.fastifyMajor ? fastifyPluginMajors[project.fastifyMajor] : {}),
  };
  const upgrades: Upgrade[] = [];
  for (const [name, minimum] of Object.entries(minimums)) {
    const major = installedMajor(project, name);
    if (major !== undefined && minimum !== undefined && major < minimum)
      upgrades.push({
        name,
        installed: project.installed[name],
        to: pins[name],
        minimum,
        reason: `the generated code needs ${name} ${minimum} or later`,
      });
  }
  if (zodBefore323(project.installed.zod))
    upgrades.push({
      name: 'zod',
      installed: project.installed.zod,
      to: pins.zod,
      minimum: 3,
      reason: 'the generated code needs zod 3.23 or later (the `message` parameter of z.string())',
    });
  const rateLimitMajor = installedMajor(project, 'express-rate-limit');
  if (context.redis && rateLimitMajor !== undefined && rateLimitMajor >= 6 && rateLimitMajor < 8)
    upgrades.push({
      name: 'express-rate-limit',
      installed: project.installed['express-rate-limit'],
      to: pins['express-rate-limit'],
      minimum: 8,
      reason: 'the Redis store (rate-limit-redis 6) needs express-rate-limit 8.6 or later',
    });
  return upgrades;
}

/** zod 3.0 to 3.22 (their z.string() takes no `message`); a major alone is read as its newest minor. */
function zodBefore323(installed: string | undefined): boolean {
  const [major, minor] = (installed?.match(/\d+(?:\.\d+)?/)?.[0] ?? '').split('.').map(Number);
  return major === 3 && minor !== undefined && minor < 23;
}

/** zod 4's declaration files need TypeScript 5 to compile (zod 3 needs 4.1, and is not what the templates call). */
export const minimumTypescriptMajorForZod = 5;

/** A TypeScript project whose installed compiler is older than zod 4 needs. */
function compilesBeforeTypescript5(project: TemplateContext['project']): boolean {
  if (project?.language !== 'ts') return false;
  const major = installedMajor(project, 'typescript');
  return major !== undefined && major < minimumTypescriptMajorForZod;
}

/** The package the config module validates with: joi where the project's pins carry it, else zod. */
export function configValidator(context: Pick<TemplateContext, 'versions'>): 'joi' | 'zod' {
  return context.versions.joi === undefined ? 'zod' : 'joi';
}

/**
 * The validation module imports zod, logging imports pino: in a TypeScript project compiling with an older
 * compiler, the project's own build would fail on their types (pino's do not parse with TypeScript 4.0), so the
 * module is refused before anything is written (the config module validates with joi there instead). The verifier cannot see it: the package is not installed
 * yet when it runs.
 */
export function refuseOldTypescript(
  context: Pick<TemplateContext, 'project' | 'versions'>,
  dependency: 'zod' | 'pino' = 'zod',
): Refusal | undefined {
  const { project } = context;
  if (!project || !compilesBeforeTypescript5(project)) return undefined;
  const version = context.versions[dependency] ?? versions[dependency];
  return {
    reason: `this project compiles with TypeScript ${project.installed.typescript}, and the ${dependency} ${version} the module imports needs TypeScript ${minimumTypescriptMajorForZod} or later: the project's build would fail, so nothing was added`,
    hint: `Upgrade the compiler (\`npm install --save-dev --save-exact typescript@${versions.typescript}\`), check that the project still builds, then run \`secure add\` again.`,
  };
}

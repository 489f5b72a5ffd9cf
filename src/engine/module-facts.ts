import type { Policy } from '../policy/index.js';
import type { ProjectFacts, TemplateContext } from './generator.js';

/** How an existing project installs, builds and starts: what its new Dockerfile runs (generators/docker.ts reads it). */
export interface DockerProject {
  packageManager: 'npm' | 'yarn' | 'pnpm';
  /** The lockfile at the root; without one, installs cannot be reproduced and npm ci refuses to run. */
  lockfile?: string;
  /** package.json has a build script. */
  build: boolean;
  /** The start command in exec form (no shell in between, so signals reach the app). */
  start: string[];
  /** Folders the app writes at run time that exist in the project (data, uploads, logs). */
  writableDirs: string[];
}

/**
 * What the generated modules may use, derived once from the project's facts (TemplateContext.project). A new
 * scaffolded app has no facts: it gets today's defaults (Express 5, Fastify 5, Node 20, TypeScript, an API).
 */
export interface ModuleFacts {
  /** `secure add` on an existing project (its facts known), not the scaffolder's new app. */
  existing: boolean;
  expressMajor: 4 | 5;
  fastifyMajor: 4 | 5;
  /** The `fastify` range our own plugins declare to fastify-plugin (`4.x`), matching the installed major. */
  fastifyRange: string;
  nodeMajor: number;
  typescript: boolean;
  /** Server-rendered pages: errors in plain text, static assets outside the rate limit. */
  html: boolean;
  /** Every method CORS allows: GET and POST, plus the PUT / PATCH / DELETE the app's routes use. */
  corsMethods: string[];
  /**
   * @fastify/rate-limit exports `normalizeIP` (from 11.2, the Fastify 5 line): false when the project keeps an
   * older one (its 9 for Fastify 4, a 10 or 11.0 for Fastify 5), which the limiter then counts per /56 by hand.
   */
  fastifyNormalizeIp: boolean;
  /** The express-rate-limit major the generated limiter is written for (the installed one when usable). */
  expressRateLimitMajor: 6 | 7 | 8;
  /**
   * An installed helmet before 7 (4, 5 or 6), used with its own option names (`hsts`, `xssFilter`); false when
   * the generated code runs on helmet 7 or later.
   */
  legacyHelmet: false | 4 | 5 | 6;
  /**
   * The unit of `ttl` in the app's own @nestjs/throttler, which rate-limit reconfigures in place: seconds before
   * 5, milliseconds since; false when the app has none and the limiter is express-rate-limit.
   */
  throttlerTtl: false | 'seconds' | 'milliseconds';
  /**
   * The proxy trust test comes from proxy-addr (as Express's own): node:net's BlockList is missing from Node
   * before 14.18 and from @types/node before 15, so a project targeting 14 could neither run nor build it.
   */
  proxyAddrTrust: boolean;
  /** crypto.randomUUID exists: from Node 14.17 and @types/node 14.17, so not for a Node 14 target. */
  randomUuid: boolean;
  /** The command the config's messages give for a new secret, one that runs on the project's Node. */
  secretCommand: string;
  /** The variable holding the CORS allowlist: CORS_ORIGINS, or the app's own plain list (APP_CORS_ORIGINS). */
  corsVariable: string;
  /**
   * The config reads the database variable an existing app reads (or none), instead of the scaffold's
   * DATABASE_URL; false for a new app and for one create-secure-app made.
   */
  ownDatabaseVariable: boolean;
  /** The bcrypt package the password module imports: the project's own bcryptjs (same API subset), else bcrypt. */
  bcryptPackage: 'bcrypt' | 'bcryptjs';
  /** The steps of an existing project's new Dockerfile; false for a scaffolded app (its own Dockerfile). */
  docker: DockerSteps | false;
}

/** Dockerfile lines for an existing project, from how it installs, builds and starts. */
export interface DockerSteps {
  image: string;
  /** The package managers other than npm come with the image through corepack. */
  corepack: boolean;
  /** package.json and the lockfile, copied first so that the install layer is cached. */
  manifests: string;
  install: string;
  /** Empty when the project has no build script. */
  build: string;
  /** Drops the dev dependencies after the build, so the runtime stage copies production ones only. */
  pruneDev: string;
  /** JSON exec form: `["node", "dist/main.js"]`. */
  cmd: string;
  /** Absolute paths in the image, owned by the unprivileged user. */
  writableDirs: string;
}

const packageManagerSteps = {
  npm: { locked: 'npm ci', unlocked: 'npm install', run: 'npm run', pruneDev: 'npm prune --omit=dev' },
  yarn: {
    locked: 'yarn install --frozen-lockfile',
    unlocked: 'yarn install',
    run: 'yarn run',
    pruneDev: 'yarn install --production --frozen-lockfile --ignore-scripts',
  },
  pnpm: {
    locked: 'pnpm install --frozen-lockfile',
    unlocked: 'pnpm install',
    run: 'pnpm run',
    pruneDev: 'pnpm prune --prod',
  },
} as const;

function dockerSteps(docker: DockerProject, nodeMajor: number, policyImage: string): DockerSteps {
  const steps = packageManagerSteps[docker.packageManager];
  const imageMajor = majorOf(policyImage.split(':')[1]) ?? nodeMajor;
  return {
    // The project's own Node line when it targets an older one than the policy's image.
    image: nodeMajor < imageMajor ? `node:${nodeMajor}-bookworm-slim` : policyImage,
    corepack: docker.packageManager !== 'npm',
    // npm: the same lines whether or not package-lock.json exists yet (`secure add --install` creates it), so a
    // second `secure add` does not rewrite the Dockerfile; the image uses the lockfile whenever it is there.
    manifests:
      docker.packageManager === 'npm'
        ? 'package*.json'
        : ['package.json', ...(docker.lockfile ? [docker.lockfile] : [])].join(' '),
    install:
      docker.packageManager === 'npm'
        ? `if [ -f package-lock.json ]; then ${steps.locked}; else ${steps.unlocked}; fi`
        : docker.lockfile
          ? steps.locked
          : steps.unlocked,
    build: docker.build ? `${steps.run} build` : '',
    pruneDev: steps.pruneDev,
    cmd: `[${docker.start.map((word) => JSON.stringify(word)).join(', ')}]`,
    writableDirs: docker.writableDirs.map((dir) => `/app/${dir}`).join(' '),
  };
}

/** Methods a browser may preflight, in the order the Allow header lists them. */
const corsMethodOrder = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The first number of a version or range (`^6.7.0` -> 6, `~4.17.1` -> 4, `latest` -> undefined). */
export function majorOf(version: string | undefined): number | undefined {
  const digits = version?.match(/\d+/)?.[0];
  return digits === undefined ? undefined : Number(digits);
}

/** The major of a package the project has installed, when it has it. */
export function installedMajor(project: ProjectFacts | undefined, name: string): number | undefined {
  return majorOf(project?.installed[name]);
}

/**
 * The first Node major that resolves every `node:` import (14 does from 14.18, and @types/node 14 declares them
 * from 14.18): a project targeting an older one gets bare specifiers, and no package that requires `node:` ones.
 */
export const nodeProtocolSinceMajor = 15;

/** Jest before 27 resolves no `node:` require, whatever the Node version (TypeScript-Node-Starter has Jest 26). */
const jestNodeProtocolSinceMajor = 27;

/** The project's code or its tests load in a runtime that cannot resolve `require('node:net')`. */
function lacksNodeProtocol(project: ProjectFacts): boolean {
  const jest = installedMajor(project, 'jest');
  return (
    project.nodeMajor < nodeProtocolSinceMajor || (jest !== undefined && jest < jestNodeProtocolSinceMajor)
  );
}

/**
 * 48 random bytes, printed in one line. Node before 14.18 knows neither the `base64url` encoding nor a `node:`
 * specifier in require; base64 (64 characters of 64 symbols) passes the config's checks as well.
 */
function secretCommand(nodeMajor: number): string {
  return nodeMajor < nodeProtocolSinceMajor
    ? `node -e "console.log(require('crypto').randomBytes(48).toString('base64'))"`
    : `node -e "console.log(require('node:crypto').randomBytes(48).toString('base64url'))"`;
}

/** The first @fastify/rate-limit with `normalizeIP` (major, minor). */
const normalizeIpSince = [11, 2] as const;

function fastifyNormalizeIp(project: ProjectFacts | undefined, fastifyMajor: 4 | 5): boolean {
  if (fastifyMajor === 4) return false;
  const installed = project?.installed['@fastify/rate-limit'];
  if (installed === undefined) return true;
  const [major = 0, minor = 0] = (installed.match(/\d+/g) ?? []).map(Number);
  return major > normalizeIpSince[0] || (major === normalizeIpSince[0] && minor >= normalizeIpSince[1]);
}

function expressRateLimitMajor(
  project: ProjectFacts | undefined,
  redis: boolean,
): ModuleFacts['expressRateLimitMajor'] {
  // rate-limit-redis 6 (our Redis store) needs express-rate-limit 8.6 or later.
  if (redis) return 8;
  const installed = installedMajor(project, 'express-rate-limit');
  // 6 is the first major with `standardHeaders` and `handler(request, response, next, options)`; older ones
  // are upgraded to our pin (generators/versions.ts: minimumMajors).
  if (installed === 6 || installed === 7) return installed;
  // 7 and 8 require('node:net'); 6 requires 'net' and supports Node 14.
  if (installed === undefined && project && lacksNodeProtocol(project)) return 6;
  return 8;
}

/** TypeScript reads `.d.cts` type files (helmet 6 to 8 ship only those) from 4.7 on. */
const dctsSinceTypescript = [4, 7] as const;

function compilesBeforeDcts(project: ProjectFacts): boolean {
  if (project.language !== 'ts') return false;
  const [major, minor] = (project.installed.typescript?.match(/\d+/g) ?? []).map(Number);
  if (major === undefined) return false;
  return (
    major < dctsSinceTypescript[0] ||
    (major === dctsSinceTypescript[0] && (minor ?? 0) < dctsSinceTypescript[1])
  );
}

function legacyHelmet(project: ProjectFacts | undefined): ModuleFacts['legacyHelmet'] {
  const installed = installedMajor(project, 'helmet');
  if (installed === 4 || installed === 5 || installed === 6) return installed;
  // helmet 5 is the last with a `.d.ts` an older compiler finds, and has the option names the template knows.
  if (installed === undefined && project && compilesBeforeDcts(project)) return 5;
  return false;
}

/** @nestjs/throttler 5 took `ttl` in milliseconds (and a list of throttlers); 1 to 4 take seconds. */
export const throttlerMillisecondsSinceMajor = 5;

function throttlerTtl(project: ProjectFacts | undefined): ModuleFacts['throttlerTtl'] {
  const major = installedMajor(project, '@nestjs/throttler');
  if (!project?.nestThrottler || major === undefined) return false;
  return major >= throttlerMillisecondsSinceMajor ? 'milliseconds' : 'seconds';
}

export function moduleFacts(
  context: Pick<TemplateContext, 'project' | 'redis'> & { policy?: Policy },
): ModuleFacts {
  const project = context.project;
  const fastifyMajor = project?.fastifyMajor ?? 5;
  const routeMethods = new Set((project?.routeMethods ?? []).map((method) => method.toUpperCase()));
  return {
    existing: project !== undefined,
    expressMajor: project?.expressMajor ?? 5,
    fastifyMajor,
    fastifyRange: `${fastifyMajor}.x`,
    nodeMajor: project?.nodeMajor ?? 20,
    typescript: (project?.language ?? 'ts') === 'ts',
    html: project?.html ?? false,
    corsMethods: corsMethodOrder.filter(
      (method) => method === 'GET' || method === 'POST' || routeMethods.has(method),
    ),
    fastifyNormalizeIp: fastifyNormalizeIp(project, fastifyMajor),
    expressRateLimitMajor: expressRateLimitMajor(project, context.redis),
    legacyHelmet: legacyHelmet(project),
    throttlerTtl: throttlerTtl(project),
    proxyAddrTrust: (project?.nodeMajor ?? 20) < nodeProtocolSinceMajor,
    randomUuid: (project?.nodeMajor ?? 20) >= nodeProtocolSinceMajor,
    secretCommand: secretCommand(project?.nodeMajor ?? 20),
    corsVariable: project?.corsVariable ?? 'CORS_ORIGINS',
    ownDatabaseVariable: project !== undefined && project.scaffolded !== true,
    bcryptPackage: project?.installed.bcryptjs !== undefined ? 'bcryptjs' : 'bcrypt',
    docker:
      project?.docker && context.policy
        ? dockerSteps(project.docker, project.nodeMajor, context.policy.docker.nodeImage)
        : false,
  };
}

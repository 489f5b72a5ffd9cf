import type { ProjectFacts, TemplateContext } from './generator.js';

/**
 * What the generated modules may use, derived once from the project's facts (TemplateContext.project). A new
 * scaffolded app has no facts: it gets today's defaults (Express 5, Fastify 5, Node 20, TypeScript, an API).
 */
export interface ModuleFacts {
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
  /** The express-rate-limit major the generated limiter is written for (the installed one when usable). */
  expressRateLimitMajor: 6 | 7 | 8;
  /** The bcrypt package the password module imports: the project's own bcryptjs (same API subset), else bcrypt. */
  bcryptPackage: 'bcrypt' | 'bcryptjs';
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
  return 8;
}

export function moduleFacts(context: Pick<TemplateContext, 'project' | 'redis'>): ModuleFacts {
  const project = context.project;
  const fastifyMajor = project?.fastifyMajor ?? 5;
  const routeMethods = new Set((project?.routeMethods ?? []).map((method) => method.toUpperCase()));
  return {
    expressMajor: project?.expressMajor ?? 5,
    fastifyMajor,
    fastifyRange: `${fastifyMajor}.x`,
    nodeMajor: project?.nodeMajor ?? 20,
    typescript: (project?.language ?? 'ts') === 'ts',
    html: project?.html ?? false,
    corsMethods: corsMethodOrder.filter(
      (method) => method === 'GET' || method === 'POST' || routeMethods.has(method),
    ),
    expressRateLimitMajor: expressRateLimitMajor(project, context.redis),
    bcryptPackage: project?.installed.bcryptjs !== undefined ? 'bcryptjs' : 'bcrypt',
  };
}

import { oldNodeBlocker, servesPages } from '../_shared/project/runtime.js';
import { relativeToRoot } from '../_shared/secrets/paths.js';
import type { SourceRule } from '../../src/engine/rule.js';
import { routesModulesLimit } from './routes-modules.js';
import {
  frameworkLabel,
  importsAny,
  mayCreateApp,
  reportMissingControl,
  trackApps,
  withoutNestAppsControlledElsewhere,
} from '../_shared/app/instances.js';

/** Packages that limit request rates (per client, per route or per account). */
const limiterPackages = new Set([
  'express-rate-limit',
  '@fastify/rate-limit',
  'fastify-rate-limit',
  'rate-limiter-flexible',
  'express-slow-down',
  'express-brute',
  'express-limiter',
  'rate-limit-redis',
  '@nestjs/throttler',
  'koa-ratelimit',
]);
/** A local module named for rate limiting: the generated `security/rate-limit`, or the user's own. */
const limiterModule = /rate-?limit|limiter|throttl/i;

/** A module that loads a limiter package or a module named for one: what a routes module would limit with. */
function mentionsLimiter(text: string): boolean {
  for (const [, specifier] of text.matchAll(/(?:require\(\s*|from\s+)['"]([^'"]+)['"]/g))
    if (limiterPackages.has(specifier) || limiterModule.test(specifier)) return true;
  return false;
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'missing-rate-limit',
    title: 'Express app or Fastify instance served without a rate limiter',
    description:
      'Without a per-client limit (the rules: 100 requests per minute), one client can brute-force logins, ' +
      'enumerate accounts or exhaust the service. The security checklist has no rate-limit item; the finding ' +
      'is filed under input validation, the closest control.',
    checklist: 'input-validation',
    severity: 'medium',
    cwe: [770, 307],
    fixable: true,
    hint: "Run `secure add rate-limit`: the policy's per-client limit (429 with Retry-After), wired before the routes.",
  },
  // Only files that create the app: `express()`, `Fastify({...})`, `require('express')()`.
  prefilter: mayCreateApp,
  // An app a test builds (supertest over `express()`) is a harness: the production app is judged.
  productionOnly: true,
  create(context) {
    return trackApps(context, (apps, modules) => {
      if (importsAny(modules, limiterPackages, limiterModule)) return;
      reportMissingControl(context, withoutNestAppsControlledElsewhere(context, apps, limiterPackages), {
        generator: 'rate-limit',
        perRoute: true,
        // `routes(app, db)`: the routes modules are read (NodeGoat's have no limiter), not taken on trust.
        routesHaveControl: (specifiers) => routesModulesLimit(context.file, specifiers, mentionsLimiter),
        isControl: (name) => limiterModule.test(name),
        message: (app) => `${frameworkLabel[app.framework]} \`${app.name}\` has no rate limit`,
        remedy: 'add express-rate-limit (or @fastify/rate-limit) with the policy limit before the routes',
        nestRemedy:
          'run `secure add rate-limit` (it wires main.ts), or register ThrottlerModule.forRoot with the policy limit and ThrottlerGuard as APP_GUARD',
        blocker: (context) => {
          const root = context.project.root;
          const pages = servesPages(root, relativeToRoot(context.file, root), context.text);
          // Wired right after the app is created, the limiter would count every page asset too.
          if (pages)
            return `this app serves HTML pages and their assets (${pages}): the limit wired before the routes would count every script, style and image of a page; put the limiter after express.static, or on the API and login routes, by hand`;
          return oldNodeBlocker(root, 'rate-limit');
        },
      });
    });
  },
};

export default rule;

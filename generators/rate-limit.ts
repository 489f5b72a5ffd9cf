import { moduleFacts } from '../src/engine/module-facts.js';
import type { GeneratorDeclaration } from '../src/engine/generator.js';

export const rateLimit: GeneratorDeclaration = {
  name: 'rate-limit',
  description:
    'per-client rate limit from the policy (its own 429 + Retry-After), shared in Redis with --redis',
  requires: ['config'],
  prompts: [
    {
      name: 'redis',
      flag: '--redis',
      message: 'Keep rate-limit counters in Redis (REDIS_URL)?',
      default: false,
    },
  ],
  dependencies: (context) =>
    // A NestJS app's own @nestjs/throttler takes the policy in place (src/add/nest/throttler.ts), its storage
    // kept: no second limiter.
    moduleFacts(context).throttlerTtl
      ? []
      : [
          ...(context.express ? ['express-rate-limit'] : ['@fastify/rate-limit', 'fastify-plugin']),
          ...(context.redis ? ['ioredis', ...(context.express ? ['rate-limit-redis'] : [])] : []),
        ],
  wiring: {
    express: {
      module: 'security/rate-limit',
      imports: ['rateLimiter'],
      statement: 'app.use(rateLimiter());',
      position: 'before-routes',
    },
    fastify: {
      module: 'security/rate-limit',
      imports: ['rateLimiter'],
      statement: 'app.register(rateLimiter());',
      position: 'before-routes',
    },
    // NestJS hands `app.use` middleware to its Express adapter, ahead of every controller route.
    nest: {
      module: 'security/rate-limit',
      imports: ['rateLimiter'],
      statement: 'app.use(rateLimiter());',
      position: 'before-routes',
    },
  },
};

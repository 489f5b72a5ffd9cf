import type { GeneratorDeclaration } from '../src/engine/generator.js';

/** Packages that sign or verify JWTs: a project using one has its auth, and a second would not accept its tokens. */
const jwtPackages = [
  'express-jwt',
  'jsonwebtoken',
  'passport-jwt',
  '@fastify/jwt',
  'fastify-jwt',
  '@nestjs/jwt',
];

export const auth: GeneratorDeclaration = {
  name: 'auth',
  description:
    'JWT access/refresh tokens with jose (HS256, typ, iss/aud, rotation with reuse detection), requireAuth per route, auth routes, an adapter for your user store',
  requires: ['config', 'password', 'validation', 'logging'],
  dependencies: (context) => ['jose', 'rate-limiter-flexible', ...(context.redis ? ['ioredis'] : [])],
  // Not wired: it needs the project's own user store, and a global requireAuth would lock its public routes.
  refuse: (context, project) => {
    const pkg = JSON.parse(project.read('package.json') ?? '{}') as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const found = jwtPackages.filter((name) => pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]);
    if (found.length === 0) return undefined;
    return {
      reason: `this project already signs or verifies JWTs with ${found.join(' and ')}; a second auth system would issue tokens the first does not accept, so nothing was added`,
      hint: `Bring its tokens to the policy instead (${context.policy.jwt.algorithm} pinned, ${context.policy.jwt.accessTokenMinutes}-minute access tokens): \`secure check --rule jwt-algorithm\` and \`--rule jwt-expiry\` show where, \`secure fix\` applies the safe changes; \`secure add password validation\` still work on their own.`,
    };
  },
  nextSteps: (context) => [
    'auth: write a UserStore over your users table (findByEmail, findById, insert, updatePasswordHash), then `const auth = createAuth({ users })` from security/auth-setup',
    context.project?.nest
      ? // Nest adds its body parser when the app starts, after everything main.ts hands to app.use.
        "auth: in main.ts mount `app.use('/auth', json(), auth.routes)` (json from express), and protect routes with `consumer.apply(auth.requireAuth).forRoutes(OrdersController)` in a module's configure(); docs/secure-add-auth.md has the details"
      : context.express
        ? "auth: mount `app.use('/auth', auth.routes)` after express.json(), and protect a route with `app.get('/orders', auth.requireAuth, handler)`; docs/secure-add-auth.md has the details"
        : "auth: mount `app.register(auth.routes, { prefix: '/auth' })`, and protect a route with `app.get('/orders', { preHandler: auth.requireAuth }, handler)`; docs/secure-add-auth.md has the details",
  ],
};

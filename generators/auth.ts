import type { GeneratorDeclaration } from '../src/engine/generator.js';

export const auth: GeneratorDeclaration = {
  name: 'auth',
  description:
    'JWT access/refresh tokens with jose (HS256, typ, iss/aud, rotation with reuse detection), requireAuth, auth routes',
  requires: ['config', 'password', 'validation', 'logging'],
  dependencies: (context) => ['jose', 'rate-limiter-flexible', ...(context.redis ? ['ioredis'] : [])],
  wiring: {
    express: {
      module: 'security/auth',
      imports: ['requireAuth'],
      statement: 'app.use(requireAuth(tokens));',
      position: 'before-routes',
    },
  },
};

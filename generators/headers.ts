import type { GeneratorDeclaration } from '../src/engine/generator.js';

export const headers: GeneratorDeclaration = {
  name: 'headers',
  description:
    'helmet: frameguard DENY, API CSP, the policy X-XSS-Protection, HSTS in production, no X-Powered-By',
  requires: ['config'],
  dependencies: (context) => (context.express ? ['helmet'] : ['@fastify/helmet', 'fastify-plugin']),
  wiring: {
    express: {
      module: 'security/headers',
      imports: ['securityHeaders'],
      statement: 'app.use(securityHeaders(settings));',
      position: 'before-routes',
    },
    fastify: {
      module: 'security/headers',
      imports: ['securityHeaders'],
      statement: 'app.register(securityHeaders(settings));',
      position: 'before-routes',
    },
    // NestJS hands `app.use` middleware to its Express adapter, ahead of every controller route.
    nest: {
      module: 'security/headers',
      imports: ['securityHeaders'],
      statement: 'app.use(securityHeaders(settings));',
      position: 'before-routes',
    },
  },
};

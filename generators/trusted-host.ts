import type { GeneratorDeclaration } from '../src/engine/generator.js';

export const trustedHost: GeneratorDeclaration = {
  name: 'trusted-host',
  description: 'refuses requests whose Host is not in ALLOWED_HOSTS with its own 400',
  requires: ['config'],
  dependencies: (context) => (context.fastify ? ['fastify-plugin'] : []),
  wiring: {
    express: {
      module: 'security/trusted-host',
      imports: ['trustedHost'],
      statement: 'app.use(trustedHost(settings));',
      position: 'before-routes',
    },
    fastify: {
      module: 'security/trusted-host',
      imports: ['trustedHost'],
      statement: 'app.register(trustedHost(settings));',
      position: 'before-routes',
    },
    // NestJS hands `app.use` middleware to its Express adapter, ahead of every controller route.
    nest: {
      module: 'security/trusted-host',
      imports: ['trustedHost'],
      statement: 'app.use(trustedHost(settings));',
      position: 'before-routes',
    },
  },
};

import type { GeneratorDeclaration } from '../src/engine/generator.js';
import { moduleFacts } from '../src/engine/module-facts.js';

export const cors: GeneratorDeclaration = {
  name: 'cors',
  description: 'CORS allowlist from CORS_ORIGINS: exact origins only, Vary: Origin, never *',
  requires: ['config'],
  // NestJS brings the cors package with its Express adapter (`app.enableCors`): nothing to add.
  dependencies: (context) =>
    context.project?.nest ? [] : context.express ? ['cors'] : ['@fastify/cors', 'fastify-plugin'],
  devDependencies: (context) =>
    context.express && !context.project?.nest && moduleFacts(context).typescript ? ['@types/cors'] : [],
  wiring: {
    express: {
      module: 'security/cors',
      imports: ['corsMiddleware'],
      statement: 'app.use(corsMiddleware(settings));',
      position: 'before-routes',
    },
    fastify: {
      module: 'security/cors',
      imports: ['corsAllowlist'],
      statement: 'app.register(corsAllowlist(settings));',
      position: 'before-routes',
    },
    nest: {
      module: 'security/cors',
      imports: ['corsOptions'],
      statement: 'app.enableCors(corsOptions(settings));',
      position: 'before-routes',
    },
  },
};

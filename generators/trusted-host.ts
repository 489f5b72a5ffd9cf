import type { GeneratorDeclaration } from '../src/engine/generator.js';

export const trustedHost: GeneratorDeclaration = {
  name: 'trusted-host',
  description: 'refuses requests whose Host is not in ALLOWED_HOSTS (400)',
  requires: ['config'],
  wiring: {
    express: {
      module: 'security/trusted-host',
      imports: ['trustedHost'],
      statement: 'app.use(trustedHost(settings));',
      position: 'before-routes',
    },
  },
};

import type { GeneratorDeclaration } from '../src/engine/generator.js';

export const docker: GeneratorDeclaration = {
  name: 'docker',
  description: 'multi-stage Dockerfile: pinned base, npm ci --omit=dev, USER node, one EXPOSE, HEALTHCHECK',
};

import type { GeneratorDeclaration } from '../src/engine/generator.js';

export const validation: GeneratorDeclaration = {
  name: 'validation',
  description: "zod schemas mirroring the rules' UserCreate, with the policy's password limits",
  requires: ['config'],
  dependencies: () => ['zod'],
};

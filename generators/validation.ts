import type { GeneratorDeclaration } from '../src/engine/generator.js';
import { refuseOldTypescript } from './versions.js';

export const validation: GeneratorDeclaration = {
  name: 'validation',
  description: "zod schemas mirroring the rules' UserCreate, with the policy's password limits",
  requires: ['config'],
  dependencies: () => ['zod'],
  refuse: (context) => refuseOldTypescript(context),
};

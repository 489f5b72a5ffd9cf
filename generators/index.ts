import type { GeneratorDeclaration } from '../src/engine/generator.js';

/** Every generator, one line each. */
export const generators: GeneratorDeclaration[] = [];

import type { GeneratorDeclaration } from '../src/engine/generator.js';

export const logging: GeneratorDeclaration = {
  name: 'logging',
  description: 'pino logger redacting authorization headers, cookies, passwords and tokens',
  dependencies: (context) => ['pino', ...(context.express ? ['pino-http'] : [])],
};

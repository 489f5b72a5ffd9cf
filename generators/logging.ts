import type { GeneratorDeclaration } from '../src/engine/generator.js';
import { refuseOldTypescript } from './versions.js';

export const logging: GeneratorDeclaration = {
  name: 'logging',
  description: 'pino logger redacting authorization headers, cookies, passwords and tokens',
  // pino-http only where something wires it: the scaffolded Express app (generators/app.ts), not `secure add`.
  dependencies: () => ['pino'],
  refuse: (context) => refuseOldTypescript(context, 'pino'),
};

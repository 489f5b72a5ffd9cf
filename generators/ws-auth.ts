import type { GeneratorDeclaration } from '../src/engine/generator.js';
import { moduleFacts } from '../src/engine/module-facts.js';

export const wsAuth: GeneratorDeclaration = {
  name: 'ws-auth',
  description: 'WebSocket auth: socket.io io.use + Origin check, or ws in noServer mode (401 before any 101)',
  requires: ['config', 'auth'],
  when: (context) => context.ws !== 'none',
  prompts: [
    {
      name: 'ws',
      flag: '--ws',
      message: 'WebSocket library',
      choices: ['socket.io', 'ws', 'none'],
      default: 'socket.io',
    },
  ],
  dependencies: (context) => {
    if (context.ws === 'socket.io')
      return ['socket.io', ...(context.redis ? ['@socket.io/redis-adapter'] : [])];
    return context.ws === 'ws' ? ['ws'] : [];
  },
  // socket.io-client serves the scaffolded app's own tests; @types/ws only TypeScript.
  devDependencies: (context) => {
    const facts = moduleFacts(context);
    if (context.ws === 'socket.io') return facts.existing ? [] : ['socket.io-client'];
    return context.ws === 'ws' && facts.typescript ? ['@types/ws'] : [];
  },
};

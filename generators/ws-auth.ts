import type { GeneratorDeclaration } from '../src/engine/generator.js';

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
  devDependencies: (context) => {
    if (context.ws === 'socket.io') return ['socket.io-client'];
    return context.ws === 'ws' ? ['@types/ws'] : [];
  },
};

import type { GeneratorDeclaration } from '../src/engine/generator.js';

export const password: GeneratorDeclaration = {
  name: 'password',
  description: "password hashing with the policy's cost (bcrypt, 72-byte guard) or argon2id, rehash on login",
  requires: ['config'],
  dependencies: (context) => (context.policy.password.hasher === 'bcrypt' ? ['bcrypt'] : ['@node-rs/argon2']),
  devDependencies: (context) => (context.policy.password.hasher === 'bcrypt' ? ['@types/bcrypt'] : []),
};

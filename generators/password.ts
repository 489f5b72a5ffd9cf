import type { GeneratorDeclaration } from '../src/engine/generator.js';
import { moduleFacts } from '../src/engine/module-facts.js';

export const password: GeneratorDeclaration = {
  name: 'password',
  description: "password hashing with the policy's cost (bcrypt, 72-byte guard) or argon2id, rehash on login",
  requires: ['config'],
  dependencies: (context) =>
    context.policy.password.hasher === 'bcrypt' ? [moduleFacts(context).bcryptPackage] : ['@node-rs/argon2'],
  // bcryptjs ships its own types; plain-JavaScript projects need none.
  devDependencies: (context) => {
    const facts = moduleFacts(context);
    return context.policy.password.hasher === 'bcrypt' && facts.bcryptPackage === 'bcrypt' && facts.typescript
      ? ['@types/bcrypt']
      : [];
  },
};

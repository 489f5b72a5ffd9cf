import type { GeneratorDeclaration } from '../src/engine/generator.js';
import { app } from './app.js';
import { auth } from './auth.js';
import { config } from './config.js';
import { cors } from './cors.js';
import { docker } from './docker.js';
import { fastApiApp } from './fastapi-app.js';
import { headers } from './headers.js';
import { logging } from './logging.js';
import { password } from './password.js';
import { rateLimit } from './rate-limit.js';
import { trustedHost } from './trusted-host.js';
import { validation } from './validation.js';
import { wsAuth } from './ws-auth.js';

/** Every generator, one line each. */
export const generators: GeneratorDeclaration[] = [
  config,
  logging,
  password,
  validation,
  auth,
  cors,
  headers,
  trustedHost,
  rateLimit,
  wsAuth,
  docker,
  app,
  fastApiApp,
];

export function findGenerator(name: string): GeneratorDeclaration | undefined {
  return generators.find((generator) => generator.name === name);
}

/** A generator and everything it requires, dependencies first, each once. */
export function withRequirements(names: readonly string[]): GeneratorDeclaration[] {
  const ordered: GeneratorDeclaration[] = [];
  const visit = (name: string) => {
    const generator = findGenerator(name);
    if (!generator) throw new Error(`unknown generator "${name}"`);
    if (ordered.includes(generator)) return;
    for (const required of generator.requires ?? []) visit(required);
    ordered.push(generator);
  };
  for (const name of names) visit(name);
  return ordered;
}

export { versions } from './versions.js';

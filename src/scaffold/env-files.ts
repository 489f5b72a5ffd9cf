import { randomBytes } from 'node:crypto';
import type { EnvVariable, GeneratorDeclaration, TemplateContext } from '../engine/generator.js';

export function envVariablesOf(
  generators: readonly GeneratorDeclaration[],
  context: TemplateContext,
): EnvVariable[] {
  const seen = new Map<string, EnvVariable>();
  for (const generator of generators) {
    for (const variable of generator.env?.(context) ?? [])
      if (!seen.has(variable.name)) seen.set(variable.name, variable);
  }
  return [...seen.values()];
}

/** .env.example: every variable with a comment, names only (a secret never has a value here). */
export function envExample(variables: readonly EnvVariable[]): string {
  const lines = ['# Copy to .env and fill in. Variables set in the environment win over .env.', ''];
  for (const variable of variables) lines.push(`# ${variable.description}`, `${variable.name}=`, '');
  return lines.join('\n');
}

/**
 * A random secret the generated config accepts: 48 bytes (384 bits) from the CSPRNG, base64url. The loop
 * only guards the config's "not a plain word" check, which a random value fails with negligible odds.
 */
export function generateSecret(): string {
  for (;;) {
    const secret = randomBytes(48).toString('base64url');
    if (!/^[a-z]+$/i.test(secret) && new Set(secret).size >= 16) return secret;
  }
}

/** The developer's .env: fresh secrets and local defaults. Written with mode 0600 and git-ignored. */
export function dotEnv(variables: readonly EnvVariable[], context: TemplateContext): string {
  const lines = [`# Local settings for ${context.appName}. Never commit this file.`];
  for (const variable of variables) {
    if (variable.secret) lines.push(`${variable.name}=${generateSecret()}`);
    else if (variable.example !== undefined) lines.push(`${variable.name}=${variable.example}`);
  }
  return `${lines.join('\n')}\n`;
}

const assignedName = (line: string) => /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=/.exec(line)?.[1];

/**
 * A .env already in the folder (`--force`) holds the user's settings and secrets, which nothing could give
 * back once replaced: it is kept as it is, and only the variables it lacks are appended from ours (a fresh
 * secret among them), so that the new app starts. Undefined when it lacks none.
 */
export function mergeDotEnv(existing: string, ours: string): string | undefined {
  const present = new Set(existing.split(/\r?\n/).map(assignedName).filter(Boolean));
  const missing = ours.split('\n').filter((line) => {
    const name = assignedName(line);
    return name !== undefined && !present.has(name);
  });
  if (missing.length === 0) return undefined;
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const separator = existing === '' || existing.endsWith('\n') ? '' : eol;
  return `${existing}${separator}# Added by create-secure-app${eol}${missing.join(eol)}${eol}`;
}

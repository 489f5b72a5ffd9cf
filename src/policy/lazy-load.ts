import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rulesPreset } from './defaults.js';
import type { Policy } from './schema.js';

/**
 * The policy of a project without a secure.config.json is the rules preset as it stands: there is no user
 * input to validate, so `secure check` does not load zod and the schema (a tenth of a warm run) for it. A
 * config file does need the validator, which is loaded on demand (`preparePolicyLoader`) because project
 * facts are read synchronously, in the middle of the walk.
 */

export const configFileName = 'secure.config.json';

type LoadPolicy = (projectRoot: string, configFile?: string) => Policy;

let loader: LoadPolicy | undefined;

/** Thrown when a config file needs the validator before `preparePolicyLoader` has run: load it, then retry. */
export class PolicyLoaderNeeded extends Error {
  constructor(readonly file: string) {
    super(`${file} needs the policy validator, which is not loaded yet`);
  }
}

export async function preparePolicyLoader(): Promise<void> {
  loader ??= (await import('./load.js')).loadPolicy;
}

/** A fresh copy, as the validator's parse would return: callers may hold it per project. */
export function defaultPolicy(): Policy {
  return structuredClone(rulesPreset);
}

/** `loadPolicy`'s answer, without loading the validator when the project has no config file. */
export function policyOf(projectRoot: string, configFile?: string): Policy {
  if (loader) return loader(projectRoot, configFile);
  const file = configFile ?? join(projectRoot, configFileName);
  if (configFile === undefined && !existsSync(file)) return defaultPolicy();
  throw new PolicyLoaderNeeded(file);
}

import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SecureError } from '../errors.js';
import { presets, rulesMaximums } from './defaults.js';
import { issueSentence, jsonErrorLocation } from './issue-text.js';
import { configFileName } from './lazy-load.js';
import { policySchema, presetNames, type Policy, type PolicyOverrides } from './schema.js';

export { configFileName };

/** Every object of the policy schema made optional, recursively, still refusing unknown keys. */
function deepPartial(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, value] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      shape[key] = deepPartial(value).optional();
    }
    return z.object(shape).strict();
  }
  return schema;
}

const overridesSchema = deepPartial(policySchema);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge<T>(base: T, overrides: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(overrides))
    return (overrides === undefined ? base : overrides) as T;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) result[key] = merge(result[key], value);
  return result as T;
}

function keyPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(root)';
}

function configError(source: string, message: string): SecureError {
  return new SecureError('CONFIG_INVALID', `${source}: ${message}`, {
    hint: `Fix ${configFileName} or remove the key: without it the security rules' defaults apply.`,
  });
}

function firstIssue(source: string, error: z.ZodError): SecureError {
  const issue = error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const key = keyPath([...issue.path, issue.keys[0]]);
    return configError(source, `unknown key "${key}"`);
  }
  return configError(source, `${keyPath(issue.path)}: ${issueSentence(issue)}`);
}

/** Applies overrides (already parsed JSON) to the chosen preset and validates the result. */
export function resolvePolicy(overrides: unknown, source = configFileName): Policy {
  if (!isPlainObject(overrides)) throw configError(source, 'must be a JSON object');
  const presetName = overrides.preset ?? 'rules';
  if (typeof presetName !== 'string' || !(presetNames as readonly string[]).includes(presetName)) {
    throw configError(source, `preset: must be one of ${presetNames.join(', ')}`);
  }
  const parsedOverrides = overridesSchema.safeParse(overrides, { reportInput: true });
  if (!parsedOverrides.success) throw firstIssue(source, parsedOverrides.error);

  const merged = merge(presets[presetName as keyof typeof presets], parsedOverrides.data as PolicyOverrides);
  const parsed = policySchema.safeParse(merged, { reportInput: true });
  if (!parsed.success) throw firstIssue(source, parsed.error);
  const policy = parsed.data;

  if (policy.jwt.accessTokenMinutes > rulesMaximums.accessTokenMinutes) {
    throw configError(
      source,
      `jwt.accessTokenMinutes: ${policy.jwt.accessTokenMinutes} is over the rules' maximum of ${rulesMaximums.accessTokenMinutes}`,
    );
  }
  if (policy.jwt.refreshTokenDays > rulesMaximums.refreshTokenDays) {
    throw configError(
      source,
      `jwt.refreshTokenDays: ${policy.jwt.refreshTokenDays} is over the rules' maximum of ${rulesMaximums.refreshTokenDays}`,
    );
  }
  const perMinute = (policy.rateLimit.max * 60) / policy.rateLimit.windowSeconds;
  if (perMinute > rulesMaximums.requestsPerMinute) {
    throw configError(
      source,
      `rateLimit.max: ${policy.rateLimit.max} per ${policy.rateLimit.windowSeconds}s is over the rules' maximum of ${rulesMaximums.requestsPerMinute} per minute`,
    );
  }
  if (policy.password.hasher === 'bcrypt' && policy.password.maxBytes === null) {
    throw configError(source, 'password.maxBytes: bcrypt reads at most 72 bytes; set maxBytes to 72 or less');
  }
  if (
    policy.password.maxBytes !== null &&
    policy.password.maxBytes > 72 &&
    policy.password.hasher === 'bcrypt'
  ) {
    throw configError(
      source,
      `password.maxBytes: bcrypt reads at most 72 bytes, so ${policy.password.maxBytes} would be truncated silently`,
    );
  }
  if (policy.password.minLength > policy.password.maxLength) {
    throw configError(source, 'password.minLength: must not be greater than password.maxLength');
  }
  return policy;
}

/**
 * Reads secure.config.json from a project root when present; the rules preset otherwise. With `configFile`
 * (`--config <file>`, absolute), that file is the policy of every project in the run, and it must exist.
 */
export function loadPolicy(projectRoot: string, configFile?: string): Policy {
  const file = configFile ?? join(projectRoot, configFileName);
  const label = configFile ?? configFileName;
  if (!existsSync(file)) {
    if (configFile === undefined) return resolvePolicy({});
    throw new SecureError('USAGE', `--config ${configFile}: no such file`, {
      hint: `Pass the path of a ${configFileName} (relative to the current folder), or leave --config out to use each project's own.`,
    });
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SecureError('CONFIG_UNREADABLE', `${file}: cannot be read (${(error as Error).message})`, {
      hint: 'Check the file permissions.',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    // A syntax error has no key to remove: say where it is instead.
    const reason = (error as Error).message.replace(/ in JSON at position \d+.*$/, '');
    const at = jsonErrorLocation(text.replace(/^\uFEFF/, ''), (error as Error).message);
    throw new SecureError(
      'CONFIG_INVALID',
      `${label}${at ? `:${at.line}:${at.column}` : ''}: not valid JSON (${reason})`,
      {
        hint: `Fix the JSON syntax${at ? ` at line ${at.line}, column ${at.column}` : ''} (a missing comma or quote, or a trailing comma).`,
      },
    );
  }
  return resolvePolicy(json, label);
}

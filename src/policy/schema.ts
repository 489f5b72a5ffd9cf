import { z } from 'zod';
import { presetNames, type PresetName } from './preset-names.js';

/**
 * The shape of the security policy. Defaults live in defaults.ts (the one copy of every number);
 * this file only says what a value may be. Maximums that come from the security rules are enforced
 * in load.ts against the rules preset, so an override can tighten a rule but never loosen it.
 */
export { presetNames, type PresetName };

const origin = z
  .string()
  .refine((value) => value !== '*', { message: "'*' allows every origin; list the exact origins instead" })
  .refine((value) => value !== 'null', {
    message: "'null' is not a safe origin; list the exact origins instead",
  })
  .refine((value) => /^https?:\/\/[^/\s*]+$/.test(value), {
    message:
      'must be an exact origin such as https://app.example.com (scheme and host, no path, no wildcard)',
  });

const host = z
  .string()
  .min(1)
  .refine((value) => value !== '*', { message: "'*' accepts every Host header; list the exact host names" });

export const policySchema = z
  .object({
    preset: z.enum(presetNames),
    jwt: z
      .object({
        algorithm: z.literal('HS256'),
        accessTokenMinutes: z.number().int().positive(),
        refreshTokenDays: z.number().int().positive(),
        clockToleranceSeconds: z.number().int().min(0).max(60),
        issuer: z.string().min(1),
        audience: z.string().min(1),
      })
      .strict(),
    password: z
      .object({
        hasher: z.enum(['bcrypt', 'argon2id']),
        bcryptCost: z.number().int().min(10).max(15),
        argon2: z
          .object({
            memoryKiB: z.number().int().min(19456),
            iterations: z.number().int().min(2),
            parallelism: z.literal(1),
          })
          .strict(),
        minLength: z.number().int().min(8),
        maxLength: z.number().int().positive(),
        /** bcrypt reads at most 72 bytes; longer input is refused instead of silently truncated. */
        maxBytes: z.number().int().positive().nullable(),
        requireUppercase: z.boolean(),
        rejectCommonPasswords: z.boolean(),
      })
      .strict(),
    cors: z
      .object({
        origins: z.array(origin),
        credentials: z.boolean(),
      })
      .strict(),
    trustedHosts: z.array(host),
    rateLimit: z
      .object({
        max: z.number().int().positive(),
        windowSeconds: z.number().int().positive(),
        login: z
          .object({
            maxFailures: z.number().int().positive(),
            windowMinutes: z.number().int().positive(),
          })
          .strict(),
      })
      .strict(),
    headers: z
      .object({
        contentTypeOptions: z.literal('nosniff'),
        frameOptions: z.literal('DENY'),
        xssProtection: z.enum(['1; mode=block', '0']),
        referrerPolicy: z.literal('no-referrer'),
        hstsMaxAgeSeconds: z.number().int().min(31536000),
      })
      .strict(),
    http: z
      .object({
        bodyLimitKb: z.number().int().positive().max(1024),
      })
      .strict(),
    websocket: z
      .object({
        maxMessageKb: z.number().int().positive().max(1024),
      })
      .strict(),
    docker: z
      .object({
        user: z
          .string()
          .min(1)
          .refine((value) => value !== 'root' && value !== '0', {
            message: 'the container must not run as root',
          }),
        nodeImage: z
          .string()
          .min(1)
          .refine((value) => !/:latest$/.test(value) && value.includes(':'), {
            message: 'pin the base image to a version tag (not :latest)',
          }),
        port: z.number().int().min(1024).max(65535),
        maxExposedPorts: z.literal(1),
      })
      .strict(),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;

/** What secure.config.json may contain: any part of the policy, deeply optional, plus the preset name. */
export type PolicyOverrides = DeepPartial<Policy>;
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

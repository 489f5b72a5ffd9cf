import type { Policy, PresetName } from './schema.js';

/**
 * The one copy of every number in the security rules (../shared/rules/security-rules.md).
 * Templates render from these values and the checks compare against them.
 */
export const rulesPreset: Policy = {
  preset: 'rules',
  jwt: {
    algorithm: 'HS256',
    accessTokenMinutes: 30,
    refreshTokenDays: 7,
    clockToleranceSeconds: 5,
    issuer: 'urn:secure-app:auth',
    audience: 'urn:secure-app:api',
  },
  password: {
    hasher: 'bcrypt',
    bcryptCost: 12,
    argon2: { memoryKiB: 19456, iterations: 2, parallelism: 1 },
    minLength: 8,
    maxLength: 100,
    maxBytes: 72,
    requireUppercase: true,
    rejectCommonPasswords: false,
  },
  cors: { origins: [], credentials: false },
  trustedHosts: [],
  rateLimit: { max: 100, windowSeconds: 60, login: { maxFailures: 5, windowMinutes: 15 } },
  headers: {
    contentTypeOptions: 'nosniff',
    frameOptions: 'DENY',
    xssProtection: '1; mode=block',
    referrerPolicy: 'no-referrer',
    hstsMaxAgeSeconds: 31536000,
  },
  http: { bodyLimitKb: 100 },
  websocket: { maxMessageKb: 64 },
  docker: { user: 'node', nodeImage: 'node:22.21.1-bookworm-slim', port: 3000, maxExposedPorts: 1 },
};

/**
 * OWASP ASVS 5.0 where it differs from the rules (../shared/acceptance/security-cases.md, section 2):
 * argon2id, X-XSS-Protection "0", no composition rule, a common-password check.
 */
export const asvsPreset: Policy = {
  ...rulesPreset,
  preset: 'asvs',
  password: {
    ...rulesPreset.password,
    hasher: 'argon2id',
    maxBytes: null,
    requireUppercase: false,
    rejectCommonPasswords: true,
  },
  headers: { ...rulesPreset.headers, xssProtection: '0' },
};

export const presets: Record<PresetName, Policy> = { rules: rulesPreset, asvs: asvsPreset };

/**
 * Limits an override may tighten but never loosen. They are read off the rules preset, so the rules
 * stay the single source of these numbers.
 */
export const rulesMaximums = {
  accessTokenMinutes: rulesPreset.jwt.accessTokenMinutes,
  refreshTokenDays: rulesPreset.jwt.refreshTokenDays,
  requestsPerMinute: (rulesPreset.rateLimit.max * 60) / rulesPreset.rateLimit.windowSeconds,
} as const;

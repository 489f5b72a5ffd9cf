import { describePrefilter } from '../../test/helpers/prefilter-suite.js';
import rule from './rule.js';

const reportedShapes: Record<string, string> = {
  'an env fallback in a chain':
    "export const secret = process.env.A || process.env.JWT_SECRET || 'dev-secret';\n",
  "a fallback stored under a secret's name":
    "export const config = {\n  sessionSecret:\n    process.env.SESSION ??\n    // local only\n    ('keyboard cat'),\n};\n",
  'a destructuring default of process.env':
    "const {\n  PORT = '3000',\n  DB_PASSWORD = 'postgres',\n}: NodeJS.ProcessEnv = process.env;\nexport { PORT, DB_PASSWORD };\n",
  'a default credential pair': "export const admin = { user: 'root', password: 'changeme' };\n",
  'a comparison with a default':
    "export function check(user: { password: string }) {\n  return ('admin') === user.password;\n}\n",
  'a guessable cookie secret':
    "import cookieParser from 'cookie-parser';\nexport const middleware = cookieParser('secret');\n",
  'a ternary fallback for production only':
    "export const options = {\n  secret: process.env.NODE_ENV === 'production'\n    ? /* set in prod */ process.env.SECRET\n    : 'secret',\n};\n",
  'a ternary with the literal first':
    "export const token = !process.env.CI\n  ? ('local-token')\n  : process.env.API_TOKEN;\n",
  'a cast env read with a fallback':
    "export const jwtSecret = (process.env.JWT_SECRET as string) || 'dev-secret';\nexport const dbPass = process.env.DB_PASS! ?? 'postgres';\n",
  'a fallback for a secret named secret first': "export const key = process.env.SECRET_JWT || 'local-jwt';\n",
};

const cleanFiles: Record<string, string> = {
  'a cache keyed by Object.keys':
    "export function cacheKey(query: Record<string, string>): string {\n  return Object.keys(query)\n    .sort()\n    .map((key) => `${key}=${query[key]}`)\n    .join('&');\n}\nexport type Keys = keyof typeof defaults;\nconst defaults = { page: 1 };\n",
  'a lexer with tokens':
    "export interface Token {\n  type: string;\n  value: string;\n}\nexport function tokenize(input: string): Token[] {\n  const tokens: Token[] = [];\n  for (const token of input.split(' ')) tokens.push({ type: 'word', value: token });\n  return tokens;\n}\n",
  'a form type with a password field':
    "export interface LoginForm {\n  email: string;\n  password: string;\n}\nexport const passwordField = 'password';\nexport function isValid(form: LoginForm): boolean {\n  return form.password.length >= 12 && form.email.includes('@');\n}\n",
  'request headers read for a trace id':
    "import type { Request } from 'express';\nexport function traceId(req: Request): string | undefined {\n  const key = 'x-trace-id';\n  return req.headers[key] as string | undefined;\n}\n",
  'a log level read with a fallback':
    "import pino from 'pino';\nexport const logger = pino({\n  level: process.env.LOG_LEVEL ?? 'info',\n  redact: ['req.headers.authorization', 'password', 'token'],\n});\n",
  'roles compared with admin':
    "export function isAdmin(user: { role: string; name: string }) {\n  return user.role === 'admin' || user.role === 'root';\n}\n",
};

describePrefilter(rule, {
  dir: import.meta.dirname,
  path: 'src/server/config.ts',
  moduleSystem: 'esm',
  minReportedFixtures: 5,
  reported: reportedShapes,
  clean: cleanFiles,
});

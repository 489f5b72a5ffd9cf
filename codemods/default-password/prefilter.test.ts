import { describePrefilter } from '../../test/helpers/prefilter-suite.js';
import { filesWithoutSecrets } from '../../test/helpers/secret-free-files.js';
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
  "a secret's fallback given to the project's env helper":
    "import { getEnvironmentString } from './environment';\nexport const Config = Object.freeze({\n  JWT_SECRET: getEnvironmentString('JWT_SECRET', 'jwtSecretPassphrase'),\n});\n",
  'a fallback set when the variable is missing':
    "if (!process.env.JWT_SECRET) {\n  process.env.JWT_SECRET = 'securekey';\n}\n",
};

const cleanFiles: Record<string, string> = {
  ...filesWithoutSecrets,
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

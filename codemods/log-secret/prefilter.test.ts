import { describePrefilter } from '../../test/helpers/prefilter-suite.js';
import rule from './rule.js';

const reportedShapes: Record<string, string> = {
  'a cast logger':
    "export function login(this: any, user: { password: string }) {\n  (this.logger as any).info('login', user.password);\n}\n",
  'a computed method of a named log':
    "export function audit(auditLog: any, user: { apiKey: string }) {\n  auditLog['info'](JSON.stringify(user.apiKey));\n}\n",
  'an optional call over two lines':
    'export function trace(log: any, req: any) {\n  log\n    ?.debug({ auth: req.headers.authorization });\n}\n',
  'a whole request body': 'export function handler(req: any, logger: any) {\n  logger.info(req.body);\n}\n',
  'a variable bound to the cookie header':
    "export function handler(req: any, logger: any) {\n  const cookie = req.get('cookie');\n  logger!.warn(cookie);\n}\n",
  'a private logger field':
    'export class Auth {\n  #logger = console;\n  run(user: { password: string }) {\n    this.#logger.info(user.password);\n  }\n}\n',
  'a child logger':
    'export function run(logger: any, apiToken: string) {\n  logger.child({ a: 1 }).info(apiToken);\n}\n',
  'a logger from a factory':
    "import { getLogger } from 'log4js';\nexport function run(secret: string) {\n  getLogger('x').debug(secret);\n}\n",
  'a logger class':
    "import { Logger } from '@nestjs/common';\nexport const run = (token: string) => Logger.log(token);\n",
  'a constant logger':
    "import pino from 'pino';\nconst APP_LOGGER = pino();\nexport const run = (dbpass: string) => APP_LOGGER.error({ dbpass });\n",
};

const cleanFiles: Record<string, string> = {
  'logs next to a cache key':
    "import { logger } from './logger';\nexport function cached(query: Record<string, string>) {\n  const cacheKey = Object.keys(query).sort().join('&');\n  logger.debug({ cacheKey }, 'cache lookup');\n  return cacheKey;\n}\n",
  'a lexer that logs its tokens count':
    "export function tokenize(input: string): string[] {\n  const tokens = input.split(' ');\n  console.log(`${tokens.length} tokens`);\n  return tokens;\n}\n",
  'logs of an order':
    "import { logger } from './logger';\nexport function handle(orderId: string, items: string[]) {\n  logger.info({ orderId, count: items.length }, 'order placed');\n  console.log(Object.keys({ orderId }));\n}\n",
};

describePrefilter(rule, {
  dir: import.meta.dirname,
  path: 'src/server/app.ts',
  moduleSystem: 'esm',
  minReportedFixtures: 4,
  reported: reportedShapes,
  clean: cleanFiles,
});

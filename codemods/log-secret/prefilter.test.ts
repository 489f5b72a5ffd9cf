import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../src/engine/analyze-source.js';
import { matchesPrefilter, type ProjectInfo } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';
import { loadFixtures } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

const project: ProjectInfo = { root: '/p', policy: rulesPreset, moduleSystem: 'esm' };
const parsed = (text: string) => matchesPrefilter(rule.prefilter, text);
/** The findings with no prefilter at all: what the prefilter must never hide. */
const findings = (text: string, relativePath: string, on = project) =>
  checkSource(text, join(on.root, relativePath), [{ ...rule, prefilter: /(?:)/ }], on).findings;

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

describe('log-secret prefilter', () => {
  it('lets through every fixture the rule reports on', () => {
    const reported = loadFixtures(import.meta.dirname).filter(
      (fixture) => findings(fixture.text, fixture.relativePath, fixture.project).length > 0,
    );
    expect(reported.length).toBeGreaterThanOrEqual(4);
    for (const fixture of reported) expect(parsed(fixture.text), fixture.name).toBe(true);
  });

  // Shapes the rule reports (checked here without a prefilter): each must reach the parser.
  it.each(Object.entries(reportedShapes))('lets through %s', (_, text) => {
    expect(findings(text, 'src/server/app.ts').length).toBeGreaterThan(0);
    expect(parsed(text)).toBe(true);
  });

  // Files the former prefilter parsed for a word (`key`, `token`, `admin`...) although nothing here can be reported.
  it.each(Object.entries(cleanFiles))('skips %s', (_, text) => {
    expect(findings(text, 'src/server/app.ts')).toEqual([]);
    expect(parsed(text)).toBe(false);
  });
});

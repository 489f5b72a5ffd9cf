import { describe, expect, it } from 'vitest';
import { idiomaticJavaScript } from '../../src/add/javascript.js';

const module = `import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { isAllowedHost, type HostList } from './allowlists.js';

/** The policy's headers. */
export function securityHeaders(settings: { production: boolean }, hosts?: HostList): RequestHandler[] {
  const limit = (settings as { limit?: number }).limit!;

  return [helmet({ hsts: settings.production }), check(hosts ?? [], limit)];
}

interface Options {
  strict: boolean;
}

function check<T extends string>(hosts: readonly T[], limit: number): RequestHandler {
  return (request, _response, next) => next(isAllowedHost(request.headers.host, hosts) ? undefined : limit);
}

export const names: string[] = ['a'];
`;

describe('generated modules as JavaScript', () => {
  it('ESM: types erased where they stand, blank lines and comments kept, type-only imports gone', () => {
    expect(idiomaticJavaScript(module, 'esm')).toBe(`import helmet from 'helmet';
import { isAllowedHost } from './allowlists.js';

/** The policy's headers. */
export function securityHeaders(settings, hosts) {
  const limit = settings.limit;

  return [helmet({ hsts: settings.production }), check(hosts ?? [], limit)];
}

function check(hosts, limit) {
  return (request, _response, next) => next(isAllowedHost(request.headers.host, hosts) ? undefined : limit);
}

export const names = ['a'];
`);
  });

  it('CommonJS: require and one module.exports, no __esModule or renamed bindings', () => {
    const javascript = idiomaticJavaScript(module, 'cjs')!;
    expect(javascript.split('\n').slice(0, 2)).toEqual([
      `const helmet = require('helmet');`,
      `const { isAllowedHost } = require('./allowlists.js');`,
    ]);
    expect(javascript).toContain('\nfunction securityHeaders(settings, hosts) {\n');
    expect(javascript.endsWith('\nmodule.exports = { securityHeaders, names };\n')).toBe(true);
    expect(javascript).not.toMatch(/__esModule|_1\b|\bexport\b/);
  });

  it('CommonJS: a re-export becomes a require and joins module.exports; one that shadows a name does not', () => {
    const reexport = `import { cspDirectives } from './header-values.js';\n\nexport { answerClientError as answer } from './header-values.js';\n\nexport const directives = cspDirectives;\n`;
    expect(idiomaticJavaScript(reexport, 'cjs')).toBe(
      `const { cspDirectives } = require('./header-values.js');\n\nconst { answerClientError: answer } = require('./header-values.js');\n\nconst directives = cspDirectives;\n\nmodule.exports = { answer, directives };\n`,
    );
    expect(
      idiomaticJavaScript(`import { a } from './x.js';\nexport { a } from './y.js';\n`, 'cjs'),
    ).toBeUndefined();
  });

  it('leaves what has no plain erasure to the compiler: enums, parameter properties, export default', () => {
    expect(idiomaticJavaScript(`export enum Level { Low }\n`, 'esm')).toBeUndefined();
    expect(
      idiomaticJavaScript(
        `export class E extends Error {\n  constructor(readonly code: string) {\n    super(code);\n  }\n}\n`,
        'cjs',
      ),
    ).toBeUndefined();
    expect(idiomaticJavaScript(`export default function f() {}\n`, 'cjs')).toBeUndefined();
    expect(idiomaticJavaScript(`const here = import.meta.url;\nexport { here };\n`, 'cjs')).toBeUndefined();
  });
});

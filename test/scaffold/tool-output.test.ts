import { describe, expect, it } from 'vitest';
import { meaningfulLines } from '../../src/scaffold/tool-output.js';

describe('meaningfulLines (the cause of a failed install)', () => {
  it('keeps the lines naming the error and drops stack frames, log paths and proxy advice', () => {
    const npm = [
      'npm error code E404',
      'npm error 404 Not Found - GET https://registry.npmjs.org/no-such-pkg - Not found',
      'npm error 404',
      "npm error 404  'no-such-pkg@1.0.0' is not in this registry.",
      'npm error     at fetch (/usr/lib/node_modules/npm/lib/fetch.js:1:1)',
      "npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.",
      'npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log',
    ].join('\n');
    expect(meaningfulLines(npm)).toEqual([
      'code E404',
      '404 Not Found - GET https://registry.npmjs.org/no-such-pkg - Not found',
      "404  'no-such-pkg@1.0.0' is not in this registry.",
    ]);
  });

  it('reads pnpm, whose errors carry an ERR_PNPM code', () => {
    const pnpm = [
      'Progress: resolved 12, reused 0, downloaded 3, added 0',
      ' ERR_PNPM_FETCH_404  GET https://registry.npmjs.org/no-such-pkg: Not Found - 404',
      '',
      'This error happened while installing a direct dependency of /tmp/my-api',
    ].join('\n');
    expect(meaningfulLines(pnpm)).toEqual([
      'ERR_PNPM_FETCH_404  GET https://registry.npmjs.org/no-such-pkg: Not Found - 404',
      'This error happened while installing a direct dependency of /tmp/my-api',
    ]);
  });

  it('falls back to the last lines when none names an error', () => {
    expect(meaningfulLines('one\ntwo\nthree\nfour\n')).toEqual(['two', 'three', 'four']);
  });

  it('does not take an ordinary word starting with E for an error code', () => {
    const output = 'Each package resolved\nEverything else fine\nnpm error code ELIFECYCLE\nExpected more';
    expect(meaningfulLines(output)).toEqual(['code ELIFECYCLE']);
  });
});

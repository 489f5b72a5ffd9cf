import { describe, expect, it } from 'vitest';
import { firstErrorLine } from '../../src/add/verify-start-run.js';

/** The one line a refused `--verify=start` shows of what the app printed when it failed to start. */
describe('the first error line of an app that did not start', () => {
  it("names envalid's missing variables, not the coloured rule around its banner", () => {
    const esc = String.fromCharCode(27);
    const stderr = [
      `${esc}[37m================================${esc}[0m`,
      `${esc}[31m Missing environment variables:${esc}[0m`,
      `    ${esc}[33mHOST${esc}[0m: undefined`,
      `${esc}[37m================================${esc}[0m`,
    ].join('\n');
    expect(firstErrorLine(stderr)).toBe('Missing environment variables: HOST: undefined');
  });

  it("takes Node's error over the code frame printed above it", () => {
    const stderr = `/app/src/server.js:3
app.use(securityHeaders(settings));
        ^

ReferenceError: Cannot access 'securityHeaders' before initialization
    at Object.<anonymous> (/app/src/server.js:3:9)`;
    expect(firstErrorLine(stderr)).toBe(
      "ReferenceError: Cannot access 'securityHeaders' before initialization",
    );
  });

  it('is undefined when the app printed nothing', () => {
    expect(firstErrorLine('\n\n')).toBeUndefined();
  });
});

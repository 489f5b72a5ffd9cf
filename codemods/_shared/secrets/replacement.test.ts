import { describe, expect, it } from 'vitest';
import { settingsKeyFor } from './replacement.js';

// The shape of the generated config module (templates/config/common/security/config.ts.hbs).
const generated = `export interface Settings {
  jwtSecret: string;
  corsOrigins: string[];
}
const fields = {
  jwtSecret: { from: ['JWT_SECRET'], read: (values) => values.JWT_SECRET },
  corsOrigins: { from: ['CORS_ORIGINS'], read: (values) => values.CORS_ORIGINS },
};
`;

describe('settingsKeyFor', () => {
  it('finds the setting the generated module reads from a variable, never its `read` function', () => {
    expect(settingsKeyFor('/p/src/security/config.ts', 'JWT_SECRET', generated)).toBe('jwtSecret');
    expect(settingsKeyFor('/p/src/security/config.ts', 'CORS_ORIGINS', generated)).toBe('corsOrigins');
    expect(settingsKeyFor('/p/src/security/config.ts', 'SESSION_SECRET', generated)).toBeUndefined();
  });

  it('still reads a hand-written module that maps a key straight to the variable', () => {
    expect(
      settingsKeyFor(
        '/p/config.ts',
        'JWT_SECRET',
        'export const settings = {\n  signingKey: env.JWT_SECRET,\n};\n',
      ),
    ).toBe('signingKey');
  });
});

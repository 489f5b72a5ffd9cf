import { describe, expect, it } from 'vitest';
import type { WireRequest } from '../src/engine/wiring/types.js';
import { wireSource } from '../src/engine/wiring/wire.js';

/**
 * Entry shapes met wiring real projects with `npm run try-real add` (written here, not copied): what the
 * config module's start-up call does next to the comments a project keeps above its app.
 */
const startup: WireRequest = {
  moduleSpecifier: '../security/config',
  names: ['getSettings'],
  statement: 'getSettings();',
  position: 'before-app',
};

function wire(text: string): string {
  return wireSource(text, {
    file: 'src/config/express.js',
    framework: 'express',
    moduleSystem: 'cjs',
    requests: [startup],
  });
}

describe('wireSource: the start-up call above a commented app', () => {
  it('keeps a doc comment with the app it describes, a blank line apart from the new call', () => {
    const input = [
      `const express = require('express');`,
      `const morgan = require('morgan');`,
      ``,
      `/**`,
      ` * The HTTP server`,
      ` */`,
      `const app = express();`,
      `app.use(morgan('dev'));`,
      ``,
    ].join('\n');
    expect(wire(input)).toBe(
      [
        `const express = require('express');`,
        `const morgan = require('morgan');`,
        `const { getSettings } = require('../security/config');`,
        ``,
        `getSettings();`,
        ``,
        `/**`,
        ` * The HTTP server`,
        ` */`,
        `const app = express();`,
        `app.use(morgan('dev'));`,
        ``,
      ].join('\n'),
    );
  });

  it('does not come between a line comment and the app', () => {
    const input = `const express = require('express');\n// one app for the API and the pages\nconst app = express();\n`;
    expect(wire(input)).toBe(
      `const express = require('express');\nconst { getSettings } = require('../security/config');\ngetSettings();\n\n// one app for the API and the pages\nconst app = express();\n`,
    );
  });

  it('adds no blank line where the app has no comment', () => {
    const input = `const express = require('express');\nconst app = express();\n`;
    expect(wire(input)).toBe(
      `const express = require('express');\nconst { getSettings } = require('../security/config');\ngetSettings();\nconst app = express();\n`,
    );
  });

  it('changes nothing on a second run', () => {
    const input = `const express = require('express');\n\n/** The app */\nconst app = express();\n`;
    const once = wire(input);
    expect(wire(once)).toBe(once);
  });
});

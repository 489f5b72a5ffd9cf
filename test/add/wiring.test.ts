import { describe, expect, it } from 'vitest';
import type { WireRequest } from '../../src/engine/wiring/types.js';
import { wireSource } from '../../src/engine/wiring/wire.js';

const headers: WireRequest = {
  moduleSpecifier: './security/headers.js',
  names: ['securityHeaders'],
  statement: 'app.use(securityHeaders());',
};
const cors: WireRequest = {
  moduleSpecifier: './security/cors.js',
  names: ['corsPolicy'],
  statement: 'app.use(corsPolicy());',
};
const errorHandler: WireRequest = {
  moduleSpecifier: './security/errors.js',
  names: ['errorHandler'],
  statement: 'app.use(errorHandler);',
  position: 'after-routes',
};
const fastifyHeaders: WireRequest = {
  moduleSpecifier: './security/headers.js',
  names: ['securityHeaders'],
  statement: 'app.register(securityHeaders);',
};
const socketAuth: WireRequest = {
  moduleSpecifier: './security/ws-auth.js',
  names: ['socketAuth'],
  statement: 'io.use(socketAuth);',
  target: 'socket.io',
};

const expressEsm = `import express from 'express';
import { users } from './routes/users.js';

const app = express();
app.use(express.json());

app.get('/health', (_req, res) => {
  res.json({ ok: true });
});
app.use('/users', users);

export default app;
`;

function wireExpress(text: string, requests: WireRequest[], moduleSystem: 'esm' | 'cjs' = 'esm') {
  return wireSource(text, { file: 'src/app.ts', framework: 'express', moduleSystem, requests });
}

describe('wireSource on an Express ESM entry', () => {
  it('adds the import after the last import and the middleware right after the app is created', () => {
    expect(wireExpress(expressEsm, [headers])).toBe(`import express from 'express';
import { users } from './routes/users.js';
import { securityHeaders } from './security/headers.js';

const app = express();
app.use(securityHeaders());
app.use(express.json());

app.get('/health', (_req, res) => {
  res.json({ ok: true });
});
app.use('/users', users);

export default app;
`);
  });

  it('is idempotent: a second run changes nothing', () => {
    const once = wireExpress(expressEsm, [headers, cors]);
    expect(wireExpress(once, [headers, cors])).toBe(once);
  });

  it('keeps the order modules were added in, across runs', () => {
    const first = wireExpress(expressEsm, [headers]);
    const second = wireExpress(first, [cors]);
    const lines = second.split('\n');
    expect(lines.indexOf('app.use(securityHeaders());')).toBeLessThan(
      lines.indexOf('app.use(corsPolicy());'),
    );
    expect(lines.indexOf('app.use(corsPolicy());')).toBeLessThan(lines.indexOf('app.use(express.json());'));
    expect(second.match(/import \{ corsPolicy \}/g)).toHaveLength(1);
  });

  it('never adds a middleware the app already uses, nor a duplicate import', () => {
    const wired = `import express from 'express';
import { securityHeaders } from './security/headers.js';
const app = express();
app.get('/', (_req, res) => res.send('hi'));
app.use(securityHeaders());
`;
    expect(wireExpress(wired, [headers])).toBe(wired);
  });

  it('adds a missing name to an existing import of the same module', () => {
    const partial = `import express from 'express';
import { other } from './security/headers.js';
const app = express();
app.use(other);
`;
    const result = wireExpress(partial, [headers]);
    expect(result).toContain(`import { other, securityHeaders } from './security/headers.js';`);
    expect(result.match(/from '.\/security\/headers.js'/g)).toHaveLength(1);
  });

  it('follows the file style: double quotes, no semicolons', () => {
    const text = `import express from "express"\n\nconst app = express()\napp.get("/", (_req, res) => res.send("hi"))\n`;
    const result = wireExpress(text, [headers]);
    expect(result).toBe(
      `import express from "express"\nimport { securityHeaders } from "./security/headers.js"\n\nconst app = express()\napp.use(securityHeaders())\napp.get("/", (_req, res) => res.send("hi"))\n`,
    );
  });

  it('keeps CRLF line endings and the BOM', () => {
    const text = `\uFEFFimport express from 'express';\r\nconst app = express();\r\napp.get('/', (_req, res) => res.send('hi'));\r\n`;
    const result = wireExpress(text, [headers]);
    expect(result.startsWith('\uFEFF')).toBe(true);
    expect(result.replaceAll('\r\n', '')).not.toContain('\n');
    expect(result).toContain(`app.use(securityHeaders());\r\napp.get(`);
  });

  it('wires an app created inside a factory function, with its indentation', () => {
    const text = `import express from 'express';

export function buildApp() {
    const app = express();
    app.get('/', (_req, res) => res.send('hi'));
    return app;
}
`;
    const result = wireExpress(text, [headers]);
    expect(result).toContain(`    const app = express();\n    app.use(securityHeaders());\n    app.get('/'`);
  });

  it('puts an after-routes handler after the last route, before listen', () => {
    const text = `${expressEsm.replace('export default app;\n', '')}app.listen(3000);\n`;
    const result = wireExpress(text, [errorHandler]);
    expect(result).toContain(`app.use('/users', users);\napp.use(errorHandler);\n\napp.listen(3000);`);
    expect(wireExpress(result, [errorHandler])).toBe(result);
  });

  it('refuses when the name is already declared by the user', () => {
    const text = `import express from 'express';\nconst securityHeaders = 1;\nconst app = express();\n`;
    expect(() => wireExpress(text, [headers])).toThrow(/securityHeaders` is already declared/);
  });

  it('says which file has no app', () => {
    expect(() => wireExpress(`export const x = 1;\n`, [headers])).toThrow(/src\/app.ts: no express app/);
  });
});

describe('wireSource on a CommonJS entry', () => {
  const text = `'use strict';
const express = require('express');
const { router } = require('./routes');

const app = express();
app.use('/api', router);
module.exports = app;
`;

  it('uses the require form and places the middleware before the routes', () => {
    expect(wireExpress(text, [headers], 'cjs')).toBe(`'use strict';
const express = require('express');
const { router } = require('./routes');
const { securityHeaders } = require('./security/headers.js');

const app = express();
app.use(securityHeaders());
app.use('/api', router);
module.exports = app;
`);
  });

  it('is idempotent and extends an existing require of the same module', () => {
    const once = wireExpress(text, [headers], 'cjs');
    expect(wireExpress(once, [headers], 'cjs')).toBe(once);
    const step: WireRequest = {
      ...headers,
      names: ['strictHeaders'],
      statement: 'app.use(strictHeaders());',
    };
    const result = wireExpress(once, [step], 'cjs');
    expect(result).toContain(`const { securityHeaders, strictHeaders } = require('./security/headers.js');`);
    expect(result).toContain(
      `app.use(securityHeaders());\napp.use(strictHeaders());\napp.use('/api', router);`,
    );
  });

  it("recognises an app created by `require('express')()`", () => {
    const inline = `const app = require('express')();\napp.get('/', (q, r) => r.end());\n`;
    expect(wireExpress(inline, [headers], 'cjs')).toBe(
      `const { securityHeaders } = require('./security/headers.js');\nconst app = require('express')();\napp.use(securityHeaders());\napp.get('/', (q, r) => r.end());\n`,
    );
  });

  it('recognises `import express = require()` in CommonJS TypeScript', () => {
    const ts = `import express = require('express');\nconst app = express();\napp.get('/', (_q, r) => r.end());\n`;
    const result = wireExpress(ts, [headers], 'cjs');
    expect(result).toContain(`const app = express();\napp.use(securityHeaders());`);
    expect(result).toContain(`import { securityHeaders } from './security/headers.js';`);
  });
});

describe('wireSource on a Fastify entry', () => {
  const text = `import Fastify from 'fastify';

const app = Fastify({ logger: true });

app.get('/health', async () => ({ ok: true }));

await app.listen({ port: 3000 });
`;

  it('registers the plugin right after the instance, without await', () => {
    const result = wireSource(text, {
      file: 'src/server.ts',
      framework: 'fastify',
      moduleSystem: 'esm',
      requests: [fastifyHeaders],
    });
    expect(result).toContain(`const app = Fastify({ logger: true });\napp.register(securityHeaders);\n`);
    expect(
      wireSource(result, {
        file: 'src/server.ts',
        framework: 'fastify',
        moduleSystem: 'esm',
        requests: [fastifyHeaders],
      }),
    ).toBe(result);
  });

  it("uses the user's variable name for the declared receiver", () => {
    const text = `import Fastify from 'fastify';\nconst server = Fastify();\nserver.get('/', async () => 'hi');\n`;
    const result = wireSource(text, {
      file: 'src/server.ts',
      framework: 'fastify',
      moduleSystem: 'esm',
      requests: [fastifyHeaders],
    });
    expect(result).toContain(`const server = Fastify();\nserver.register(securityHeaders);\nserver.get(`);
  });

  it('finds `fastify()` from a named import and a chained type provider', () => {
    const named = `import { fastify } from 'fastify';\nexport const server = fastify().withTypeProvider<any>();\nserver.get('/', async () => 'hi');\n`;
    const result = wireSource(named, {
      file: 'src/server.ts',
      framework: 'fastify',
      moduleSystem: 'esm',
      requests: [fastifyHeaders],
    });
    expect(result).toContain(
      `export const server = fastify().withTypeProvider<any>();\nserver.register(securityHeaders);`,
    );
  });

  it('sees an awaited register as already wired', () => {
    const wired = `import Fastify from 'fastify';\nimport { securityHeaders } from './security/headers.js';\nconst app = Fastify();\nawait app.register(securityHeaders);\n`;
    expect(
      wireSource(wired, {
        file: 'a.ts',
        framework: 'fastify',
        moduleSystem: 'esm',
        requests: [fastifyHeaders],
      }),
    ).toBe(wired);
  });
});

describe('wireSource on a socket.io server', () => {
  it('adds io.use before the connection handler', () => {
    const text = `import { createServer } from 'node:http';\nimport { Server } from 'socket.io';\nconst http = createServer();\nconst io = new Server(http, { cors: { origin: ['https://app.example.com'] } });\nio.on('connection', (socket) => socket.emit('hi'));\n`;
    const result = wireSource(text, {
      file: 'src/socket.ts',
      framework: 'express',
      moduleSystem: 'esm',
      requests: [socketAuth],
    });
    expect(result).toContain(`});\nio.use(socketAuth);\nio.on('connection'`);
    expect(result).toContain(`import { socketAuth } from './security/ws-auth.js';`);
  });
});

describe('wireSource: names bound before their first use', () => {
  // Handles the CommonJS TDZ: a require further down than `express()` would throw at start.
  it('puts the require above the app when the file requires more after creating it', () => {
    const text = `const express = require('express');\nconst app = express();\nconst users = require('./routes/users');\n\napp.use('/users', users);\nmodule.exports = app;\n`;
    const wired = wireSource(text, {
      file: 'app.js',
      framework: 'express',
      moduleSystem: 'cjs',
      requests: [headers],
    });
    expect(wired).toBe(
      `const express = require('express');\nconst { securityHeaders } = require('./security/headers.js');\nconst app = express();\napp.use(securityHeaders());\nconst users = require('./routes/users');\n\napp.use('/users', users);\nmodule.exports = app;\n`,
    );
  });

  it('puts the import above a factory that creates the app, not after the requires below it', () => {
    const text = `import express = require('express');\n\nfunction build() {\n  const app = express();\n  return app;\n}\nconst app = build();\nimport routes = require('./routes');\napp.use(routes);\n`;
    const wired = wireSource(text, {
      file: 'src/app.ts',
      framework: 'express',
      moduleSystem: 'cjs',
      requests: [headers],
    });
    const lines = wired.split('\n');
    expect(lines.indexOf(`import { securityHeaders } from './security/headers.js';`)).toBe(1);
    expect(wired).toContain(`  const app = express();\n  app.use(securityHeaders());\n`);
  });

  it('still adds after the last import when every import is above the app', () => {
    const wired = wireExpress(expressEsm, [headers]);
    expect(wired.split('\n').slice(0, 3)).toEqual([
      `import express from 'express';`,
      `import { users } from './routes/users.js';`,
      `import { securityHeaders } from './security/headers.js';`,
    ]);
  });
});

describe('wireSource: what is not an app', () => {
  it('does not take an express.Router() for the app', () => {
    const text = `const express = require('express');\nconst router = express.Router();\nrouter.get('/', (req, res) => res.send('ok'));\nmodule.exports = router;\n`;
    expect(() =>
      wireSource(text, {
        file: 'src/routes/index.js',
        framework: 'express',
        moduleSystem: 'cjs',
        requests: [headers],
      }),
    ).toThrow(/no express app is created in this file/);
  });
});

import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { planModules } from '../../src/add/index.js';
import { changed, project } from './small-project.js';

const packageJson = JSON.stringify({ dependencies: { express: '^4.21.2', lusca: '^1.7.0' } });

describe('secure add headers: lusca sets headers too', () => {
  it("puts the policy's headers where lusca's header setters were, and keeps lusca's CSRF check", async () => {
    const root = project({
      'package.json': packageJson,
      'app.js': `const express = require('express');
const lusca = require('lusca');

const app = express();
app.use(express.urlencoded({ extended: false }));
app.use(lusca.csrf());
app.use(lusca.xframe('SAMEORIGIN'));
app.use(lusca.xssProtection(true));
app.get('/', (req, res) => res.send('home'));
module.exports = app;
`,
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([]);
    const app = changed(plan, 'app.js')!;
    expect(app).toContain(
      `app.use(lusca.csrf());\napp.use(securityHeaders(settings));\napp.get('/', (req, res) => res.send('home'));`,
    );
    expect(app).not.toMatch(/lusca\.xframe|lusca\.xssProtection/);
    expect(app).toContain(`const lusca = require('lusca');`);
    expect(plan.notes.join('\n')).toMatch(
      /headers: replaced your `app\.use\(lusca\.xframe\('SAMEORIGIN'\)\);/,
    );
    writeChanges(root, plan.changes);
    expect((await planModules(root, ['headers'], { yes: true })).changes).toEqual([]);
  });

  it('refuses headers, naming the place, when lusca sets them together with its CSRF check', async () => {
    const root = project({
      'package.json': packageJson,
      'app.js': `const express = require('express');
const lusca = require('lusca');

const app = express();
app.use(lusca({ csrf: true, xframe: 'SAMEORIGIN', hsts: { maxAge: 31536000 } }));
module.exports = app;
`,
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([
      { generator: 'headers', reason: expect.stringContaining('lusca({ xframe, hsts }) in app.js:5') },
    ]);
    expect(changed(plan, 'app.js')).toBeUndefined();
  });

  it('refuses headers when another file sets them through lusca', async () => {
    const root = project({
      'package.json': packageJson,
      'app.js': `const express = require('express');\nconst app = express();\nrequire('./security')(app);\nmodule.exports = app;\n`,
      'security.js': `const lusca = require('lusca');\nmodule.exports = (app) => {\n  app.use(lusca.hsts({ maxAge: 31536000 }));\n};\n`,
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([
      { generator: 'headers', reason: expect.stringContaining('headers set by lusca in security.js:3') },
    ]);
  });

  it('adds the headers beside a lusca that only checks CSRF, leaving it as it is', async () => {
    const root = project({
      'package.json': packageJson,
      'app.js': `const express = require('express');\nconst lusca = require('lusca');\n\nconst app = express();\napp.use(lusca.csrf());\napp.get('/upload', lusca({ csrf: true }), (req, res) => res.send('form'));\nmodule.exports = app;\n`,
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    expect(plan.refused).toEqual([]);
    const app = changed(plan, 'app.js')!;
    expect(app).toContain('securityHeaders(settings)');
    expect(app).toContain(`app.use(lusca.csrf());\napp.get('/upload', lusca({ csrf: true }),`);
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeChanges } from '../../src/add/apply.js';
import { detectCodeStyle } from '../../src/add/code-style.js';
import { planModules } from '../../src/add/index.js';

/** Without Prettier, the generated modules are written the way the project writes its code. */

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-add-style-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const standardStyleApp = `const express = require("express")
const items = require("./items")

const app = express()
app.use("/items", items)
app.get("/health", function (req, res) {
    if (req.query.verbose) {
        res.json({ ok: true, at: Date.now() })
    } else {
        res.send("ok")
    }
})

module.exports = app
`;

const changed = (plan: Awaited<ReturnType<typeof planModules>>, path: string) =>
  plan.changes.find((change) => change.path === path)?.after ?? '';

describe('secure add: the project style without Prettier', () => {
  it('double quotes, no semicolons, four spaces: the new modules follow, a second run changes nothing', async () => {
    const root = project({
      'package.json': JSON.stringify({ dependencies: { express: '^4.21.2' } }),
      'app.js': standardStyleApp,
      'items.js': `const { Router } = require("express")\n\nconst router = Router()\nrouter.get("/", function (req, res) {\n    res.json([])\n})\n\nmodule.exports = router\n`,
    });
    const plan = await planModules(root, ['headers'], { yes: true });
    const headers = changed(plan, 'security/headers.js');
    expect(headers).toContain('require("helmet")');
    expect(headers).not.toMatch(/'[^'\n]*'/);
    expect(headers).not.toMatch(/;$/m);
    expect(headers).toMatch(/^ {4}\S/m);
    expect(headers).not.toMatch(/^ {2}\S/m);
    // The user's file gets only the wiring, in its own style.
    expect(changed(plan, 'app.js')).toContain('app.use(securityHeaders(settings))\n');
    writeChanges(root, plan.changes, { verified: true });
    expect((await planModules(root, ['headers'], { yes: true })).changes).toEqual([]);
  });

  it('reads indentation and quotes from .editorconfig and a JSON ESLint config when the sources show none', () => {
    const root = project({
      'package.json': '{}',
      '.editorconfig': 'root = true\n\n[*]\nindent_style = tab\n',
      '.eslintrc.json': JSON.stringify({ rules: { quotes: ['error', 'double'], semi: ['error', 'never'] } }),
    });
    expect(detectCodeStyle(root, [])).toEqual({
      singleQuote: false,
      semi: false,
      useTabs: true,
      tabWidth: 2,
    });
  });

  it('keeps the templates as they are for a project written like them', async () => {
    const root = project({
      'package.json': JSON.stringify({ dependencies: { express: '^4.21.2' } }),
      'app.js': `const express = require('express');\n\nconst app = express();\napp.get('/health', (req, res) => {\n  res.send('ok');\n});\n\nmodule.exports = app;\n`,
    });
    const headers = changed(await planModules(root, ['headers'], { yes: true }), 'security/headers.js');
    expect(headers).toContain("require('helmet');");
    expect(headers).toMatch(/^ {2}\S/m);
  });
});

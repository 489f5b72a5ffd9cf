import { describe, expect, it } from 'vitest';
import { runBin, secureBin } from '../../test/helpers/cli.js';
import { tempProject } from '../../test/helpers/temp-repo.js';

const server = `const express = require('express');\nconst routes = require('./app/routes');\n\nconst app = express();\nroutes(app);\napp.listen(3000);\n`;
const routesIndex = (extra: string) =>
  `${extra}const users = require('./users');\n\nmodule.exports = (app) => {\n  app.post('/login', users.login);\n};\n`;

async function rateLimitFindings(files: Record<string, string>) {
  const dir = tempProject({ 'package.json': '{"dependencies":{"express":"^4.18.0"}}', ...files });
  const run = await runBin(
    secureBin,
    ['check', '--no-cache', '--rule', 'missing-rate-limit', '--format', 'json'],
    {
      cwd: dir,
    },
  );
  return (JSON.parse(run.stdout) as { findings: { file: string; line: number }[] }).findings;
}

describe('missing-rate-limit reads the routes modules an app is passed to', () => {
  it('routes(app) whose modules load no limiter: the app is reported', async () => {
    const findings = await rateLimitFindings({
      'server.js': server,
      'app/routes/index.js': routesIndex(''),
      'app/routes/users.js': 'exports.login = (req, res) => res.end();\n',
    });
    expect(findings.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['server.js:4']);
  });

  it('a limiter loaded one module down (per route) counts', async () => {
    const findings = await rateLimitFindings({
      'server.js': server,
      'app/routes/index.js': routesIndex(''),
      'app/routes/users.js':
        "const rateLimit = require('express-rate-limit');\nexports.limit = rateLimit({ max: 5 });\nexports.login = (req, res) => res.end();\n",
    });
    expect(findings).toEqual([]);
  });

  it('a routes module that cannot be found keeps the benefit of the doubt', async () => {
    const findings = await rateLimitFindings({
      'server.js': server.replace("require('./app/routes')", "require('./app/routes-generated')"),
    });
    expect(findings).toEqual([]);
  });
});

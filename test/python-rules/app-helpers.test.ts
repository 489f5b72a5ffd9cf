import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import missingRateLimit from '../../codemods/missing-rate-limit/python.js';
import missingSecurityHeaders from '../../codemods/missing-security-headers/python.js';
import { rulesPreset } from '../../src/policy/index.js';
import { runPython } from './helpers.js';

/** An app whose middleware is installed by a helper in another module, as `secure add` for FastAPI wires it. */
const entry = `from fastapi import FastAPI

from app.http_security import install_security

app = FastAPI()
install_security(app)
`;

const packageWith = (middleware: string[]) => `from fastapi import FastAPI

${middleware.map((name) => `from .middleware import ${name}`).join('\n')}


def install_security(app: FastAPI) -> None:
${middleware.map((name) => `    app.add_middleware(${name})`).join('\n')}
`;

const roots: string[] = [];
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'csa-py-helpers-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const findings = (root: string) =>
  [missingSecurityHeaders, missingRateLimit].map(
    (detector) => runPython(detector, entry, 'backend/app/main.py', rulesPreset, true, root).reports.length,
  );

describe('app-level rules read the helper that receives the app', () => {
  it('sees the headers and the limiter that install_security adds (backend/app layout)', () => {
    const root = project({
      'backend/app/http_security/__init__.py': packageWith([
        'SecurityHeadersMiddleware',
        'RateLimitMiddleware',
      ]),
    });
    expect(findings(root)).toEqual([0, 0]);
  });

  it('still reports the control the helper does not add', () => {
    const root = project({
      'backend/app/http_security/__init__.py': packageWith(['SecurityHeadersMiddleware']),
    });
    expect(findings(root)).toEqual([0, 1]);
  });

  it('stays silent when a setup helper cannot be read (as the JS rules for configure(app)), not for uvicorn.run(app)', () => {
    // The project's own package (backend/app) is there, its http_security module is not: a helper of the
    // project's that cannot be read. A package from outside the project wires only what that package does.
    expect(findings(project({ 'backend/app/main.py': entry }))).toEqual([0, 0]);
    const served = 'import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\nuvicorn.run(app)\n';
    const reports = [missingSecurityHeaders, missingRateLimit].map(
      (detector) => runPython(detector, served, 'main.py', rulesPreset, true, project({})).reports.length,
    );
    expect(reports).toEqual([1, 1]);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { addModules, planModules } from '../../src/add/index.js';
import { memoryOutput } from '../../src/cli/output.js';
import { runProgram } from '../../src/cli/run.js';
import { secureProgram } from '../../src/cli/secure-program.js';
import { addToPyproject, addToRequirements, wireEntry } from '../../src/add/python/edit.js';
import { writeFiles } from '../helpers/temp-repo.js';

const mainPy = `"""A small legacy API."""
from fastapi import FastAPI

from app import db

app = FastAPI(title="shop")

# The routes import the app back, so they come after it.
from app import routes  # noqa: E402


@app.get("/health")
def health():
    return {"ok": True}
`;

function fastApiProject(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-fastapi-add-'));
  writeFiles(root, {
    'requirements.txt': 'fastapi\nuvicorn\n',
    'app/__init__.py': '',
    'app/db.py': 'DATABASE = "sqlite:///shop.db"\n',
    'app/routes.py': 'from app.main import app\n\n\n@app.get("/items")\ndef items():\n    return []\n',
    'app/main.py': mainPy,
    ...files,
  });
  return root;
}

const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');

describe('secure add on a FastAPI app', () => {
  it('writes the security package beside the entry and wires it with two inserted lines, nothing else', async () => {
    const root = fastApiProject();
    const result = await addModules(root, ['cors', 'headers', 'trusted-host', 'rate-limit'], { yes: true });
    expect(result.refused).toEqual([]);
    expect(result.changes.map((change) => change.path).sort()).toEqual([
      '.env.example',
      '.secure/manifest.json',
      'app/http_security/__init__.py',
      'app/http_security/middleware.py',
      'app/http_security/policy.py',
      'app/http_security/rate_limit.py',
      'app/http_security/settings.py',
      'app/main.py',
      'requirements.txt',
    ]);
    expect(read(root, 'app/main.py')).toBe(
      mainPy
        .replace(
          'from app import db\n',
          'from app import db\nfrom app.http_security import install_security\n',
        )
        .replace('app = FastAPI(title="shop")\n', 'app = FastAPI(title="shop")\ninstall_security(app)\n'),
    );
    expect(read(root, 'requirements.txt')).toBe('fastapi\nuvicorn\nlimits==5.8.0\n');
    // The policy's numbers, rendered from the one policy object.
    expect(read(root, 'app/http_security/policy.py')).toMatch(/^RATE_LIMIT_MAX: Final = 100$/m);
    expect(read(root, '.env.example')).toMatch(/^CORS_ORIGINS=/m);

    const again = await planModules(root, ['cors', 'headers', 'trusted-host', 'rate-limit'], { yes: true });
    expect(again.changes).toEqual([]);
    expect(again.upToDate).toEqual(['cors', 'headers', 'trusted-host', 'rate-limit']);
  });

  it('a second module later re-renders the package with both, and the entry stays wired once', async () => {
    const root = fastApiProject();
    await addModules(root, ['cors'], { yes: true });
    expect(read(root, 'app/http_security/__init__.py')).not.toMatch(/SecurityHeadersMiddleware/);
    await addModules(root, ['headers'], { yes: true });
    const init = read(root, 'app/http_security/__init__.py');
    expect(init).toMatch(/CORSMiddleware/);
    expect(init).toMatch(/SecurityHeadersMiddleware/);
    expect(read(root, 'app/main.py').match(/install_security\(app\)/g)).toHaveLength(1);
  });

  it('refuses a module the app already answers, naming where, and adds the others', async () => {
    const root = fastApiProject({
      'app/main.py': `from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["https://shop.example"])\n`,
    });
    const plan = await planModules(root, ['cors', 'headers', 'auth'], { yes: true });
    expect(plan.refused).toEqual([
      { generator: 'cors', reason: 'the app has its own (app/main.py:5: CORSMiddleware): keep yours' },
      { generator: 'auth', reason: expect.stringMatching(/^not available for FastAPI yet/) },
    ]);
    expect(plan.generators).toEqual(['headers']);
  });

  it('a CORSMiddleware letting every origin through is reconfigured in place: one CORS answer, reading CORS_ORIGINS', async () => {
    const main = `from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

origins = ["*"]

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=origins,
    allow_credentials=True,
    allow_methods=["*"],
)
`;
    const root = fastApiProject({ 'app/main.py': main });
    const result = await addModules(root, ['cors', 'headers'], { yes: true });
    expect(result.refused).toEqual([]);
    expect(read(root, 'app/main.py')).toBe(
      main
        .replace(
          'CORSMiddleware\n',
          'CORSMiddleware\nfrom app.http_security import get_security_settings, install_security\n',
        )
        .replace('allow_methods=["*"],\n)\n', 'allow_methods=["*"],\n)\ninstall_security(app)\n')
        .replace('allow_origins=origins,', 'allow_origins=get_security_settings().CORS_ORIGINS,'),
    );
    // The package adds no CORSMiddleware of its own; the variable the rewritten call reads is documented.
    expect(read(root, 'app/http_security/__init__.py')).not.toMatch(/CORSMiddleware/);
    expect(read(root, '.env.example')).toMatch(/^CORS_ORIGINS=/m);
    const again = await planModules(root, ['cors'], { yes: true });
    expect(again.refused).toEqual([
      { generator: 'cors', reason: 'the app has its own (app/main.py:8: CORSMiddleware): keep yours' },
    ]);
  });

  it("a rerun with every module, one of them the app's own now, says the rest is up to date and exits 0", async () => {
    const root = fastApiProject({
      'app/main.py': `from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"])\n`,
    });
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'legacy app');
    const modules = ['add', 'cors', 'headers', 'trusted-host', 'rate-limit', '--yes'];
    const run = async () => {
      const output = memoryOutput();
      const code = await runProgram(secureProgram(output, root), modules, output);
      return { code, text: [...output.stdout, ...output.stderr].join('\n') };
    };
    const first = await run();
    expect(first.code, first.text).toBe(0);
    git('add', '-A');
    git('commit', '-qm', 'secure add');
    const again = await run();
    expect(again.text).toMatch(/up to date headers/);
    expect(again.text).toMatch(/not added: cors: the app has its own \(app\/main\.py:6: CORSMiddleware\)/);
    expect(again.code).toBe(0);
  });

  it('TrustedHostMiddleware(allowed_hosts=["*"]) is reconfigured in place; without allowed_hosts it is refused', async () => {
    const main = `from fastapi import FastAPI
from fastapi.middleware.trustedhost import TrustedHostMiddleware

app = FastAPI()
app.add_middleware(TrustedHostMiddleware, allowed_hosts=["*"])
`;
    const root = fastApiProject({ 'app/main.py': main });
    const result = await addModules(root, ['trusted-host'], { yes: true });
    expect(result.refused).toEqual([]);
    expect(read(root, 'app/main.py')).toBe(
      main
        .replace(
          'TrustedHostMiddleware\n',
          'TrustedHostMiddleware\nfrom app.http_security import get_security_settings, install_security\n',
        )
        .replace(
          'allowed_hosts=["*"])\n',
          'allowed_hosts=get_security_settings().allowed_hosts)\ninstall_security(app)\n',
        ),
    );
    expect(read(root, 'app/http_security/__init__.py')).not.toMatch(/TrustedHostMiddleware/);
    const bare = fastApiProject({ 'app/main.py': main.replace(', allowed_hosts=["*"]', '') });
    expect((await planModules(bare, ['trusted-host'], { yes: true })).refused).toEqual([
      {
        generator: 'trusted-host',
        reason:
          'app/main.py:5: TrustedHostMiddleware without allowed_hosts lets every host through: pass allowed_hosts with your host names',
      },
    ]);
  });

  it('a wildcard CORSMiddleware it cannot rewrite is refused with where it is', async () => {
    const wildcardElsewhere = fastApiProject({
      'app/setup.py': `from starlette.middleware import Middleware\nfrom starlette.middleware.cors import CORSMiddleware\n\nmiddleware = [Middleware(CORSMiddleware, allow_origins=["*"])]\n`,
    });
    const elsewhere = await planModules(wildcardElsewhere, ['cors'], { yes: true });
    expect(elsewhere.refused).toEqual([
      {
        generator: 'cors',
        reason: expect.stringMatching(
          /^app\/setup\.py:4: allow_origins lets everything through, outside app\/main\.py/,
        ),
      },
    ]);
    const pattern = fastApiProject({
      'app/main.py': `from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origin_regex=".*")\n`,
    });
    expect((await planModules(pattern, ['cors'], { yes: true })).refused).toEqual([
      { generator: 'cors', reason: expect.stringMatching(/^app\/main\.py:5: allow_origin_regex is set/) },
    ]);
    expect(elsewhere.changes).toEqual([]);
  });

  it('a variable the app already reads (ENVIRONMENT=local) is left out of .env.example', async () => {
    const root = fastApiProject({
      'app/config.py': `import os\n\nENVIRONMENT = os.getenv("ENVIRONMENT", "local")\n`,
    });
    await addModules(root, ['headers'], { yes: true });
    expect(read(root, '.env.example')).not.toMatch(/ENVIRONMENT/);
  });

  it("the call goes after the app's own middleware in the same block (an if included), so it is the outermost", () => {
    const text = `from fastapi import FastAPI

app = FastAPI()

if settings.all_cors_origins:
    app.add_middleware(CORSMiddleware, allow_origins=settings.all_cors_origins)


@app.middleware("http")
async def timing(request, call_next):
    return await call_next(request)


app.include_router(api_router)
`;
    expect(wireEntry(text, 'from app.http_security import install_security')).toBe(
      text
        .replace('FastAPI\n', 'FastAPI\nfrom app.http_security import install_security\n')
        .replace('call_next(request)\n', 'call_next(request)\ninstall_security(app)\n'),
    );
  });

  it('an app made in a factory function gets the call at the function body indentation, CRLF kept', () => {
    const text =
      'from fastapi import FastAPI\r\n\r\n\r\ndef create_app():\r\n    api = FastAPI(\r\n        title="x",\r\n    )\r\n    return api\r\n';
    expect(wireEntry(text, 'from http_security import install_security')).toBe(
      'from fastapi import FastAPI\r\nfrom http_security import install_security\r\n\r\n\r\ndef create_app():\r\n    api = FastAPI(\r\n        title="x",\r\n    )\r\n    install_security(api)\r\n    return api\r\n',
    );
  });

  it('no file creating a FastAPI app is a one-line error naming what to pass', async () => {
    const root = fastApiProject({ 'app/main.py': 'from fastapi import APIRouter\nrouter = APIRouter()\n' });
    await expect(planModules(root, ['cors'], { yes: true })).rejects.toThrow(/creates a FastAPI app/);
  });
});

describe('dependencies, declared the way the project declares them', () => {
  const requirements = [
    { name: 'pydantic-settings', version: '2.16.3' },
    { name: 'limits', version: '5.8.0' },
  ];
  it('requirements.txt: appended once, a spelling variant counts as present', () => {
    expect(addToRequirements('fastapi\npydantic_settings>=2\n', requirements)).toBe(
      'fastapi\npydantic_settings>=2\nlimits==5.8.0\n',
    );
    expect(addToRequirements('fastapi', requirements)).toBe(
      'fastapi\npydantic-settings==2.16.3\nlimits==5.8.0\n',
    );
  });
  it('pyproject.toml: a PEP 621 list, one per line or inline, and Poetry', () => {
    expect(
      addToPyproject(
        '[project]\nname = "x"\ndependencies = [\n  "fastapi[standard]>=0.100",  # the web stack [pinned]\n]\n\n[tool.ruff]\n',
        requirements,
      ),
    ).toBe(
      '[project]\nname = "x"\ndependencies = [\n  "fastapi[standard]>=0.100",  # the web stack [pinned]\n  "pydantic-settings==2.16.3",\n  "limits==5.8.0",\n]\n\n[tool.ruff]\n',
    );
    expect(addToPyproject('[project]\ndependencies = ["fastapi"]\n', requirements)).toBe(
      '[project]\ndependencies = ["fastapi", "pydantic-settings==2.16.3", "limits==5.8.0"]\n',
    );
    expect(
      addToPyproject(
        '[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "*"\n\n[build-system]\n',
        requirements,
      ),
    ).toBe(
      '[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "*"\npydantic-settings = "2.16.3"\nlimits = "5.8.0"\n\n[build-system]\n',
    );
    expect(addToPyproject('[tool.black]\n', requirements)).toBeUndefined();
  });
});

const python = process.env.PYTHON ?? 'python3';
const pythonReady =
  spawnSync(python, ['-c', 'import sys, venv; assert sys.version_info >= (3, 11)'], { stdio: 'ignore' })
    .status === 0;

describe.runIf(pythonReady)('the wired FastAPI app over HTTP (a venv with the pinned packages)', () => {
  it('sends the headers, refuses a foreign Origin and Host, and answers 429 after the limit', async () => {
    const root = fastApiProject();
    await addModules(root, ['cors', 'headers', 'trusted-host', 'rate-limit'], { yes: true });
    const venv = join(root, '.venv');
    await execa(python, ['-m', 'venv', venv]);
    const pip = await execa(
      join(venv, 'bin', 'python'),
      ['-m', 'pip', 'install', '-q', '-r', 'requirements.txt', 'httpx==0.29.0', 'fastapi==0.165.0'],
      { cwd: root, reject: false, env: { PIP_DISABLE_PIP_VERSION_CHECK: '1' } },
    );
    expect(pip.exitCode, pip.stderr).toBe(0);
    const probe = [
      'import json',
      'from fastapi.testclient import TestClient',
      'from app.main import app',
      'c = TestClient(app)',
      'ok = c.get("/health")',
      'foreign = c.get("/health", headers={"Origin": "https://evil.example"})',
      'allowed = c.get("/health", headers={"Origin": "https://shop.example"})',
      'host = c.get("/health", headers={"Host": "evil.example"})',
      'codes = [c.get("/items").status_code for _ in range(110)]',
      'from app.http_security.settings import SecuritySettings',
      'names = {name: SecuritySettings(ENVIRONMENT=name).production for name in ("local", "staging", "prod", "test")}',
      'dev_hosts = SecuritySettings(ENVIRONMENT="local", ALLOWED_HOSTS="api.example").allowed_hosts',
      'prod_hosts = SecuritySettings(ENVIRONMENT="production", ALLOWED_HOSTS="api.example").allowed_hosts',
      'try:',
      '    SecuritySettings(CORS_ORIGINS="*", ENVIRONMENT="qa")',
      'except ValueError as error:',
      '    refused = str(error)',
      'print(json.dumps({"frame": ok.headers.get("x-frame-options"), "nosniff": ok.headers.get("x-content-type-options"),',
      '  "foreign": foreign.headers.get("access-control-allow-origin"), "allowed": allowed.headers.get("access-control-allow-origin"),',
      '  "host": host.status_code, "hostBody": host.text, "first429": codes.index(429) if 429 in codes else None,',
      '  "names": names, "devHosts": dev_hosts, "prodHosts": prod_hosts, "refused": refused}))',
    ].join('\n');
    const run = await execa(join(venv, 'bin', 'python'), ['-W', 'ignore', '-c', probe], {
      cwd: root,
      reject: false,
      env: { ALLOWED_HOSTS: 'testserver', CORS_ORIGINS: 'https://shop.example', ENVIRONMENT: 'test' },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(seen).toMatchObject({
      frame: 'DENY',
      nosniff: 'nosniff',
      foreign: null,
      allowed: 'https://shop.example',
      host: 400,
      hostBody: 'Invalid host header',
      // The app's own environment names: staging gets production's checks.
      names: { local: false, staging: true, prod: true, test: false },
      // Starlette's TestClient sends Host: testserver; only production holds to the list alone.
      devHosts: ['api.example', 'testserver'],
      prodHosts: ['api.example'],
    });
    // A wrong value stops the start with the variable named and what it must be.
    expect(seen.refused).toMatch(
      /^security settings .*ENVIRONMENT: 'qa' is none of .*CORS_ORIGINS: '\*' is not an exact origin/,
    );
    // Three requests came before the loop (the refused Host never reached the limiter): the 101st is refused.
    expect(seen.first429).toBe(97);
  }, 600_000);
});

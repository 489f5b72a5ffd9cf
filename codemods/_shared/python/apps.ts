import { dirname, join, relative, sep } from 'node:path';
import type { SgNode } from '@ast-grep/napi';
import type { PythonContext } from '../../../src/engine/languages/python-detector.js';
import { pathExists, readTextIfAny } from '../project/dependencies.js';
import {
  calleeName,
  dottedName,
  importedModules,
  importedNames,
  positionalArguments,
  reportOf,
  resolveName,
} from './syntax.js';

/**
 * The web apps a module creates (`app = FastAPI()`, `Starlette(routes=...)`, `Flask(__name__)`, `connexion.App(...)`,
 * aiohttp's `web.Application()`) and the controls wired on them, for the app-level rules (security headers, rate
 * limits). A control may be wired by middleware class, decorator, package
 * or a local module named for it; the rules report only a module where none of these is seen.
 */
export interface PythonApp {
  /** The `FastAPI(...)` call, where a finding is reported. */
  call: SgNode;
  name: string;
  framework: 'FastAPI' | 'Starlette' | 'Flask' | 'Quart' | 'connexion' | 'aiohttp';
}

const appClasses: Record<string, PythonApp['framework']> = {
  'fastapi.FastAPI': 'FastAPI',
  'fastapi.applications.FastAPI': 'FastAPI',
  'starlette.applications.Starlette': 'Starlette',
  'flask.Flask': 'Flask',
  'quart.Quart': 'Quart',
  // connexion wraps a Flask (or, from 3.0, Starlette) app built from an OpenAPI file
  'connexion.App': 'connexion',
  'connexion.FlaskApp': 'connexion',
  'connexion.AsyncApp': 'connexion',
  'aiohttp.web.Application': 'aiohttp',
  'aiohttp.web_app.Application': 'aiohttp',
};

/** What the app-level detectors' prefilters look for: a module that may create one of the apps above. */
export const mayCreateApp = /FastAPI|Starlette|Flask|Quart|connexion|Application/;

/** Apps created in this module, except sub-apps mounted into another (the parent's middleware covers them). */
export function appsCreated(root: SgNode): PythonApp[] {
  const imports = importedNames(root);
  const apps: PythonApp[] = [];
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    const framework = appClasses[resolveName(calleeName(call), imports) ?? ''];
    if (!framework) continue;
    const parent = call.parent();
    const name =
      parent?.kind() === 'assignment' && parent.field('right')?.id() === call.id()
        ? (dottedName(parent.field('left')) ?? 'app')
        : 'app';
    apps.push({ call, name, framework });
  }
  const mounted = new Set(
    root
      .findAll({ rule: { kind: 'call' } })
      .filter((call) => /\.mount$/.test(calleeName(call) ?? ''))
      .map((call) => positionalArguments(call)[1]?.text())
      .filter(Boolean),
  );
  return apps.filter((app) => !mounted.has(app.name));
}

export interface ControlSigns {
  /** Packages that provide the control (`slowapi`, `secure`), by module prefix. */
  packages: RegExp;
  /** Middleware classes, local modules and helpers named for it (`SecurityHeadersMiddleware`, `app.core.rate_limit`). */
  named: RegExp;
  /** Text that shows the control set by hand (`X-Frame-Options`). */
  inText?: RegExp;
}

/** Whether the module wires the control: a package or a local module for it, a middleware or a helper named for it. */
export function wiresControl(context: PythonContext, apps: PythonApp[], signs: ControlSigns): boolean {
  const { root, text } = context;
  if (signs.inText?.test(text)) return true;
  if (importedModules(root).some((module) => signs.packages.test(module) || signs.named.test(module)))
    return true;
  const appNames = new Set(apps.map((app) => app.name));
  const imports = importedNames(root);
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    const callee = calleeName(call) ?? '';
    // install_security(app) (`secure add` for FastAPI), setup_middleware(app): the helper's module is read
    if (positionalArguments(call).some((argument) => appNames.has(argument.text()))) {
      const imported = imports.get(callee.split('.')[0]);
      const helper = localModuleText(context, imported);
      if (helper !== undefined && helperWires(helper, signs)) return true;
      // A setup helper of the project's that this module cannot read may wire anything: silent, as the JS rules are
      // for `configure(app)`. A package's helper (aiohttp_jinja2's `setup(app)`) wires what its package does.
      if (
        helper === undefined &&
        imported !== undefined &&
        setupHelper.test(callee) &&
        !isInstalledPackage(context, imported)
      )
        return true;
    }
    // app.add_middleware(SecurityHeadersMiddleware), Middleware(RateLimitMiddleware), FastAPI(middleware=[...])
    if (/(?:^|\.)(?:add_middleware|Middleware)$/.test(callee)) {
      const middleware = dottedName(positionalArguments(call)[0]) ?? '';
      if (signs.named.test(middleware)) return true;
    }
    // setup_security_headers(app), install_rate_limit(app): wired in a helper named for it
    if (
      signs.named.test(callee) &&
      positionalArguments(call).some((argument) => appNames.has(argument.text()))
    )
      return true;
  }
  // @limiter.limit("100/minute"), @app.middleware("http") async def security_headers(...)
  return root.findAll({ rule: { kind: 'decorated_definition' } }).some((definition) => {
    const name = definition.field('definition')?.field('name')?.text() ?? '';
    const decorators = definition.children().filter((child) => child.kind() === 'decorator');
    return signs.named.test(name) || decorators.some((decorator) => signs.named.test(decorator.text()));
  });
}

/** Helpers that set an app up (`install_security`, `setup_middleware`, `configure_app`), unlike `uvicorn.run(app)`. */
const setupHelper = /install|setup|set_up|configure|middleware|secur/i;

/** The control in a helper module's own text: its imports, the middleware it adds, the headers it sets. */
function helperWires(text: string, signs: ControlSigns): boolean {
  if (signs.inText?.test(text) || signs.named.test(text)) return true;
  return [...text.matchAll(/^\s*(?:from|import)\s+([\w.]+)/gm)].some((match) =>
    signs.packages.test(match[1]),
  );
}

/**
 * Whether an absolute import names a package from outside the project: no folder or module of that name at the
 * project root or in a folder between it and the file (`aiohttp_jinja2.setup`, unlike `app.core.setup`).
 */
function isInstalledPackage(context: PythonContext, imported: string): boolean {
  if (imported.startsWith('.')) return false;
  const top = imported.split('.')[0];
  return projectBases(context).every(
    (base) => !pathExists(join(base, top)) && !pathExists(join(base, `${top}.py`)),
  );
}

function projectBases(context: PythonContext): string[] {
  const root = context.project.root;
  const inside = relative(root, dirname(context.file)).split(sep).filter(Boolean);
  return [root, ...inside.map((_, depth) => join(root, ...inside.slice(0, depth + 1)))];
}

/**
 * The text of the local module a name is imported from (`app.http_security.install_security` ->
 * `app/http_security/__init__.py`), looked up from the file's folder for relative imports, else from the project
 * root and each folder between it and the file (`backend/app/...` layouts); undefined when none is found.
 */
function localModuleText(context: PythonContext, imported: string | undefined): string | undefined {
  if (!imported) return undefined;
  const dots = /^\.*/.exec(imported)![0].length;
  const segments = imported.slice(dots).split('.').slice(0, -1);
  if (segments.length === 0 && dots === 0) return undefined;
  const bases: string[] = [];
  if (dots > 0) {
    let base = dirname(context.file);
    for (let level = 1; level < dots; level++) base = dirname(base);
    bases.push(base);
  } else bases.push(...projectBases(context));
  for (const base of bases) {
    const path = join(base, ...segments);
    for (const candidate of [`${path}.py`, join(path, '__init__.py')]) {
      const text = readTextIfAny(candidate);
      if (text !== undefined) return text;
    }
  }
  return undefined;
}

export function reportApps(
  context: PythonContext,
  apps: PythonApp[],
  message: (app: PythonApp) => string,
  unfixableReason: (app: PythonApp) => string,
): void {
  for (const app of apps)
    context.report(reportOf(context, app.call, message(app), { unfixableReason: unfixableReason(app) }));
}

/** Flask and the frameworks built on it take Flask extensions (Flask-Limiter, Flask-Talisman). */
export const isFlaskLike = (app: PythonApp): boolean =>
  app.framework === 'Flask' || app.framework === 'Quart' || app.framework === 'connexion';

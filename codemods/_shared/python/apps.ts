import type { SgNode } from '@ast-grep/napi';
import type { PythonContext } from '../../../src/engine/languages/python-detector.js';
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
 * The ASGI apps a module creates (`app = FastAPI()`, `Starlette(routes=...)`) and the controls wired on them, for the
 * app-level rules (security headers, rate limits). A control may be wired by middleware class, decorator, package
 * or a local module named for it; the rules report only a module where none of these is seen.
 */
export interface PythonApp {
  /** The `FastAPI(...)` call, where a finding is reported. */
  call: SgNode;
  name: string;
  framework: 'FastAPI' | 'Starlette';
}

const appClasses: Record<string, PythonApp['framework']> = {
  'fastapi.FastAPI': 'FastAPI',
  'fastapi.applications.FastAPI': 'FastAPI',
  'starlette.applications.Starlette': 'Starlette',
};

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
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    const callee = calleeName(call) ?? '';
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

export function reportApps(
  context: PythonContext,
  apps: PythonApp[],
  message: (app: PythonApp) => string,
  unfixableReason: string,
): void {
  for (const app of apps) context.report(reportOf(context, app.call, message(app), { unfixableReason }));
}

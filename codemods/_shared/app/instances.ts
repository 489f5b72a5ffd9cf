import type { Node } from '@babel/types';
import { moduleBindings, requireSource, unwrap } from '../../../src/engine/ast-utils.js';
import type { SourceContext, Visitors } from '../../../src/engine/rule.js';
import { findGenerator } from '../../../generators/index.js';
import { projectDependencies } from '../project/files.js';
import { exportsApp, mountedElsewhere } from './mounted.js';

type AnyNode = Node & Record<string, any>;

export type Framework = 'express' | 'fastify' | 'nest';

/** How a finding names the app: `Express app`, `Fastify instance`, `NestJS app`. */
export const frameworkLabel: Record<Framework, string> = {
  express: 'Express app',
  fastify: 'Fastify instance',
  nest: 'NestJS app',
};

/**
 * The text test of the rules that look for an app instance: the module is named, and an app is made
 * (`express()`, `Fastify()`, `require('express')()`, `require('fastify')({ logger: true })`,
 * `NestFactory.create(AppModule)` with @nestjs/core).
 */
export function mayCreateApp(text: string): boolean {
  return (
    (/['"](?:express|fastify)['"]/.test(text) &&
      /\b(?:express|fastify)\s*\(|['"](?:express|fastify)['"]\s*\)\s*\(/i.test(text)) ||
    (/['"]@nestjs\/core['"]/.test(text) && /\bNestFactory\s*\.\s*create\b/.test(text))
  );
}

/** An Express app or Fastify instance created in the file, and what the file does with it. */
export interface AppInstance {
  name: string;
  framework: Framework;
  /** The `const app = express()` declarator, where a finding is reported. */
  node: Node;
  /** Routes, mounted routers, plugins or `listen`: this is the app that serves, not a helper's. */
  serves: boolean;
  /** Passed to a function we cannot see into (`setupSecurity(app)`): that function may secure it. */
  escapes: boolean;
  /**
   * Passed to a local routes module (`routes(app)`, `require('./routes/user.routes')(app)`): it registers
   * routes, so the app serves; it may add per-route middleware but not, in practice, app-wide headers.
   */
  routed: boolean;
  /** The specifiers of those routes modules (`./app/routes`), for a rule that looks into them. */
  routesModules: string[];
  /** Every argument given to `app.use(...)` / `app.register(...)`. */
  middleware: AnyNode[];
}

const frameworkModules: Record<string, Framework> = { express: 'express', fastify: 'fastify' };
const routeMethods = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'del',
  'all',
  'head',
  'options',
  'route',
  'listen',
]);
/** Functions that take the app to serve it, not to configure it. */
const servingCalls = new Set([
  'createServer',
  'createSecureServer',
  // require('http').Server(app): the legacy spelling of createServer
  'Server',
  'serverless',
  'handle',
  'supertest',
  'request',
]);
/** A local module named for routes: `./routes`, `./app/routes/index`, `./routes/user.routes.js`, `./authRoutes`. */
const routesModuleName = /(?:^|[.\-_]|[a-z0-9](?=R))[Rr]out(?:es?|er|ing)(?:\.[cm]?[jt]s)?$/;

function isRoutesModule(source: string | undefined): boolean {
  if (!source?.startsWith('.')) return false;
  const segments = source.split('/');
  let last = segments.pop() ?? '';
  if (/^index(\.[cm]?[jt]s)?$/i.test(last)) last = segments.pop() ?? '';
  return routesModuleName.test(last);
}

/** `routes(app)`, `require('./routes')(app)`, `routes.init(app)` where `routes` is a local routes module. */
/** The specifier of the local routes module this call runs (`routes(app)`, `require('./routes')(app)`), if it is one. */
function routesModuleCalled(
  callee: AnyNode,
  modules: Map<string, { source: string; imported: string }>,
): string | undefined {
  const inline = requireSource(callee);
  if (inline) return isRoutesModule(inline) ? inline : undefined;
  const root = callee.type === 'MemberExpression' ? unwrap(callee.object) : callee;
  const source = root.type === 'Identifier' ? modules.get(root.name)?.source : undefined;
  return isRoutesModule(source) ? source : undefined;
}

/**
 * `express()`, `Fastify({...})`, `require('express')()`, `fastify().withTypeProvider()`, `await fastify()`,
 * `await NestFactory.create(AppModule)` (`create<NestExpressApplication>(...)` too).
 */
function frameworkOf(
  init: AnyNode | null | undefined,
  modules: Map<string, { source: string; imported: string }>,
): Framework | undefined {
  if (!init) return undefined;
  let node = unwrap(init);
  if (node.type === 'AwaitExpression') node = unwrap(node.argument);
  while (
    node.type === 'CallExpression' &&
    node.callee.type === 'MemberExpression' &&
    node.callee.object.type === 'CallExpression'
  )
    node = node.callee.object;
  if (node.type !== 'CallExpression') return undefined;
  const callee = unwrap(node.callee);
  // Handles: NestFactory.create(AppModule, new FastifyAdapter()), the Nest app whichever adapter serves it
  if (
    callee.type === 'MemberExpression' &&
    callee.object.type === 'Identifier' &&
    memberName(callee) === 'create'
  ) {
    const binding = modules.get(callee.object.name);
    return binding?.source === '@nestjs/core' && binding.imported === 'NestFactory' ? 'nest' : undefined;
  }
  const inline = requireSource(callee);
  if (inline && callee.type === 'CallExpression') return frameworkModules[inline];
  if (callee.type !== 'Identifier') return undefined;
  const binding = modules.get(callee.name);
  if (!binding) return undefined;
  const framework = frameworkModules[binding.source];
  if (!framework) return undefined;
  if (framework === 'express' && binding.imported !== 'default') return undefined;
  if (framework === 'fastify' && !['default', 'fastify', '*'].includes(binding.imported)) return undefined;
  return framework;
}

/**
 * Collects the apps a file creates and how it uses them, then calls `done` once the file is walked.
 * The rules built on it stay silent whenever the file does not show the whole picture.
 */
export function trackApps(
  context: SourceContext,
  done: (apps: AppInstance[], modules: Map<string, { source: string; imported: string }>) => void,
): Visitors {
  let modules = new Map<string, { source: string; imported: string }>();
  const apps = new Map<string, AppInstance>();
  return {
    Program(node: AnyNode) {
      modules = moduleBindings(node);
    },
    VariableDeclarator(node: AnyNode) {
      if (node.id.type !== 'Identifier') return;
      const framework = frameworkOf(node.init, modules);
      if (framework && !apps.has(node.id.name))
        apps.set(node.id.name, {
          name: node.id.name,
          framework,
          node,
          serves: false,
          escapes: false,
          routed: false,
          routesModules: [],
          middleware: [],
        });
    },
    CallExpression(node: AnyNode) {
      const callee = unwrap(node.callee);
      if (
        callee.type === 'MemberExpression' &&
        callee.object.type === 'Identifier' &&
        callee.property.type === 'Identifier'
      ) {
        const app = apps.get(callee.object.name);
        if (app) {
          const method = callee.property.name;
          if (routeMethods.has(method)) app.serves = true;
          if (method === 'use' || method === 'register') {
            app.middleware.push(...node.arguments);
            if (method === 'register' || node.arguments[0]?.type === 'StringLiteral') app.serves = true;
          }
        }
      }
      const calleeName =
        callee.type === 'Identifier'
          ? callee.name
          : callee.type === 'MemberExpression' && callee.property.type === 'Identifier'
            ? callee.property.name
            : undefined;
      for (const argument of node.arguments as AnyNode[]) {
        if (argument.type !== 'Identifier') continue;
        const app = apps.get(argument.name);
        if (
          !app ||
          (callee.type === 'MemberExpression' &&
            callee.object.type === 'Identifier' &&
            callee.object.name === app.name)
        )
          continue;
        if (calleeName && servingCalls.has(calleeName)) app.serves = true;
        // Handles: SwaggerModule.setup('api', app, document): the API's documentation, not its middleware
        else if (documentsOnly(callee, modules)) continue;
        else if (routesModuleCalled(callee, modules)) {
          app.serves = app.routed = true;
          app.routesModules.push(routesModuleCalled(callee, modules)!);
        } else app.escapes = true;
      }
    },
    'Program:exit'() {
      done([...apps.values()], modules);
    },
  };
}

/** `create` in `NestFactory.create`, `headers` in `security.headers`: a member's static name. */
function memberName(node: AnyNode): string | undefined {
  if (node.type !== 'MemberExpression' && node.type !== 'OptionalMemberExpression') return undefined;
  if (!node.computed) return node.property.type === 'Identifier' ? node.property.name : undefined;
  return node.property.type === 'StringLiteral' ? node.property.value : undefined;
}

/** Packages whose functions take the app only to describe it (OpenAPI documents), never to add middleware. */
const documentationPackages = new Set(['@nestjs/swagger']);

function documentsOnly(callee: AnyNode, modules: Map<string, { source: string; imported: string }>): boolean {
  const root = callee.type === 'MemberExpression' ? unwrap(callee.object) : callee;
  return root.type === 'Identifier' && documentationPackages.has(modules.get(root.name)?.source ?? '');
}

/**
 * The names a middleware argument is made of: its variables and the functions it calls (`helmet()`,
 * `security.headers()`, `limiter`), not option keys or properties it reads (`cors({ allowedHeaders })`,
 * `req.headers.authorization`), which name no control.
 */
export function controlNamesIn(node: AnyNode, names: string[] = []): string[] {
  if (!node || typeof node !== 'object') return names;
  if (node.type === 'Identifier') {
    names.push(node.name);
    return names;
  }
  if ((node.type === 'ObjectProperty' || node.type === 'ObjectMethod') && !node.computed) {
    if (node.type === 'ObjectProperty') controlNamesIn(node.value, names);
    else controlNamesIn(node.body, names);
    return names;
  }
  if ((node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') && !node.computed)
    return controlNamesIn(node.object, names);
  if ((node.type === 'CallExpression' || node.type === 'OptionalCallExpression') && node.callee) {
    const callee = unwrap(node.callee);
    const called = memberName(callee);
    if (called) names.push(called);
  }
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'start' || key === 'end' || /Comments$/.test(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) for (const item of value) controlNamesIn(item, names);
    else if (value && typeof value === 'object' && typeof value.type === 'string')
      controlNamesIn(value, names);
  }
  return names;
}

/** Identifiers inside a node (names of functions and variables used as or in middleware). */
export function identifiersIn(node: AnyNode, names: string[] = []): string[] {
  if (!node || typeof node !== 'object') return names;
  if (node.type === 'Identifier') names.push(node.name);
  for (const key of Object.keys(node)) {
    if (
      key === 'loc' ||
      key === 'start' ||
      key === 'end' ||
      key === 'leadingComments' ||
      key === 'trailingComments'
    )
      continue;
    const value = node[key];
    if (Array.isArray(value)) for (const item of value) identifiersIn(item, names);
    else if (value && typeof value === 'object' && typeof value.type === 'string')
      identifiersIn(value, names);
  }
  return names;
}

/** Whether a module specifier names one of `packages`, or a local module whose file name matches `localName`. */
export function importsAny(
  modules: Map<string, { source: string; imported: string }>,
  packages: ReadonlySet<string>,
  localName: RegExp,
): boolean {
  for (const { source } of modules.values()) {
    if (packages.has(source)) return true;
    if (source.startsWith('.') && localName.test(source.split('/').pop() ?? '')) return true;
  }
  return false;
}

/**
 * A Nest app's middleware, guards and modules are wired across its modules (`ThrottlerModule.forRoot` with an
 * `APP_GUARD` in AppModule, `consumer.apply(helmet())`), not in main.ts: when the project depends on a package
 * of the control, the app keeps the benefit of the doubt.
 */
export function withoutNestAppsControlledElsewhere(
  context: SourceContext,
  apps: AppInstance[],
  packages: ReadonlySet<string>,
): AppInstance[] {
  if (!apps.some((app) => app.framework === 'nest')) return apps;
  const dependencies = projectDependencies(context.project.root);
  if (![...packages].some((name) => dependencies.has(name))) return apps;
  return apps.filter((app) => app.framework !== 'nest');
}

export interface MissingControl {
  /** The `secure add` generator that provides the control. */
  generator: string;
  /** A name in `app.use(...)` / `app.register(...)` that shows the control is there (`helmet`, `rateLimiter`). */
  isControl(name: string): boolean;
  message(app: AppInstance): string;
  /** What to do by hand when `secure add` cannot wire it. */
  remedy: string;
  /** The same for a NestJS app, in Nest's terms (`secure add <generator>` wires its main.ts). */
  nestRemedy: string;
  /** The control can be wired per route, so a routes module the app is passed to may hold it. */
  perRoute: boolean;
  /**
   * Whether the local routes modules the app is passed to (specifiers from the file) hold the control; false
   * when they were read and do not, so the app is reported. Undefined (or no answer) keeps the benefit of the doubt.
   */
  routesHaveControl?(specifiers: readonly string[]): boolean | undefined;
  /** Why `secure add <generator>` would be wrong for this project (its Node is too old...), if it would. */
  blocker?(context: SourceContext): string | undefined;
}

/**
 * Reports each serving app of the file that lacks the control. The fix is `secure add <generator>`, offered
 * when that generator declares how to wire this framework and the file has one app (it wires one entry).
 */
export function reportMissingControl(
  context: SourceContext,
  apps: AppInstance[],
  control: MissingControl,
): void {
  const unprotected = apps.filter(
    (app) =>
      app.serves &&
      !app.escapes &&
      !(app.routed && control.perRoute && control.routesHaveControl?.(app.routesModules) !== false) &&
      !app.middleware.some((argument) => controlNamesIn(argument).some((name) => control.isControl(name))) &&
      // Handles: module.exports = app in routes/api.js, mounted by app.js as app.use('/api', apiApp)
      !(
        app.framework === 'express' &&
        exportsApp(context.text, app.name) &&
        mountedElsewhere(context.project.root, context.file)
      ),
  );
  const serving = apps.filter((app) => app.serves).length;
  for (const app of unprotected) {
    // `secure add` wires Nest entries, but `secure fix` has no tested path to it yet: reported with the remedy.
    const wirable =
      app.framework !== 'nest' && Boolean(findGenerator(control.generator)?.wiring?.[app.framework]);
    const unfixableReason =
      serving > 1
        ? `this file serves ${serving} apps and \`secure add ${control.generator}\` wires one: ${control.remedy}`
        : app.framework === 'nest'
          ? control.nestRemedy
          : wirable
            ? control.blocker?.(context)
            : control.remedy;
    context.report({
      node: app.node,
      message: control.message(app),
      ...(unfixableReason ? { unfixableReason } : { generatorFix: control.generator }),
    });
  }
}

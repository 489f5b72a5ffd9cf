import type { Node } from '@babel/types';
import type { FixApi, FixFunction, SourceContext, SourceRule } from '../../src/engine/rule.js';
import {
  calleeName,
  findBinding,
  getProperty,
  memberPath,
  moduleBindings,
  programOf,
  requireSource,
  staticValue,
  unwrap,
} from '../../src/engine/ast-utils.js';
import {
  allowlistCode,
  allowlistExpression,
  expressionFrom,
  lastDotenvLoad,
  originOptions,
} from '../_shared/cors/allowlist.js';
import { assignmentsTo } from '../_shared/sql/pieces.js';
import { handSetHeaderVisitors, judgeHeaderCall } from './hand-set-headers.js';

// Babel and recast nodes are read field by field here: a loose type keeps the matching readable
type AnyNode = any;
type ModuleRef = { source: string; imported: string };

/** Middlewares whose options take `origin` the way the `cors` package does (string, array, function). */
const corsMiddlewares = new Set(['cors', 'hono/cors', '@koa/cors', 'kcors']);
/** Koa's cors echoes the request origin by default and takes no array: it is reported, never rewritten. */
const koaMiddlewares = new Set(['@koa/cors', 'kcors']);
const fastifyCorsPlugins = new Set(['@fastify/cors', 'fastify-cors']);
const koaReason =
  "@koa/cors takes a single origin or a function, not a list: pass `origin: (ctx) => allowlist.includes(ctx.get('Origin')) ? ctx.get('Origin') : ''`";
const fallbackReason =
  "the '*' fallback applies whenever the variable is unset: remove it so that a missing setting denies instead of allowing everyone";

interface Problem {
  node: Node;
  message: string;
  fix?: FixFunction;
  unfixableReason?: string;
}

/** The module a callee or plugin expression comes from: an import, a require, or `require('m')` inline. */
function moduleOf(
  expression: AnyNode | undefined,
  context: SourceContext,
  modules: () => Map<string, ModuleRef>,
): ModuleRef | undefined {
  if (!expression) return undefined;
  const node = unwrap(expression);
  const inline = requireSource(node);
  if (inline && node.type !== 'MemberExpression') return { source: inline, imported: 'default' };
  if (node.type === 'Identifier') {
    const binding = findBinding(node.name, context.ancestors);
    if (!binding) return undefined;
    if (binding.scope.type === 'Program') return modules().get(node.name);
    const source = requireSource(binding.init);
    return source && binding.init?.type !== 'MemberExpression' ? { source, imported: 'default' } : undefined;
  }
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
    const object: ModuleRef | undefined = moduleOf(node.object, context, modules);
    if (object && (object.imported === 'default' || object.imported === '*'))
      return { source: object.source, imported: node.property.name };
  }
  return undefined;
}

/** `{...}` itself, or the object literal a `const` in scope was initialised with. */
function objectLiteral(node: AnyNode | undefined, context: SourceContext): AnyNode | undefined {
  if (!node) return undefined;
  const value = unwrap(node);
  if (value.type === 'ObjectExpression') return value;
  if (value.type === 'Identifier') {
    const binding = findBinding(value.name, context.ancestors);
    if (!binding?.init || unwrap(binding.init).type !== 'ObjectExpression') return undefined;
    // `var corsOptions = {...}` counts when nothing reassigns it
    const settled =
      binding.kind === 'const' ||
      ((binding.kind === 'let' || binding.kind === 'var') &&
        assignmentsTo(value.name, binding.scope).length === 0);
    if (settled) return unwrap(binding.init);
  }
  return undefined;
}

function isFunction(node: AnyNode): boolean {
  return /^(ArrowFunctionExpression|FunctionExpression|ObjectMethod)$/.test(node.type);
}

/** `(origin, cb) => cb(null, true)`, `function (o, cb) { cb(null, o) }`: a check that lets everyone in. */
function acceptsEveryOrigin(fn: AnyNode): boolean {
  if (!isFunction(fn) || fn.params.length !== 2) return false;
  const [originParam, callbackParam] = fn.params as AnyNode[];
  if (callbackParam.type !== 'Identifier') return false;
  let body: AnyNode = fn.body;
  if (body.type === 'BlockStatement') {
    if (body.body.length !== 1) return false;
    const statement = body.body[0];
    if (statement.type === 'ExpressionStatement') body = statement.expression;
    else if (statement.type === 'ReturnStatement' && statement.argument) body = statement.argument;
    else return false;
  }
  body = unwrap(body);
  if (body.type !== 'CallExpression' || body.callee.type !== 'Identifier') return false;
  if (body.callee.name !== callbackParam.name || body.arguments.length !== 2) return false;
  const [error, verdict] = body.arguments as AnyNode[];
  const noError = error.type === 'NullLiteral' || (error.type === 'Identifier' && error.name === 'undefined');
  const allows =
    (verdict.type === 'BooleanLiteral' && verdict.value) ||
    (verdict.type === 'Identifier' && originParam.type === 'Identifier' && verdict.name === originParam.name);
  return noError && Boolean(allows);
}

/** `/.*∕`, `/^.*$/`: a pattern every origin matches. */
function matchesEverything(node: AnyNode): boolean {
  return node.type === 'RegExpLiteral' && /^\^?\.[*+]\$?$/.test(node.pattern);
}

function replaceValue(valueNode: AnyNode): FixFunction {
  return (api: FixApi) => {
    api.pathOf(valueNode).replace(allowlistExpression(api, valueNode));
  };
}

/**
 * Judges the `origin` of a cors-style options object. `defaultIsOpen` says what a missing origin means
 * (everyone, for cors, @fastify/cors and socket.io; the request's own origin, for koa).
 */
function judgeOptions(options: AnyNode, library: string, context: SourceContext): Problem | undefined {
  const koa = koaMiddlewares.has(library);
  const origin = getProperty(options, 'origin');
  if (!origin) {
    if (options.properties.some((property: AnyNode) => property.type === 'SpreadElement')) return undefined;
    return {
      node: options,
      message: `${library} options without \`origin\` allow every origin`,
      ...(koa
        ? { unfixableReason: koaReason }
        : {
            fix: (api: FixApi) => {
              const path = api.pathOf(options);
              const original = api.j(path).toSource();
              // Handles: cors({ credentials: true }) on one line: it stays on one line
              if (!original.includes('\n') && options.properties.length > 0) {
                const rest = options.properties.map((property: AnyNode) => api.j(property).toSource());
                path.replace(
                  expressionFrom(api, `{ origin: ${allowlistCode(api, options)}, ${rest.join(', ')} }`),
                );
                return;
              }
              const allowlist = allowlistExpression(api, options);
              options.properties.unshift(api.j.objectProperty(api.j.identifier('origin'), allowlist as any));
            },
          }),
    };
  }
  // Handles: { origin(origin, cb) { cb(null, true) } }
  if (origin.type === 'ObjectMethod') {
    if (!acceptsEveryOrigin(origin)) return undefined;
    return {
      node: origin,
      message: 'this origin check accepts every origin',
      ...(koa
        ? { unfixableReason: koaReason }
        : {
            fix: (api: FixApi) => {
              const allowlist = allowlistExpression(api, origin);
              api.pathOf(origin).replace(api.j.objectProperty(api.j.identifier('origin'), allowlist as any));
            },
          }),
    };
  }
  const value = unwrap(origin.value);
  const fixOrKoa = koa ? { unfixableReason: koaReason } : { fix: replaceValue(origin.value) };
  // Handles: { origin: '*' }
  if (staticValue(value, context.ancestors)?.value === '*')
    return { node: origin.value, message: "`origin: '*'` lets every site call this API", ...fixOrKoa };
  // Handles: { origin: true } (the request's own origin is echoed back)
  if (value.type === 'BooleanLiteral' && value.value)
    return {
      node: origin.value,
      message: '`origin: true` echoes every origin back, so every site is allowed',
      ...fixOrKoa,
    };
  // Handles: { origin: (origin, cb) => cb(null, true) } and { origin: /.*/ }
  if (acceptsEveryOrigin(value) || matchesEverything(value))
    return { node: origin.value, message: 'this origin check accepts every origin', ...fixOrKoa };
  // Handles: { origin: process.env.CLIENT_URL || '*' }
  if (
    value.type === 'LogicalExpression' &&
    (value.operator === '||' || value.operator === '??') &&
    staticValue(value.right, context.ancestors)?.value === '*'
  )
    return {
      node: origin.value,
      message: "`origin` falls back to '*', which lets every site call this API",
      unfixableReason: fallbackReason,
    };
  return undefined;
}

/** A call that got no options at all: the library's default lets everyone in. */
function missingOptions(call: AnyNode, library: string, position: number, argumentCount: number): Problem {
  const message = `${library} without options allows every origin`;
  if (koaMiddlewares.has(library)) return { node: call, message, unfixableReason: koaReason };
  return {
    node: call,
    message,
    fix: (api: FixApi) => {
      if (call.arguments.length !== argumentCount) return;
      call.arguments.splice(position, 0, originOptions(api, call));
    },
  };
}

const dotenvReason =
  'the app loads .env (dotenv) below this line, so a CORS_ORIGINS read here would miss the value set there: move the dotenv load above it, or list the origins by hand';

/**
 * Without a config module the fix reads process.env.CORS_ORIGINS before the statement being fixed runs; a
 * dotenv load further down would fill it too late (the allowlist would be empty in every environment
 * that sets it in .env).
 */
function readsEnvBeforeDotenv(context: SourceContext): boolean {
  if (context.project.configModule) return false;
  const program = programOf(context.ancestors);
  if (!program) return false;
  const top = context.ancestors[context.ancestors.indexOf(program) + 1];
  const userIndex = program.body.indexOf(top);
  return userIndex >= 0 && lastDotenvLoad(program, context.text) > userIndex;
}

function withoutFix(problem: Problem): Problem {
  const { fix: _fix, ...rest } = problem;
  return { ...rest, unfixableReason: dotenvReason };
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'cors-wildcard',
    title: 'CORS must be restricted to known origins',
    description:
      'A CORS policy that accepts every origin (`*`, `origin: true`, a check that always passes, or a CORS ' +
      'middleware left on its defaults) lets any web site read this API from its visitors’ browsers.',
    checklist: 'cors',
    severity: 'high',
    cwe: [942],
    fixable: true,
    hint: 'List the allowed origins (settings.corsOrigins or the CORS_ORIGINS environment variable) instead of allowing every origin.',
  },
  prefilter: /cors|access-control-allow-origin/i,
  // A test's app (`cors()` around a supertest app) never serves a browser: the production app is judged.
  productionOnly: true,
  create(context) {
    let modules: Map<string, ModuleRef> | undefined;
    const modulesOf = () => (modules ??= moduleBindings(programOf(context.ancestors)!));
    const reported = new Set<Node>();
    const report = (problem: Problem | undefined) => {
      if (!problem || reported.has(problem.node)) return;
      reported.add(problem.node);
      context.report(problem.fix && readsEnvBeforeDotenv(context) ? withoutFix(problem) : problem);
    };

    const judgeCorsCall = (call: AnyNode, library: string, position: number) => {
      const argument = call.arguments[position] as AnyNode | undefined;
      if (call.arguments.length <= position)
        return report(missingOptions(call, library, position, call.arguments.length));
      if (argument?.type === 'SpreadElement') return;
      const options = objectLiteral(argument, context);
      if (options) report(judgeOptions(options, library, context));
    };

    /** socket.io and NestJS nest cors options under a `cors` key. */
    const judgeNestedCors = (options: AnyNode | undefined, library: string) => {
      const object = objectLiteral(options, context);
      const cors = object && getProperty(object, 'cors');
      if (!cors || cors.type !== 'ObjectProperty') return;
      const value = unwrap(cors.value);
      // Handles: NestFactory.create(AppModule, { cors: true })
      if (value.type === 'BooleanLiteral' && value.value && library === '@nestjs/core') {
        report({
          node: cors.value,
          message: '`cors: true` allows every origin',
          fix: (api) => {
            api.pathOf(cors.value).replace(originOptions(api, cors.value));
          },
        });
        return;
      }
      const nested = objectLiteral(cors.value, context);
      if (nested) report(judgeOptions(nested, library, context));
    };

    const judgeConstruction = (node: AnyNode) => {
      const library = moduleOf(node.callee, context, modulesOf);
      if (library?.source !== 'socket.io' || !['Server', 'default', '*'].includes(library.imported)) return;
      // Handles: new Server(httpServer, { cors: { origin: '*' } }) and require('socket.io')(server, {...})
      judgeNestedCors(node.arguments[node.arguments.length - 1], 'socket.io');
    };

    return {
      NewExpression: judgeConstruction,
      CallExpression(node: AnyNode) {
        const name = calleeName(node);
        const library = moduleOf(node.callee, context, modulesOf);
        // Handles: cors(), cors({ origin: '*' }) (cors, hono/cors, @koa/cors)
        if (library && corsMiddlewares.has(library.source)) {
          const isMiddleware =
            library.source === 'hono/cors'
              ? library.imported === 'cors'
              : ['default', '*'].includes(library.imported);
          if (isMiddleware) judgeCorsCall(node, library.source, 0);
          return;
        }
        if (library?.source === 'socket.io') return judgeConstruction(node);
        // Handles: io.origins('*:*') (socket.io 2, every origin)
        if (
          name === 'origins' &&
          node.callee.type === 'MemberExpression' &&
          /^\*(:\*)?$/.test(String(staticValue(node.arguments[0], context.ancestors)?.value))
        ) {
          const socketIo = [...modulesOf().values()].some((module) => module.source === 'socket.io');
          if (socketIo)
            report({
              node,
              message: "`origins('*:*')` lets every site open a socket.io connection",
              unfixableReason:
                'socket.io 2 takes origins as a string list: pass the allowlist (or upgrade to socket.io 4 and set cors: { origin: allowlist })',
            });
          return;
        }
        // Handles: fastify.register(cors, { origin: '*' })
        if (name === 'register' && node.callee.type === 'MemberExpression') {
          const plugin = moduleOf(node.arguments[0], context, modulesOf);
          if (plugin && fastifyCorsPlugins.has(plugin.source) && ['default', '*'].includes(plugin.imported)) {
            const options = node.arguments[1] ? unwrap(node.arguments[1]) : undefined;
            if (options && isFunction(options)) return;
            judgeCorsCall(node, plugin.source, 1);
          }
          return;
        }
        // Handles: app.enableCors() (NestJS)
        if (name === 'enableCors' && node.callee.type === 'MemberExpression') {
          if (node.arguments.length === 0 || objectLiteral(node.arguments[0], context))
            judgeCorsCall(node, 'enableCors()', 0);
          return;
        }
        // Handles: NestFactory.create(AppModule, { cors: true })
        if (name === 'create' && memberPath(node.callee)?.endsWith('NestFactory.create')) {
          const nest = moduleOf(node.callee.object, context, modulesOf);
          if (nest?.source === '@nestjs/core') judgeNestedCors(node.arguments[1], '@nestjs/core');
          return;
        }
        // Handles: res.setHeader('Access-Control-Allow-Origin', '*') and an echoed request Origin
        judgeHeaderCall(node, name, context, report);
      },
      ...handSetHeaderVisitors(context, report),
    };
  },
};

export default rule;

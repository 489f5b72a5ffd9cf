import type { Node } from '@babel/types';
import type { SourceContext, SourceRule } from '../../src/engine/rule.js';
import {
  calleeName,
  findBinding,
  memberPath,
  propertyName,
  staticValue,
} from '../../src/engine/ast-utils.js';
import { stringValue } from '../_shared/secrets/locate.js';
import { isSecretName } from '../_shared/secrets/names.js';
import { letterEscape, secretName, secretWord } from '../_shared/secrets/prefilter.js';
import { isTestPath, relativeToRoot } from '../_shared/secrets/paths.js';
import { accessLogLeak, mayConfigureAccessLog } from './access-log.js';
import { announcedCredential, isHeadersParameter, literalCredentialIn } from './literal-credentials.js';
import { wholeValueOf, wholeValueWord } from './whole-values.js';

type AnyNode = Node & Record<string, any>;

const MASK = '***';
const consoleMethods = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']);
const loggerMethods = new Set([
  'trace',
  'debug',
  'info',
  'warn',
  'warning',
  'error',
  'fatal',
  'log',
  'verbose',
  'silly',
  'http',
  'notice',
  'critical',
  'crit',
  'alert',
  'emerg',
]);
/**
 * The logger objects of console, pino, winston, bunyan, Fastify and Express middlewares; also a class's own logger
 * or a constant one (`Logger`, `LOGGER`, `APP_LOG`).
 */
const loggerObject =
  /^(?:_?logger|_?log|logging|\w+Logger|\w+Log|Logger|Log|(?:[A-Z][A-Z0-9]*_)*(?:LOGGER|LOG))$/;
/** Calls that return a logger: `logger.child({ reqId })` (pino, bunyan, winston), `getLogger()` (log4js). */
const loggerFactory = /^(?:get|create|make|use)?(?:[A-Za-z]*Logger|logger)$/;

/** Whether this path (`this.#logger`, `logger.child()`, `getLogger()`) is a logger. */
function isLoggerPath(object: string): boolean {
  const segments = object.split('.');
  const owner = segments.at(-1)!.replace(/^#/, '');
  if (!owner.endsWith('()')) return loggerObject.test(owner) && owner !== 'Math';
  const factory = owner.slice(0, -2);
  if (factory === 'child') return segments.length > 1 && isLoggerPath(segments.slice(0, -1).join('.'));
  return loggerFactory.test(factory);
}

function isLogCall(call: AnyNode): boolean {
  const callee = call.callee as AnyNode;
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return false;
  const method = calleeName(call);
  const object = memberPath(callee.object);
  if (!method || !object) return false;
  if (object === 'console') return consoleMethods.has(method);
  return loggerMethods.has(method) && isLoggerPath(object);
}

/**
 * isLogCall needs an owner that `console` or loggerObject accepts (`this.logger`, `req.log`, `auditLog`) and one of
 * the methods: both are in the text, even when a cast, `!`, `?.` or a line break stands between them.
 */
const logOwner = /(?:console|log|Log|LOG|logger|Logger|LOGGER|logging)(?![\w$])/;
const logMethod = new RegExp(
  `(?:\\.|\\[)\\s*['"\`]?(?:${[...new Set([...consoleMethods, ...loggerMethods])].join('|')})(?![\\w$])`,
);

function mayCallLogger(text: string): boolean {
  return logOwner.test(text) && logMethod.test(text);
}

const requestObject = /^(?:req|request|ctx\.request|ctx\.req|event)$/;
const headerName =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-access-token)$/i;

/** leakOf's names and headers: a secret's name, an authorization or cookie header, `req.cookies`. */
const leakWord = /cookie|authorization|authheader/i;
/** leakOf's whole request parts: `req.body`, `request.headers`, `ctx.request.body`, `event.body`. */
const requestObjectWord = /(?<![\w$])(?:req|request|event)(?![\w$])/;
/** leakOf's headers parameters: `@Headers() headers`, `(data, headers)`. */
const headersWord = /(?<![\w$])(?:headers|Headers)(?![\w$])/;
const wholePartWord = /(?<![\w$])(?:body|headers)(?![\w$])/;

/** What leakOf may find in some argument, or in the value a logged variable is bound to. */
function mayLogSecret(text: string): boolean {
  return (
    (secretWord.test(text) && secretName.test(text)) ||
    leakWord.test(text) ||
    headersWord.test(text) ||
    announcedCredential.test(text) ||
    (requestObjectWord.test(text) && wholePartWord.test(text))
  );
}

/** What logging this value leaks: a secret (masked by the fix) or a whole body/headers (reported). */
type Leak = { kind: 'secret'; what: string } | { kind: 'whole'; what: string };

function leakOf(node: AnyNode, scope: readonly Node[] = [], depth = 0): Leak | undefined {
  if (staticValue(node, scope)) return undefined;
  // Handles: console.log(user), util.inspect(config), 'Using ' + mongoUri, JSON.stringify(cfenv.getAppEnv())
  const whole = depth === 0 ? wholeValueOf(node, scope) : undefined;
  if (whole) return { kind: 'whole', what: whole.what };
  if (node.type === 'CallExpression') {
    // Handles: req.get('authorization'), request.header('Cookie')
    const name = calleeName(node);
    const header = node.arguments.length === 1 ? stringValue(node.arguments[0]) : undefined;
    if ((name === 'get' || name === 'header') && header && headerName.test(header))
      return { kind: 'secret', what: `the ${header.toLowerCase()} header` };
    return undefined;
  }
  const path = memberPath(node);
  if (!path || path.endsWith('()')) return undefined;
  const segments = path.split('.');
  const last = segments.at(-1)!;
  const owner = segments.slice(0, -1).join('.');
  if (segments.length >= 2 && segments.at(-2) === 'headers' && headerName.test(last))
    return { kind: 'secret', what: `the ${last.toLowerCase()} header` };
  if (requestObject.test(owner) && (last === 'cookies' || last === 'signedCookies'))
    return { kind: 'secret', what: 'the request cookies' };
  if (requestObject.test(owner) && (last === 'body' || last === 'headers'))
    return { kind: 'whole', what: `the whole request ${last}` };
  if (isSecretName(last) || /^(?:authorization|auth(?:orization)?Header|bearerToken)$/i.test(last))
    return { kind: 'secret', what: `\`${path}\`` };
  // Handles: const auth = req.headers.authorization; console.log(auth)
  if (node.type === 'Identifier' && depth === 0) {
    const binding = findBinding(node.name, scope);
    if (binding?.kind === 'param' && isHeadersParameter(binding.node as AnyNode, node.name))
      return { kind: 'whole', what: `\`${node.name}\`, the whole request headers` };
    const inner =
      (binding?.kind === 'const' || binding?.kind === 'let') && binding.init
        ? leakOf(binding.init, scope, 1)
        : undefined;
    if (inner) return { kind: inner.kind, what: `\`${node.name}\` (${inner.what})` } as Leak;
    // Handles: const query = `SELECT ... AND password = '${password}'`; console.log('Executing query:', query)
    const init = binding?.kind === 'const' || binding?.kind === 'let' ? (binding.init as AnyNode) : undefined;
    if (init?.type === 'TemplateLiteral' || (init?.type === 'BinaryExpression' && init.operator === '+')) {
      const held: Found[] = [];
      collect(init, held, scope, 1);
      if (held.length > 0)
        return { kind: 'whole', what: `\`${node.name}\`, built with ${held[0].leak.what}` };
    }
    // Handles: const message = { authorization: req.headers.authorization }; logger.info(JSON.stringify(message))
    if (binding?.kind === 'const' && binding.init?.type === 'ObjectExpression') {
      const held: Found[] = [];
      collect(binding.init, held, scope, 1);
      if (held.length > 0)
        return { kind: 'whole', what: `\`${node.name}\`, an object holding ${held[0].leak.what}` };
    }
  }
  return undefined;
}

/** Keys that say their value is an identifier or a display name, not a record: `userId`, `user_id`, `email`. */
const idKey = /(?:^id|Id|ID|_id|^name|Name|_name|^email|Email|_email)$/;

interface Found {
  /** The node reported and, for a secret, replaced by '***'. */
  node: AnyNode;
  leak: Leak;
  /** For a value inside a template literal: the template and the index of the expression. */
  template?: { node: AnyNode; index: number };
  /** For `{ password }`: the shorthand property to expand. */
  shorthand?: AnyNode;
}

function collect(node: AnyNode, out: Found[], scope: readonly Node[], depth = 0): void {
  if (depth > 4) return;
  const leak = leakOf(node, scope);
  if (leak) {
    out.push({ node, leak });
    return;
  }
  switch (node.type) {
    case 'ObjectExpression':
      for (const property of node.properties as AnyNode[]) {
        if (property.type === 'SpreadElement') {
          const spread = leakOf(property.argument, scope);
          if (spread) out.push({ node: property.argument, leak: { kind: 'whole', what: spread.what } });
          continue;
        }
        if (property.type !== 'ObjectProperty') continue;
        const key = propertyName(property);
        const value = property.value as AnyNode;
        // Handles: { password: user.password }, { token } (any value under a secret's key)
        if (key && isSecretName(key) && !staticValue(value, scope) && value.type !== 'ObjectExpression') {
          const isValue = value.type === 'Identifier' || value.type.endsWith('MemberExpression');
          if (isValue)
            out.push({
              node: value,
              leak: { kind: 'secret', what: `\`${key}\`` },
              ...(property.shorthand ? { shorthand: property } : {}),
            });
          continue;
        }
        // Handles: { providerId: event.user }: a key naming an id or a name says what the value is
        if (key && idKey.test(key) && wholeValueOf(value, scope)) continue;
        collect(value, out, scope, depth + 1);
      }
      return;
    case 'TemplateLiteral':
      (node.expressions as AnyNode[]).forEach((expression, index) => {
        const inner = leakOf(expression, scope);
        if (inner) out.push({ node: expression, leak: inner, template: { node, index } });
        else if (expression.type === 'CallExpression') collect(expression, out, scope, depth + 1);
      });
      return;
    case 'BinaryExpression':
      if (node.operator === '+') {
        collect(node.left, out, scope, depth + 1);
        collect(node.right, out, scope, depth + 1);
      }
      return;
    case 'CallExpression': {
      // Handles: JSON.stringify(req.body), util.inspect(user.password)
      const callee = memberPath(node.callee);
      if (
        callee === 'JSON.stringify' ||
        callee === 'util.inspect' ||
        callee === 'String' ||
        callee === 'inspect'
      )
        for (const argument of node.arguments.slice(0, 1)) {
          const inner = leakOf(argument, scope);
          if (inner?.kind === 'whole') out.push({ node: argument, leak: inner });
          else if (inner) out.push({ node, leak: inner });
        }
      return;
    }
    default:
      return;
  }
}

function templateWithMasks(j: any, template: AnyNode, masked: Set<number>): AnyNode {
  const quasis: AnyNode[] = [];
  const expressions: AnyNode[] = [];
  let raw = template.quasis[0].value.raw as string;
  template.expressions.forEach((expression: AnyNode, index: number) => {
    const next = template.quasis[index + 1].value.raw as string;
    if (masked.has(index)) {
      raw += MASK + next;
    } else {
      quasis.push(j.templateElement({ raw, cooked: raw }, false));
      expressions.push(expression);
      raw = next;
    }
  });
  quasis.push(j.templateElement({ raw, cooked: raw }, true));
  return j.templateLiteral(quasis, expressions);
}

/**
 * Command-line tools (a shebang, or bin/, scripts/, cli/) print to the person who ran them: a key they just
 * generated is their output, not a log. Their logger calls still count.
 */
function isCommandLineTool(context: SourceContext): boolean {
  return (
    context.text.startsWith('#!') ||
    /(?:^|\/)(?:bin|scripts|cli)\//.test(relativeToRoot(context.file, context.project.root))
  );
}

function check(call: AnyNode, context: SourceContext, cli: boolean): void {
  if (!isLogCall(call)) return;
  if (cli && memberPath(call.callee)?.startsWith('console.')) return;
  const found: Found[] = [];
  for (const argument of call.arguments as AnyNode[]) {
    if (literalCredentialIn(argument))
      context.report({
        node: argument,
        message: 'Logs a credential written into the message itself',
        unfixableReason:
          'remove the credential from the message (the log and the repository both hold it), and change that password',
      });
    collect(argument, found, context.ancestors);
  }
  const templates = new Map<AnyNode, Set<number>>();
  for (const entry of found) {
    if (entry.leak.kind === 'whole') {
      context.report({
        node: entry.node,
        message: `Logs ${entry.leak.what}, which may hold passwords or tokens`,
        unfixableReason: 'log only the fields you need, or configure the logger to redact them',
      });
    } else if (entry.template) {
      const set = templates.get(entry.template.node) ?? new Set<number>();
      set.add(entry.template.index);
      templates.set(entry.template.node, set);
    } else {
      const { node, shorthand } = entry;
      context.report({
        node,
        message: `Logs ${entry.leak.what}, a secret`,
        fix(api) {
          const { j } = api;
          if (shorthand)
            api
              .pathOf(shorthand)
              .replace(j.objectProperty(j.identifier(propertyName(shorthand)!), j.stringLiteral(MASK)));
          else api.pathOf(node).replace(j.stringLiteral(MASK));
        },
      });
    }
  }
  for (const [template, masked] of templates) {
    const what = found.filter((entry) => entry.template?.node === template).map((entry) => entry.leak.what);
    context.report({
      node: template,
      message: `Logs ${what.join(', ')}, ${what.length > 1 ? 'secrets' : 'a secret'}`,
      fix(api) {
        api.pathOf(template).replace(templateWithMasks(api.j, template, masked));
      },
    });
  }
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'log-secret',
    title: 'Secrets written to logs',
    description:
      'Logs are copied to terminals, files, log services and support tickets, and are read by many more people ' +
      'than the database. Passwords, tokens, authorization headers, cookies and whole request bodies must never ' +
      'be logged.',
    checklist: 'secrets',
    severity: 'high',
    cwe: [532],
    fixable: true,
    hint: "Mask the value ('***') and keep the message; log only the fields you need.",
  },
  prefilter: (text) =>
    (mayCallLogger(text) && (mayLogSecret(text) || wholeValueWord.test(text))) ||
    letterEscape.test(text) ||
    mayConfigureAccessLog(text),
  appliesTo: (path) => !isTestPath(path),
  create(context) {
    const cli = isCommandLineTool(context);
    return {
      CallExpression: (node) => {
        check(node, context, cli);
        // Handles: app.use(morgan('combined')) in an app that takes tokens in query strings, pinoHttp() with no redact
        const leak = accessLogLeak(node, context);
        if (leak) context.report({ node, message: leak.message, unfixableReason: leak.remedy });
      },
      OptionalCallExpression: (node) => check(node, context, cli),
    };
  },
};

export default rule;

import type { SgNode } from '@ast-grep/napi';
import type { PythonContext, PythonDetector } from '../../src/engine/languages/python-detector.js';
import type { TextEdit } from '../../src/engine/rule.js';
import { isSecretName } from '../_shared/secrets/names.js';
import { relativeToRoot } from '../_shared/secrets/paths.js';
import { secretName, secretWord } from '../_shared/secrets/prefilter.js';
import {
  calleeName,
  dottedName,
  isPythonTestPath,
  keywordArguments,
  positionalArguments,
  replaceNode,
  reportOf,
  stringValue,
  unwrap,
} from '../_shared/python/syntax.js';

const MASK = '***';
const logMethods = new Set([
  'debug',
  'info',
  'warning',
  'warn',
  'error',
  'exception',
  'critical',
  'fatal',
  'log',
]);
/** `logger`, `log`, `logging`, `self.logger`, `app.logger`, `LOGGER`, `auth_logger`, `getLogger(__name__)`. */
const loggerObject =
  /^(?:_*(?:logger|log|logging)|\w+_(?:logger|log)|LOGGER|LOG|\w+_LOGGER|(?:logging\.)?getLogger\(\)|get_logger\(\)|structlog\.get_logger\(\))$/;
const headerName =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-access-token)$/i;
const requestObject = /^(?:request|req|self\.request|websocket|ws)$/;

function isLogCall(call: SgNode): 'logger' | 'print' | undefined {
  const callee = calleeName(call);
  if (!callee) return undefined;
  if (callee === 'print') return 'print';
  const dot = callee.lastIndexOf('.');
  if (dot === -1 || !logMethods.has(callee.slice(dot + 1))) return undefined;
  const owner = callee.slice(0, dot);
  return loggerObject.test(owner) || loggerObject.test(owner.split('.').at(-1) ?? '') ? 'logger' : undefined;
}

type Leak = { kind: 'secret' | 'whole'; what: string };

/** The parts of a request that hold its whole body: Flask's `request.json`, DRF's `request.data`. */
const bodyAttribute = /^(?:json|form|data|body|values|POST)$/;
const bodyCall = /^(?:get_json|json|form|body|post)$/;

/** `request.json`, `request.get_json()`, `await request.json()` (Starlette, aiohttp): the whole request body. */
function isRequestBody(expression: SgNode): boolean {
  let node = unwrap(expression);
  if (node.kind() === 'await') node = unwrap(node.namedChildren()[0] ?? node);
  if (node.kind() === 'call') {
    const callee = calleeName(node) ?? '';
    const dot = callee.lastIndexOf('.');
    return dot > 0 && requestObject.test(callee.slice(0, dot)) && bodyCall.test(callee.slice(dot + 1));
  }
  const path = dottedName(node)?.split('.');
  return (
    path !== undefined &&
    path.length >= 2 &&
    requestObject.test(path.slice(0, -1).join('.')) &&
    bodyAttribute.test(path.at(-1)!)
  );
}

/** A local variable the enclosing function set to the whole request body before this use (`content = request.json`). */
function holdsRequestBody(identifier: SgNode): boolean {
  const owner = identifier.ancestors().find((ancestor) => ancestor.kind() === 'function_definition');
  if (!owner) return false;
  const name = identifier.text();
  return owner
    .findAll({ rule: { kind: 'assignment' } })
    .some(
      (assignment) =>
        assignment.field('left')?.kind() === 'identifier' &&
        assignment.field('left')?.text() === name &&
        assignment.range().end.index < identifier.range().start.index &&
        isRequestBody(assignment.field('right')!),
    );
}

/** What logging this expression leaks: a secret (masked by the fix) or a whole request part (reported). */
function leakOf(expression: SgNode): Leak | undefined {
  const node = unwrap(expression);
  if (stringValue(node) !== undefined) return undefined;
  // Handles: print(request.json), logger.info(await request.json()), content = request.json; print(content)
  if (isRequestBody(node) || (node.kind() === 'identifier' && holdsRequestBody(node)))
    return { kind: 'whole', what: 'the whole request body' };
  switch (node.kind()) {
    case 'identifier':
    case 'attribute': {
      const path = dottedName(node);
      if (!path) return undefined;
      const segments = path.split('.');
      const last = segments.at(-1)!;
      const owner = segments.slice(0, -1).join('.');
      if (requestObject.test(owner) && last === 'cookies')
        return { kind: 'secret', what: 'the request cookies' };
      if (requestObject.test(owner) && last === 'headers')
        return { kind: 'whole', what: 'the whole request headers' };
      if (isSecretName(last) || /^(?:authorization|auth_header|bearer)$/i.test(last))
        return { kind: 'secret', what: `\`${path}\`` };
      return undefined;
    }
    case 'subscript': {
      // Handles: request.headers["Authorization"], environ["HTTP_AUTHORIZATION"]
      const key = stringValue(node.field('subscript'));
      if (key && (headerName.test(key) || /^HTTP_(?:AUTHORIZATION|COOKIE)$/.test(key)))
        return { kind: 'secret', what: `the ${key.toLowerCase().replace(/^http_/, '')} header` };
      if (key && isSecretName(key)) return { kind: 'secret', what: `\`${key}\`` };
      return undefined;
    }
    case 'call': {
      const callee = calleeName(node) ?? '';
      const first = positionalArguments(node)[0];
      // Handles: request.headers.get("authorization"), data.get("password")
      if (/\.get$/.test(callee)) {
        const key = stringValue(first);
        if (key && (headerName.test(key) || /^HTTP_(?:AUTHORIZATION|COOKIE)$/.test(key)))
          return { kind: 'secret', what: `the ${key.toLowerCase().replace(/^http_/, '')} header` };
        if (key && isSecretName(key)) return { kind: 'secret', what: `\`${key}\`` };
        return undefined;
      }
      // Handles: settings.SECRET_KEY.get_secret_value(), str(token), repr(password)
      if (/\.get_secret_value$/.test(callee)) return leakOf(node.field('function')!.field('object')!);
      if ((callee === 'str' || callee === 'repr') && first) return leakOf(first);
      if (
        callee === 'dict' &&
        first &&
        requestObject.test(dottedName(first)?.split('.').slice(0, -1).join('.') ?? '')
      )
        return leakOf(first);
      return undefined;
    }
    default:
      return undefined;
  }
}

interface Found {
  node: SgNode;
  leak: Leak;
  /** The replacement: `"***"` for an argument, `***` in place of an f-string's `{...}`. */
  mask: string;
}

function collect(expression: SgNode, out: Found[], depth = 0): void {
  if (depth > 4) return;
  const node = unwrap(expression);
  const leak = leakOf(node);
  if (leak) {
    out.push({ node, leak, mask: `"${MASK}"` });
    return;
  }
  switch (node.kind()) {
    case 'string':
      // Handles: f"token={token}", f"{user.password!r}"
      for (const interpolation of node.children().filter((child) => child.kind() === 'interpolation')) {
        const inner = interpolation.field('expression') ?? interpolation.namedChildren()[0];
        const found = inner ? leakOf(inner) : undefined;
        if (found) out.push({ node: interpolation, leak: found, mask: MASK });
      }
      return;
    case 'concatenated_string':
      for (const part of node.namedChildren()) collect(part, out, depth + 1);
      return;
    case 'binary_operator': {
      // Handles: "token: " + token, "password %s" % password, "%s:%s" % (user, password)
      const operator = node.field('operator')?.text();
      if (operator !== '+' && operator !== '%') return;
      collect(node.field('left')!, out, depth + 1);
      const right = unwrap(node.field('right')!);
      if (operator === '%' && right.kind() === 'tuple')
        for (const item of right.namedChildren()) collect(item, out, depth + 1);
      else collect(right, out, depth + 1);
      return;
    }
    case 'call': {
      // Handles: "token {}".format(token), "{password}".format(password=password)
      const callee = node.field('function');
      if (callee?.kind() !== 'attribute' || callee.field('attribute')?.text() !== 'format') return;
      for (const argument of positionalArguments(node)) collect(argument, out, depth + 1);
      for (const { value } of keywordArguments(node)) collect(value, out, depth + 1);
      return;
    }
    case 'dictionary':
      // Handles: extra={"password": password}, {"token": token}
      for (const pair of node.namedChildren().filter((child) => child.kind() === 'pair')) {
        const key = stringValue(pair.field('key'));
        const value = pair.field('value');
        if (!value || stringValue(value) !== undefined) continue;
        if (key && isSecretName(key))
          out.push({ node: unwrap(value), leak: { kind: 'secret', what: `\`${key}\`` }, mask: `"${MASK}"` });
        else collect(value, out, depth + 1);
      }
      return;
    default:
      return;
  }
}

/**
 * Command-line tools (a shebang, or bin/, scripts/, cli/, manage.py) print to the person who ran them: a key they
 * just generated is their output, not a log. Their logger calls still count.
 */
function isCommandLineTool(context: PythonContext): boolean {
  const path = relativeToRoot(context.file, context.project.root);
  return (
    context.text.startsWith('#!') ||
    /(?:^|\/)(?:bin|scripts|cli|management\/commands)\/|(?:^|\/)manage\.py$/.test(path)
  );
}

function check(context: PythonContext): void {
  const cli = isCommandLineTool(context);
  for (const call of context.root.findAll({ rule: { kind: 'call' } })) {
    const kind = isLogCall(call);
    if (!kind || (kind === 'print' && cli)) continue;
    const found: Found[] = [];
    for (const argument of positionalArguments(call)) collect(argument, found);
    for (const { name, value } of keywordArguments(call)) if (name === 'extra') collect(value, found);
    for (const entry of found) {
      if (entry.leak.kind === 'whole') {
        context.report(
          reportOf(context, entry.node, `Logs ${entry.leak.what}, which may hold passwords or tokens`, {
            unfixableReason: 'log only the fields you need, or add a logging filter that redacts them',
          }),
        );
        continue;
      }
      const edit: TextEdit = replaceNode(entry.node, entry.mask);
      context.report(reportOf(context, entry.node, `Logs ${entry.leak.what}, a secret`, { fix: [edit] }));
    }
  }
}

const detector: PythonDetector = {
  prefilter: (text) =>
    /print|log/i.test(text) &&
    ((secretWord.test(text) && secretName.test(text)) ||
      /authorization|cookie|headers|x-api-key|request/i.test(text)),
  check(context) {
    if (!isPythonTestPath(context)) check(context);
  },
};

export default detector;

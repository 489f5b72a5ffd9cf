import type { Node } from '@babel/types';
import type { ReportDescriptor, SourceContext, Visitors } from '../../src/engine/rule.js';
import {
  calleeName,
  findBinding,
  getProperty,
  memberPath,
  propertyName,
  staticValue,
  unwrap,
} from '../../src/engine/ast-utils.js';

// Babel and recast nodes are read field by field here: a loose type keeps the matching readable
type AnyNode = any;
type Report = (descriptor: ReportDescriptor) => void;

const allowOriginHeader = 'access-control-allow-origin';
/** Calls whose object argument is a set of response headers. */
const headerCalls = new Set([
  'set',
  'header',
  'headers',
  'writeHead',
  'setHeaders',
  'Headers',
  'Response',
  'json',
]);

export const handSetReason =
  'the header is set by hand: use the cors middleware with the allowlist (`secure add cors`), or send back ' +
  "the request's Origin only when the allowlist contains it, together with `Vary: Origin`";

function isAllowOriginHeader(node: AnyNode | undefined, context: SourceContext): boolean {
  const name = node && staticValue(node, context.ancestors)?.value;
  return typeof name === 'string' && name.toLowerCase() === allowOriginHeader;
}

function isWildcard(node: AnyNode | undefined, context: SourceContext): boolean {
  return Boolean(node) && staticValue(node, context.ancestors)?.value === '*';
}

/**
 * `req.headers.origin`, `req.headers['origin']`, `req.get('Origin')`, `request.header('origin')`, `req.query.origin`
 * (the requester picks it as freely), or a variable holding one (`const origin = req.headers.origin`).
 */
function isRequestOrigin(node: AnyNode | undefined, ancestors: readonly Node[] = [], depth = 0): boolean {
  if (!node || depth > 3) return false;
  const value: AnyNode = unwrap(node);
  // Handles: req.headers.origin || '*'
  if (value.type === 'LogicalExpression')
    return (
      isRequestOrigin(value.left, ancestors, depth + 1) || isRequestOrigin(value.right, ancestors, depth + 1)
    );
  // Handles: const origin = req.headers.origin; res.header('Access-Control-Allow-Origin', origin)
  if (value.type === 'Identifier') {
    const binding = findBinding(value.name, ancestors);
    return (
      (binding?.kind === 'const' || binding?.kind === 'let') &&
      isRequestOrigin(binding.init as AnyNode | undefined, ancestors, depth + 1)
    );
  }
  if (value.type === 'MemberExpression' || value.type === 'OptionalMemberExpression') {
    const key = value.computed ? value.property.value : value.property.name;
    const owner = memberPath(value.object) ?? '';
    return (
      typeof key === 'string' &&
      key.toLowerCase() === 'origin' &&
      (/headers$/i.test(owner) || /^(?:req|request|ctx\.request|ctx)\.query$/.test(owner))
    );
  }
  if (value.type === 'CallExpression' && ['get', 'header'].includes(calleeName(value) ?? '')) {
    const argument = value.arguments[0];
    return argument?.type === 'StringLiteral' && argument.value.toLowerCase() === 'origin';
  }
  return false;
}

/** `undefined`, `null`, `''`, `'undefined'` (what `typeof` returns): the other side of a presence test. */
function isNothing(node: AnyNode): boolean {
  const value: AnyNode = unwrap(node);
  if (value.type === 'Identifier') return value.name === 'undefined';
  if (value.type === 'NullLiteral') return true;
  return value.type === 'StringLiteral' && (value.value === '' || value.value === 'undefined');
}

/**
 * `req.get('origin') !== undefined`, `req.headers.origin`, `typeof req.headers.origin !== 'undefined'`: a test
 * that only asks whether the request has an Origin, which every cross-site request has. It checks nothing.
 */
function isPresenceTest(test: AnyNode): boolean {
  const value: AnyNode = unwrap(test);
  if (value.type === 'UnaryExpression' && value.operator === '!') return isPresenceTest(value.argument);
  if (value.type === 'LogicalExpression' && value.operator === '&&')
    return isPresenceTest(value.left) && isPresenceTest(value.right);
  if (isRequestOrigin(value)) return true;
  if (value.type !== 'BinaryExpression' || !/^[!=]==?$/.test(value.operator)) return false;
  const read = (side: AnyNode) => {
    const inner: AnyNode = unwrap(side);
    return isRequestOrigin(
      inner.type === 'UnaryExpression' && inner.operator === 'typeof' ? inner.argument : inner,
    );
  };
  return (read(value.left) && isNothing(value.right)) || (read(value.right) && isNothing(value.left));
}

/** The walker may hand over a copy of a node: the same node is the one at the same place. */
function isSameNode(a: AnyNode, b: AnyNode): boolean {
  return a === b || (a?.start !== undefined && a.start === b?.start && a.end === b?.end);
}

/**
 * Whether the code runs under an `if`, a `? :` or a `&&` inside its function that may check the origin. A test
 * that only asks whether there is an Origin (Handles: if (req.get('origin') !== undefined) res.header(...)) does not.
 */
function insideCondition(node: AnyNode, ancestors: readonly Node[]): boolean {
  for (let index = ancestors.length - 1; index >= 0; index--) {
    const ancestor = ancestors[index] as AnyNode;
    const child = ancestors[index + 1] ?? node;
    if (/Function|Method/.test(ancestor.type)) return false;
    if (ancestor.type === 'IfStatement' || ancestor.type === 'ConditionalExpression') {
      if (!isSameNode(child, ancestor.test) && isPresenceTest(ancestor.test)) continue;
      return true;
    }
    if (ancestor.type === 'LogicalExpression') {
      if (ancestor.operator === '&&' && isSameNode(child, ancestor.right) && isPresenceTest(ancestor.left))
        continue;
      return true;
    }
    if (ancestor.type === 'SwitchCase') return true;
  }
  return false;
}

/** res.setHeader('Access-Control-Allow-Origin', '*'), res.header(...), res.set(...), reply.header(...) */
export function judgeHeaderCall(
  node: AnyNode,
  name: string | undefined,
  context: SourceContext,
  report: Report,
): void {
  if (
    node.callee.type === 'MemberExpression' &&
    ['setHeader', 'header', 'set', 'append'].includes(name ?? '') &&
    isAllowOriginHeader(node.arguments[0], context)
  ) {
    if (isWildcard(node.arguments[1], context))
      report({
        node,
        message: 'Access-Control-Allow-Origin: * lets every site read this response',
        unfixableReason: handSetReason,
      });
    // Handles: res.header('Access-Control-Allow-Origin', req.headers.origin) with no check around it
    else if (
      isRequestOrigin(node.arguments[1], context.ancestors) &&
      !insideCondition(node, context.ancestors)
    )
      report({
        node,
        message:
          "Access-Control-Allow-Origin echoes every request's Origin, so every site can read this response",
        unfixableReason: handSetReason,
      });
  }
}

/** The header written as an object: `res.set({...})`, `headers: {...}`, `headers['...'] = '*'`, next.config `{ key, value }`. */
export function handSetHeaderVisitors(context: SourceContext, report: Report): Visitors {
  return {
    // Handles: next.config.js headers(): { key: 'Access-Control-Allow-Origin', value: '*' }
    ObjectExpression(node: AnyNode) {
      const key = getProperty(node, 'key');
      const value = getProperty(node, 'value');
      if (key?.type !== 'ObjectProperty' || value?.type !== 'ObjectProperty') return;
      if (!isAllowOriginHeader(key.value, context) || !isWildcard(value.value, context)) return;
      const list = context.ancestors[context.ancestors.length - 1] as AnyNode;
      const holder = context.ancestors[context.ancestors.length - 2] as AnyNode | undefined;
      if (
        list?.type !== 'ArrayExpression' ||
        holder?.type !== 'ObjectProperty' ||
        propertyName(holder) !== 'headers'
      )
        return;
      report({
        node,
        message: 'Access-Control-Allow-Origin: * lets every site read these responses',
        unfixableReason: handSetReason,
      });
    },
    // Handles: res.set({ 'Access-Control-Allow-Origin': '*' }), { headers: { 'Access-Control-Allow-Origin': '*' } }
    ObjectProperty(node: AnyNode) {
      if (
        node.computed
          ? !isAllowOriginHeader(node.key, context)
          : propertyName(node)?.toLowerCase() !== allowOriginHeader
      )
        return;
      if (!isWildcard(node.value, context)) return;
      const object = context.ancestors[context.ancestors.length - 1] as AnyNode;
      const holder = context.ancestors[context.ancestors.length - 2] as AnyNode | undefined;
      const inHeaderCall =
        (holder?.type === 'CallExpression' || holder?.type === 'NewExpression') &&
        (holder.arguments as AnyNode[]).includes(object) &&
        headerCalls.has(calleeName(holder) ?? '');
      const inHeadersProperty = holder?.type === 'ObjectProperty' && propertyName(holder) === 'headers';
      if (!inHeaderCall && !inHeadersProperty) return;
      report({
        node,
        message: 'Access-Control-Allow-Origin: * lets every site read this response',
        unfixableReason: handSetReason,
      });
    },
    // Handles: res.headers['Access-Control-Allow-Origin'] = '*'
    AssignmentExpression(node: AnyNode) {
      const target = node.left as AnyNode;
      if (node.operator !== '=' || target.type !== 'MemberExpression') return;
      const key = target.computed ? target.property : undefined;
      if (!key || !isAllowOriginHeader(key, context) || !isWildcard(node.right, context)) return;
      report({
        node,
        message: 'Access-Control-Allow-Origin: * lets every site read this response',
        unfixableReason: handSetReason,
      });
    },
  };
}

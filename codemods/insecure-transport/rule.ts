import type { Node } from '@babel/types';
import type { SourceContext, SourceRule } from '../../src/engine/rule.js';
import { findBinding, memberPath, propertyName, unwrap } from '../../src/engine/ast-utils.js';
import { envRead, literalSite } from '../_shared/secrets/locate.js';
import { nameWords } from '../_shared/secrets/names.js';
import { isTestPath } from '../_shared/secrets/paths.js';
import { isLocalHost } from '../_shared/secrets/values.js';

type AnyNode = Node & Record<string, any>;

/** Names that say the server sends data to this address (not a link shown to people). */
const endpointWords = new Set([
  'endpoint',
  'api',
  'webhook',
  'callback',
  'base',
  'server',
  'target',
  'issuer',
  'jwks',
  'upstream',
  'gateway',
  'broker',
  'backend',
  'host',
  'auth',
  'oauth',
  'token',
  'service',
]);
const notEndpointWords = new Set([
  'schema',
  'namespace',
  'xmlns',
  'ns',
  'doc',
  'docs',
  'homepage',
  'license',
  'help',
]);

/** Calls that send a request to their first argument. */
const requestCallees =
  /^(?:fetch|axios(?:\.(?:get|post|put|patch|delete|head|request|create))?|got(?:\.\w+)?|request(?:\.\w+)?|superagent\.\w+|needle(?:\.\w+)?|ky(?:\.\w+)?|https?\.(?:get|request)|\$fetch|ofetch|undici\.(?:request|fetch))$/;

/** `http://api.acme.io/...` or `ws://...` to a host outside the machine and the private network. */
function insecureUrl(text: string): string | undefined {
  const match = /^(http|ws):\/\/(?:[^@/\s]*@)?(\[[^\]]+\]|[^/:?#\s'"`]+)/i.exec(text.trim());
  if (!match) return undefined;
  const host = match[2];
  if (isLocalHost(host) || /[${}<>]/.test(host)) return undefined;
  return `${match[1].toLowerCase()}://${host}`;
}

function urlText(node: AnyNode): string | undefined {
  if (node.type === 'StringLiteral') return node.value;
  if (node.type === 'TemplateLiteral') return node.quasis[0].value.cooked ?? undefined;
  return undefined;
}

function isEndpointName(name: string): boolean {
  const words = nameWords(name);
  if (words.some((word) => notEndpointWords.has(word))) return false;
  if (words.some((word) => endpointWords.has(word))) return true;
  // a bare `url` / `uri`: request options ({ url }), `const url = ...`
  return words.length === 1 && (words[0] === 'url' || words[0] === 'uri');
}

/**
 * The parameter a literal argument lands in when the callee is a function of this file:
 * `makeUrl('http://api.acme.io/v1', params)` with `const makeUrl = (baseUrl, params) => ...` gives `baseUrl`.
 */
function parameterName(call: AnyNode, argument: AnyNode, ancestors: readonly Node[]): string | undefined {
  if (call.type !== 'CallExpression' || call.callee.type !== 'Identifier') return undefined;
  const index = (call.arguments as AnyNode[]).indexOf(argument);
  if (index < 0) return undefined;
  const binding = findBinding(call.callee.name, ancestors);
  const fn =
    binding?.kind === 'function' ? binding.node : binding?.kind === 'const' ? binding.init : undefined;
  const target = fn ? (unwrap(fn) as AnyNode) : undefined;
  if (!target || !/^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression)$/.test(target.type))
    return undefined;
  let param = target.params[index] as AnyNode | undefined;
  if (param?.type === 'AssignmentPattern') param = param.left;
  return param?.type === 'Identifier' ? param.name : undefined;
}

function checkUrl(node: AnyNode, context: SourceContext): void {
  const text = urlText(node);
  if (!text || !/^(?:http|ws):\/\//i.test(text)) return;
  const target = insecureUrl(text);
  if (!target) return;
  const parent = context.ancestors.at(-1) as AnyNode | undefined;
  const site = literalSite(node, context.ancestors);
  const isRequest =
    parent &&
    (parent.type === 'CallExpression' || parent.type === 'NewExpression') &&
    parent.arguments[0] === node &&
    (requestCallees.test(memberPath(parent.callee) ?? '') ||
      (parent.type === 'NewExpression' && memberPath(parent.callee) === 'WebSocket'));
  // A parameter named just `url` also takes links to show people; it needs an endpoint word (`baseUrl`).
  const parameter = site || !parent ? undefined : parameterName(parent, node, context.ancestors);
  const endpoint = site
    ? isEndpointName(site.name)
    : parameter !== undefined && isEndpointName(parameter) && !/^ur[il]$/i.test(parameter);
  if (!isRequest && !endpoint) return;
  context.report({
    node,
    message: `Plain ${target.split(':')[0]}:// to ${target.split('//')[1]}: traffic and credentials travel unencrypted`,
  });
}

const tlsMessage =
  'TLS certificate verification is turned off: anyone on the network path can impersonate the server';

function isFalse(node: AnyNode): boolean {
  const n = unwrap(node);
  return n.type === 'BooleanLiteral' && n.value === false;
}

// Handles: { rejectUnauthorized: false }, { strictSSL: false }, { checkServerIdentity: () => undefined }
function checkProperty(node: AnyNode, context: SourceContext): void {
  const name = propertyName(node);
  if ((name === 'rejectUnauthorized' || name === 'strictSSL') && node.value && isFalse(node.value))
    context.report({ node, message: tlsMessage });
  else if (
    name === 'checkServerIdentity' &&
    acceptsAnyIdentity(node.type === 'ObjectMethod' ? node : node.value)
  )
    context.report({
      node,
      message: 'checkServerIdentity accepts every certificate: the server is not verified',
    });
}

function acceptsAnyIdentity(fn: AnyNode | undefined): boolean {
  if (!fn || !/Function|ObjectMethod/.test(fn.type)) return false;
  const body = fn.body as AnyNode;
  if (body.type !== 'BlockStatement') return body.type === 'Identifier' && body.name === 'undefined';
  return (
    body.body.length === 0 ||
    (body.body.length === 1 && body.body[0].type === 'ReturnStatement' && !body.body[0].argument)
  );
}

// Handles: process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0', https.globalAgent.options.rejectUnauthorized = false
function checkAssignment(node: AnyNode, context: SourceContext): void {
  if (node.operator !== '=') return;
  const right = unwrap(node.right);
  if (envRead(node.left) === 'NODE_TLS_REJECT_UNAUTHORIZED') {
    if (
      (right.type === 'StringLiteral' && right.value === '0') ||
      (right.type === 'NumericLiteral' && right.value === 0)
    )
      context.report({ node, message: tlsMessage });
    return;
  }
  if (memberPath(node.left)?.endsWith('.rejectUnauthorized') && isFalse(right))
    context.report({ node, message: tlsMessage });
}

const tlsSetting = /rejectUnauthorized|strictSSL|NODE_TLS_REJECT_UNAUTHORIZED|checkServerIdentity/;
/** A string or template that starts with a URL, as the rule reads literals (its value, trimmed). */
const urlAtLiteralStart = /['"`]\s*((?:http|ws):\/\/[^\s'"`]*)/gi;

/**
 * Whether some literal starts with a plain-HTTP URL to a remote host: the URLs in comments and licence
 * headers of large bundles (`http://www.apache.org/...` after a `*`) never start a literal, and local
 * hosts are judged here as the rule judges them.
 */
function hasInsecureUrlLiteral(text: string): boolean {
  for (const match of text.matchAll(urlAtLiteralStart)) if (insecureUrl(match[1])) return true;
  return false;
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'insecure-transport',
    title: 'Plain HTTP to remote hosts and disabled TLS verification',
    description:
      'Requests over http:// or ws:// to another host, and TLS connections that do not verify the certificate ' +
      '(rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED=0), let anyone on the network path read and change ' +
      'the traffic, credentials included.',
    checklist: 'https',
    severity: 'high',
    cwe: [319, 295],
    fixable: false,
    hint: 'Use https:// (wss://) and keep certificate verification on; trust a private CA with the `ca` option.',
  },
  prefilter: (text) => tlsSetting.test(text) || hasInsecureUrlLiteral(text),
  appliesTo: (path) => !isTestPath(path),
  create(context) {
    return {
      StringLiteral: (node) => checkUrl(node, context),
      TemplateLiteral: (node) => checkUrl(node, context),
      ObjectProperty: (node) => checkProperty(node, context),
      ObjectMethod: (node) => checkProperty(node, context),
      AssignmentExpression: (node) => checkAssignment(node, context),
    };
  },
};

export default rule;

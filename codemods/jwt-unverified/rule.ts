import type { Node } from '@babel/types';
import { findBinding, memberPath, unwrap } from '../../src/engine/ast-utils.js';
import type { SourceContext, SourceRule } from '../../src/engine/rule.js';
import {
  calledMember,
  isJose,
  isJsonwebtoken,
  moduleNamesOf,
  type ModuleMember,
} from '../_shared/jwt/modules.js';
import { keyKind, lookup, resolveObject } from '../_shared/jwt/values.js';
import { findTrust } from './trust.js';

type AnyNode = Node & Record<string, any>;

const testPath = /(^|\/)(test|tests|__tests__|__mocks__|spec|e2e|fixtures?)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

function isFunctionNode(node: AnyNode): boolean {
  return /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression|ObjectMethod|ClassMethod|ClassPrivateMethod|Program)$/.test(
    node.type,
  );
}

/** The innermost function (or the Program) around the node, with its index in the ancestors. */
function enclosingFunction(ancestors: readonly Node[]): { node: AnyNode; index: number } {
  for (let index = ancestors.length - 1; index >= 0; index--)
    if (isFunctionNode(ancestors[index] as AnyNode)) return { node: ancestors[index] as AnyNode, index };
  return { node: ancestors[0] as AnyNode, index: 0 };
}

/** `jwt.verify(...)` or `jwtVerify(...)` in the same function: decode then reads a token verified there. */
function verifiesNearby(context: SourceContext, fn: AnyNode): boolean {
  return /(\.|\b)(verify|jwtVerify|verifyAsync)\s*\(/.test(context.text.slice(fn.start ?? 0, fn.end ?? 0));
}

interface KeyUse {
  text: string;
  node: AnyNode;
}

/** Why the decode cannot become verify here, or undefined when it can. */
function fixBlocker(
  call: AnyNode,
  ancestors: readonly Node[],
  keys: KeyUse[],
): { reason: string } | { key: KeyUse; verifyCallee: string } {
  const member = calledMember(call, ancestors);
  if (member?.source === JWT_SIMPLE)
    return { reason: "pass false as decode's third argument and pin the algorithm as its fourth ('HS256')" };
  if (member?.source === JWS)
    return {
      reason: 'call jws.verify(token, pinnedAlgorithm, key) and refuse the token before reading its payload',
    };
  if (!isJsonwebtoken(member, 'decode'))
    return { reason: "jose's jwtVerify is async and returns { payload }; replace decodeJwt with it by hand" };
  const options = call.arguments[1] ? resolveObject(call.arguments[1], ancestors) : undefined;
  if (call.arguments[1] && (!options || lookup(options, 'complete') !== 'absent'))
    return { reason: 'decode is called with options that change its result; switch to verify by hand' };
  const distinct = [...new Set(keys.map((key) => key.text))];
  if (distinct.length !== 1)
    return {
      reason:
        distinct.length === 0
          ? 'no signing key is used in this file; call jwt.verify with your key and pinned algorithms'
          : 'this file uses several keys; call jwt.verify with the right one',
    };
  const key = keys[0];
  const root = (memberPath(key.node) ?? '').split('.')[0];
  const binding = root ? findBinding(root, ancestors) : undefined;
  if (!root || (root !== 'process' && (!binding || binding.scope.type !== 'Program')))
    return { reason: `the key ${key.text} is not in scope here; call jwt.verify with it by hand` };
  if (keyKind(key.node, ancestors) !== 'secret')
    return {
      reason: "the key's algorithm is not known here; call jwt.verify with pinned algorithms by hand",
    };
  const fn = enclosingFunction(ancestors);
  const inTry = ancestors
    .slice(fn.index)
    .some(
      (node, offset, list) => node.type === 'TryStatement' && list[offset + 1] === (node as AnyNode).block,
    );
  if (!inTry)
    return {
      reason:
        'verify throws on a bad token and this decode is not inside a try block; handle the error and switch to verify',
    };
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier') {
    const verifyName = [...moduleNamesOf(ancestors)].find(
      ([, bound]) => bound.source === 'jsonwebtoken' && bound.imported === 'verify',
    )?.[0];
    if (!verifyName) return { reason: 'verify is not imported from jsonwebtoken here; switch to it by hand' };
    return { key, verifyCallee: verifyName };
  }
  return { key, verifyCallee: 'verify' };
}

const JWT_SIMPLE = 'jwt-simple';
const JWS = 'jws';

/** `jws.decode(token)`, or jwt-simple's `decode(token, key, true)`: its noVerify flag skips the signature check. */
function decodesUnverified(call: AnyNode, member: ModuleMember | undefined): boolean {
  if (member?.source === JWS) return member.member === 'decode';
  if (member?.source !== JWT_SIMPLE || member.member !== 'decode') return false;
  const noVerify = call.arguments[2] ? unwrap(call.arguments[2]) : undefined;
  return noVerify?.type === 'BooleanLiteral' && noVerify.value === true;
}

const browserPath =
  /(^|\/)(client|frontend|web|public|static|components|pages|views|hooks|store)\/|\.(jsx|tsx|vue|svelte)$/;

function isBrowserCode(context: SourceContext): boolean {
  const relative = context.file.startsWith(context.project.root)
    ? context.file.slice(context.project.root.length + 1)
    : context.file;
  return (
    browserPath.test(relative) ||
    /\b(localStorage|sessionStorage|document\.cookie|window\.location)\b/.test(context.text)
  );
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'jwt-unverified',
    title: 'Identities come from verified tokens only',
    description:
      'jwt.decode, decodeJwt, jws.decode and jwt-simple decode(token, key, true) read a token without checking its signature: anyone can write a token that says sub=1 or role=admin. A decoded token may be logged or its exp read, but never trusted as an identity.',
    checklist: 'jwt-expiry',
    severity: 'critical',
    cwe: [345, 347],
    fixable: true,
    hint: 'Use jwt.verify(token, key, { algorithms: [...] }) (jsonwebtoken) or await jwtVerify(token, key, { algorithms: [...] }) (jose) before trusting any claim.',
  },
  prefilter: /jsonwebtoken|\bjose\b|jwt-simple|\bjws\b/,
  appliesTo: (relativePath) => !testPath.test(relativePath),
  create(context) {
    const keys: KeyUse[] = [];
    const decodes: { call: AnyNode; ancestors: Node[] }[] = [];
    return {
      CallExpression(node: AnyNode) {
        const member = calledMember(node, context.ancestors);
        if (isJsonwebtoken(member, 'sign') || isJsonwebtoken(member, 'verify')) {
          const key = node.arguments[1] as AnyNode | undefined;
          if (key && key.type !== 'SpreadElement')
            keys.push({ text: context.text.slice(key.start ?? 0, key.end ?? 0), node: key });
          return;
        }
        if (
          !isJsonwebtoken(member, 'decode') &&
          !isJose(member, 'decodeJwt') &&
          !decodesUnverified(node, member)
        )
          return;
        decodes.push({ call: node, ancestors: [...context.ancestors] });
      },
      'Program:exit'() {
        // A browser reads its own token to show who is signed in; trust is decided by the server.
        if (isBrowserCode(context)) return;
        for (const { call, ancestors } of decodes) {
          const fn = enclosingFunction(ancestors);
          if (verifiesNearby(context, fn.node)) continue;
          const trust = findTrust(call, ancestors);
          if (!trust) continue;
          const message = `token decoded without verifying its signature, then trusted: ${trust.why}`;
          const blocker = fixBlocker(call, ancestors, keys);
          if ('reason' in blocker) {
            context.report({ node: call, message, unfixableReason: blocker.reason });
            continue;
          }
          const algorithm = context.policy.jwt.algorithm;
          context.report({
            node: call,
            message,
            fix: (api) => {
              const { j } = api;
              const path = api.pathOf(call);
              const node = path.node as AnyNode;
              const callee = node.callee;
              const newCallee =
                callee.type === 'Identifier'
                  ? j.identifier(blocker.verifyCallee)
                  : j.memberExpression(callee.object, j.identifier('verify'));
              const key = j.template.expression([blocker.key.text]) as AnyNode;
              path.replace(
                j.callExpression(newCallee, [
                  node.arguments[0],
                  key,
                  j.objectExpression([
                    j.objectProperty(
                      j.identifier('algorithms'),
                      j.arrayExpression([j.stringLiteral(algorithm)]),
                    ),
                  ]),
                ]),
              );
            },
          });
        }
      },
    };
  },
};

export default rule;

import type { Node } from '@babel/types';
import { findBinding, memberPath, propertyName, unwrap } from '../../src/engine/ast-utils.js';
import type { SourceContext } from '../../src/engine/rule.js';
import type { ModuleMember } from '../_shared/jwt/modules.js';

type AnyNode = Node & Record<string, any>;

// Handles: jwtSimple.decode(token, key) and decode(token, key, false) from jwt-simple, whose fourth argument pins the algorithm
export function checkJwtSimpleDecode(call: AnyNode, member: ModuleMember, context: SourceContext): void {
  if (member.source !== 'jwt-simple' || member.member !== 'decode') return;
  const [token, key, noVerify, algorithm] = call.arguments as AnyNode[];
  if (
    !token ||
    !key ||
    algorithm ||
    call.arguments.some((argument: AnyNode) => argument.type === 'SpreadElement')
  )
    return;
  // noVerify: true is jwt-unverified's finding; a flag computed at run time is not judged here.
  if (noVerify && !(unwrap(noVerify).type === 'BooleanLiteral' && unwrap(noVerify).value === false)) return;
  context.report({
    node: call,
    message:
      "jwt-simple decode() without an algorithm: the token's header picks it (an RSA public key becomes an HMAC secret)",
    unfixableReason: `pass the algorithm your tokens are signed with: decode(token, key, false, '${context.policy.jwt.algorithm}')`,
  });
}

/** `decoded.header.alg`, or a variable holding it (`const alg = decoded.header.alg`, `const { alg } = decoded.header`). */
function isHeaderAlgorithm(node: AnyNode, ancestors: readonly Node[]): boolean {
  const value = unwrap(node);
  const path = memberPath(value);
  if (!path) return false;
  if (/(^|\.)header\.alg$/.test(path)) return true;
  if (value.type !== 'Identifier') return false;
  const binding = findBinding(value.name, ancestors);
  if (!binding || binding.kind === 'param') return false;
  if (binding.init) return /(^|\.)header\.alg$/.test(memberPath(unwrap(binding.init)) ?? '');
  const declarator = binding.node as AnyNode;
  if (declarator.type !== 'VariableDeclarator' || declarator.id.type !== 'ObjectPattern' || !declarator.init)
    return false;
  const takesAlg = (declarator.id.properties as AnyNode[]).some(
    (property) =>
      property.type === 'ObjectProperty' &&
      !property.computed &&
      propertyName(property) === 'alg' &&
      property.value.type === 'Identifier' &&
      property.value.name === value.name,
  );
  return takesAlg && /(^|\.)header$/.test(memberPath(unwrap(declarator.init)) ?? '');
}

// Handles: jws.verify(signature, decoded.header.alg, key), the algorithm taken from the token being verified
export function checkJwsVerify(call: AnyNode, member: ModuleMember, context: SourceContext): void {
  if (member.source !== 'jws' || member.member !== 'verify') return;
  const algorithm = call.arguments[1] as AnyNode | undefined;
  if (!algorithm || !isHeaderAlgorithm(algorithm, context.ancestors)) return;
  context.report({
    node: algorithm,
    message:
      "jws.verify() with the algorithm read from the token's own header: the token chooses how it is checked",
    unfixableReason: `pin the algorithm your tokens are signed with: jws.verify(token, '${context.policy.jwt.algorithm}', key)`,
  });
}

/** What a branch does when it turns a token away: throws, answers 4xx, returns nothing or false, passes an error on. */
const rejects =
  /\bthrow\b|\breturn\s*(false|null|undefined)?\s*(;|}|$)|\.status\(\s*4\d\d|\.code\(\s*4\d\d|sendStatus\(\s*4\d\d|\breject\(|\bnext\(\s*[^)\s]|unauthori[sz]ed|forbidden|\bnew\s+\w*Error\(/i;

/** `alg`, `header.alg`, `alg.toLowerCase()`: the algorithm a token names. */
function namesAlgorithm(node: AnyNode): boolean {
  let value = unwrap(node);
  if (
    value.type === 'CallExpression' &&
    value.callee.type === 'MemberExpression' &&
    value.arguments.length === 0
  )
    value = unwrap(value.callee.object);
  const path = memberPath(value);
  return Boolean(path && /(^|\.)alg(orithm)?$/.test(path));
}

// Handles: if (header.alg === 'none') return payload; - a hand-written verifier that accepts unsigned tokens
export function checkAcceptsNone(comparison: AnyNode, context: SourceContext): void {
  if (comparison.operator !== '===' && comparison.operator !== '==') return;
  const sides = [unwrap(comparison.left), unwrap(comparison.right)];
  const none = sides.find((side) => side.type === 'StringLiteral' && side.value.toLowerCase() === 'none');
  const other = sides.find((side) => side !== none);
  if (!none || !other || !namesAlgorithm(other)) return;
  // Climb through && and || to the test of an if or a ternary; a negation or anything else is not acceptance.
  let child: AnyNode = comparison;
  for (let index = context.ancestors.length - 1; index >= 0; index--) {
    const parent = context.ancestors[index] as AnyNode;
    if (parent.type === 'LogicalExpression' || parent.type === 'ParenthesizedExpression') {
      child = parent;
      continue;
    }
    if ((parent.type === 'IfStatement' || parent.type === 'ConditionalExpression') && parent.test === child) {
      const branch = parent.consequent as AnyNode;
      if (rejects.test(context.text.slice(branch.start ?? 0, branch.end ?? 0))) return;
      context.report({
        node: comparison,
        message: "a token whose header says alg 'none' is accepted: anyone can write an unsigned token",
        unfixableReason:
          "refuse alg 'none' (throw or answer 401) and verify every token with its pinned algorithm",
      });
    }
    return;
  }
}

import type { Node } from '@babel/types';
import { memberPath, propertyName } from '../../../src/engine/ast-utils.js';

type AnyNode = Node & Record<string, any>;

/**
 * What a signed token is for, judged by the names around it (the variable it lands in, the cookie or
 * property it is stored under, the secret and payload, the function that issues it):
 * - access: the default; the policy's access lifetime applies.
 * - refresh: the policy's refresh lifetime applies.
 * - purpose: a one-off link token (password reset, email verification, invitation); its lifetime is
 *   the product's choice, so only a missing expiry is reported.
 */
export type TokenPurpose = 'access' | 'refresh' | 'purpose';

const refreshWords = /refresh/i;
const accessWords = /access|auth|bearer|id_?token|session/i;
const purposeWords =
  /reset|recover|forgot|verif(y|ication)|confirm|invit|activat|magic|unsubscribe|download|share|otp|mfa|2fa|one_?time|email_?token|link/i;

function nameOf(node: AnyNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'StringLiteral') return node.value;
  return memberPath(node);
}

function functionName(fn: AnyNode, parent: AnyNode | undefined): string | undefined {
  if (fn.id?.name) return fn.id.name;
  if (fn.key) return propertyName(fn);
  if (parent?.type === 'VariableDeclarator') return nameOf(parent.id);
  if (parent?.type === 'ObjectProperty' || parent?.type === 'ClassProperty') return propertyName(parent);
  if (parent?.type === 'AssignmentExpression') return nameOf(parent.left);
  return undefined;
}

const isFunction = (node: AnyNode) =>
  /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression|ObjectMethod|ClassMethod|ClassPrivateMethod)$/.test(
    node.type,
  );

/** The name the token is stored under (`const refreshToken = sign(...)`, `res.cookie('rt', sign(...))`). */
function targetName(node: AnyNode, ancestors: readonly Node[]): string | undefined {
  let child: AnyNode = node;
  for (let index = ancestors.length - 1; index >= 0; index--) {
    const parent = ancestors[index] as AnyNode;
    switch (parent.type) {
      case 'VariableDeclarator':
        return nameOf(parent.id);
      case 'AssignmentExpression':
        return nameOf(parent.left);
      case 'ObjectProperty':
        return propertyName(parent);
      case 'ClassProperty':
        return propertyName(parent);
      case 'CallExpression':
        if (parent.callee === child) break;
        // res.cookie('refreshToken', sign(...))
        if (parent.arguments[0] !== child && parent.arguments[0]?.type === 'StringLiteral')
          return parent.arguments[0].value;
        return undefined;
      case 'MemberExpression':
      case 'AwaitExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'ParenthesizedExpression':
      case 'ConditionalExpression':
      case 'LogicalExpression':
        break;
      default:
        return undefined;
    }
    child = parent;
  }
  return undefined;
}

function enclosingFunctionName(ancestors: readonly Node[]): string | undefined {
  for (let index = ancestors.length - 1; index >= 0; index--) {
    const node = ancestors[index] as AnyNode;
    if (isFunction(node)) {
      const name = functionName(node, ancestors[index - 1] as AnyNode | undefined);
      if (name) return name;
    }
  }
  return undefined;
}

function classify(name: string | undefined): TokenPurpose | undefined {
  if (!name) return undefined;
  if (refreshWords.test(name)) return 'refresh';
  if (purposeWords.test(name)) return 'purpose';
  if (accessWords.test(name)) return 'access';
  return undefined;
}

/** `callText` is the source of the signing call (payload, secret and options included). */
export function tokenPurpose(node: Node, ancestors: readonly Node[], callText: string): TokenPurpose {
  const byTarget = classify(targetName(node as AnyNode, ancestors));
  if (byTarget) return byTarget;
  if (refreshWords.test(callText)) return 'refresh';
  if (/type\s*:\s*['"`](reset|verif|confirm|invit|activat|magic)/i.test(callText)) return 'purpose';
  return classify(enclosingFunctionName(ancestors)) ?? 'access';
}

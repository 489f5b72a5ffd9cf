import type { Node } from '@babel/types';
import { isDefaultCredential } from '../_shared/secrets/values.js';

type AnyNode = Node & Record<string, any>;

/** `password: x`, `Admin credentials: x / y`, `pwd=x`: a message that announces a credential, then gives it. */
export const announcedCredential = /\b(?:password|passwd|pwd|credentials?)\b[^:=\n]{0,20}[:=]\s*([^\n]+)/i;

/**
 * Handles: console.log('Admin credentials: admin@shop.com / password123') at every start. A credential written
 * into the message itself is in the logs and in the repository; only a value attackers try first counts
 * (`password123`, `admin`, `changeme`), so `Invalid credentials: user not found` and `password: ***` stay silent.
 */
export function literalCredentialIn(node: AnyNode): boolean {
  const text =
    node.type === 'StringLiteral'
      ? node.value
      : node.type === 'TemplateLiteral'
        ? (node.quasis as AnyNode[]).map((quasi) => quasi.value.cooked ?? quasi.value.raw).join(' ')
        : undefined;
  const announced = text === undefined ? undefined : announcedCredential.exec(text)?.[1];
  if (!announced) return false;
  return announced
    .split(/[\s/|,;]+/)
    .map((token) => token.replace(/^[^\w@]+|[^\w@]+$/g, ''))
    .some((token) => token !== '' && isDefaultCredential(token));
}

/**
 * Handles: handle(@Headers() headers), process(data, headers): a parameter that holds a request's whole headers
 * (NestJS's `@Headers()` without a name, or a parameter named `headers`), Authorization and Cookie included.
 */
export function isHeadersParameter(param: AnyNode | undefined, name: string): boolean {
  if (!param) return false;
  if (name === 'headers') return true;
  return ((param.decorators ?? []) as AnyNode[]).some((decorator) => {
    const expression = decorator.expression;
    return (
      expression?.type === 'CallExpression' &&
      expression.callee.type === 'Identifier' &&
      expression.callee.name === 'Headers' &&
      expression.arguments.length === 0
    );
  });
}

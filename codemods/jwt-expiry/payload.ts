import type { Node } from '@babel/types';
import { getProperty } from '../../src/engine/ast-utils.js';
import type { SourceContext } from '../../src/engine/rule.js';
import { lookup, resolveObject } from '../_shared/jwt/values.js';

type AnyNode = Node & Record<string, any>;

/** True when the payload surely lacks `exp`; undefined when it cannot be seen from here. */
export function payloadLacksExp(payload: Node | undefined, ancestors: readonly Node[]): boolean | undefined {
  const object = resolveObject(payload, ancestors);
  if (!object) return undefined;
  if (getProperty(object, 'exp')) return false;
  return lookup(object, 'exp') === 'absent' ? true : undefined;
}

/** The source of the innermost function around the call: `payload.exp = ...` there sets the expiry by hand. */
export function setsExpByHand(context: SourceContext): boolean {
  for (let index = context.ancestors.length - 1; index >= 0; index--) {
    const node = context.ancestors[index] as AnyNode;
    if (/Function|Method|Program/.test(node.type))
      return /\bexp\s*[:=][^=]|\[\s*['"]exp['"]\s*\]\s*=[^=]/.test(
        context.text.slice(node.start ?? 0, node.end ?? 0),
      );
  }
  return false;
}

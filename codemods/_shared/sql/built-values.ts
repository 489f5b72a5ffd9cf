import type { Node } from '@babel/types';
import { VISITOR_KEYS } from '../../../src/engine/babel.js';
import { calleeName, findBinding, staticValue, unwrap } from '../../../src/engine/ast-utils.js';

// Babel and recast nodes are read field by field here: a loose type keeps the matching readable
type AnyNode = any;

/** Whether a value inside a fragment cannot carry SQL (pieces.ts's harmlessText), with its own ancestors. */
export type IsHarmless = (node: AnyNode, ancestors: readonly Node[]) => boolean;

/** A push onto the list, with the nodes above it (for the `if (ALLOWED.includes(field))` around it). */
interface Push {
  call: AnyNode;
  ancestors: AnyNode[];
}

/**
 * Every `name.push(...)` in `scope`, or undefined when the list is changed any other way (reassigned,
 * `unshift`, `splice`, an index written, handed to a function) or read as an element.
 */
function pushesOnly(name: string, scope: AnyNode): Push[] | undefined {
  const pushes: Push[] = [];
  let other = false;
  const visit = (node: AnyNode, ancestors: AnyNode[]) => {
    if (other) return;
    for (const key of VISITOR_KEYS[node.type] ?? []) {
      const child = node[key];
      const children: AnyNode[] = Array.isArray(child) ? child : child ? [child] : [];
      for (const item of children) {
        if (!item || typeof item.type !== 'string') continue;
        if (item.type === 'Identifier' && item.name === name && !isDeclarationOrKey(node, key)) {
          const use = useOf(node, key, ancestors);
          if (use === 'push')
            pushes.push({ call: ancestors[ancestors.length - 1], ancestors: [...ancestors] });
          else if (use === 'other') other = true;
        }
        visit(item, [...ancestors, node]);
      }
    }
  };
  visit(scope, []);
  return other ? undefined : pushes;
}

function isDeclarationOrKey(parent: AnyNode, key: string): boolean {
  if (parent.type === 'VariableDeclarator' && key === 'id') return true;
  if (
    (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') &&
    key === 'property'
  )
    return !parent.computed;
  return (
    (parent.type === 'ObjectProperty' || parent.type === 'ObjectMethod') && key === 'key' && !parent.computed
  );
}

/** How the list is used where it appears: pushed onto, read whole (`.join`, `.length`), or anything else. */
function useOf(parent: AnyNode, key: string, ancestors: AnyNode[]): 'push' | 'read' | 'other' {
  if (
    (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') &&
    key === 'object'
  ) {
    const method = parent.computed ? undefined : parent.property.name;
    const grand = ancestors[ancestors.length - 1];
    const called = grand?.type === 'CallExpression' && unwrap(grand.callee) === parent;
    if (method === 'push' && called) return 'push';
    if (method === 'join' || method === 'length') return 'read';
  }
  // `(updates as any[]).push(...)` too: a cast hides what is pushed from this reading, so the list is not trusted
  return 'other';
}

/** `if (ALLOWED.includes(field))` or `if (!ALLOWED.includes(field)) continue` above the push: `field` is checked. */
function checkedAbove(name: string, push: Push, isConstantList: (node: AnyNode) => boolean): boolean {
  for (const ancestor of push.ancestors) {
    if (ancestor.type !== 'IfStatement') continue;
    const test = unwrap(ancestor.test);
    if (
      test.type === 'CallExpression' &&
      ['includes', 'has'].includes(calleeName(test) ?? '') &&
      test.callee.type === 'MemberExpression' &&
      unwrap(test.arguments[0])?.type === 'Identifier' &&
      unwrap(test.arguments[0]).name === name &&
      isConstantList(test.callee.object)
    )
      return true;
  }
  return false;
}

/**
 * `updates.join(', ')` where `updates` is a local list only ever pushed fragments that cannot carry SQL:
 * literals (`updates.push('password_hash = ?')`), or templates whose values are harmless or a column name
 * checked against a constant allowlist (`if (ALLOWED.includes(field)) updates.push(`${field} = ?`)`). Returns
 * the text one fragment stands for, for reading the SQL around it.
 */
export function constantFragmentList(
  call: AnyNode,
  ancestors: readonly Node[],
  isHarmless: IsHarmless,
  isConstantList: (node: AnyNode) => boolean,
): string | undefined {
  if (call.type !== 'CallExpression' || calleeName(call) !== 'join') return undefined;
  const list = unwrap(call.callee.object);
  if (list?.type !== 'Identifier') return undefined;
  const binding = findBinding(list.name, ancestors);
  const init = binding?.init && unwrap(binding.init);
  if (!binding || !['const', 'let'].includes(binding.kind) || init?.type !== 'ArrayExpression')
    return undefined;
  if (init.elements.some((element: AnyNode) => !element || !staticValue(element, ancestors)))
    return undefined;
  const pushes = pushesOnly(list.name, binding.scope);
  if (!pushes || pushes.length === 0) return undefined;
  let sample: string | undefined;
  for (const push of pushes) {
    for (const argument of push.call.arguments as AnyNode[]) {
      const value = unwrap(argument);
      const constant = staticValue(value, ancestors);
      if (constant) {
        sample ??= String(constant.value);
        continue;
      }
      if (value.type !== 'TemplateLiteral') return undefined;
      const scope = [...(ancestors as AnyNode[]), ...push.ancestors];
      for (const expression of value.expressions as AnyNode[]) {
        const inner = unwrap(expression);
        const checked = inner.type === 'Identifier' && checkedAbove(inner.name, push, isConstantList);
        if (!checked && !isHarmless(expression, scope)) return undefined;
      }
      sample ??= (value.quasis as AnyNode[]).map((quasi) => quasi.value.cooked ?? '').join('column');
    }
  }
  return sample ?? '';
}

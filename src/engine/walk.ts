import { VISITOR_KEYS } from './babel.js';
import type { Node } from '@babel/types';

export type WalkHandler = (node: Node, ancestors: readonly Node[]) => void;

/**
 * Type-only subtrees: no runtime value lives there, so when no handler asks for a `TS*` node type the walk
 * does not descend into them (a quarter of the nodes of typed code).
 */
const typeOnly = new Set([
  'TSTypeAnnotation',
  'TSTypeParameterDeclaration',
  'TSTypeParameterInstantiation',
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
  'TSDeclareFunction',
  'TSDeclareMethod',
]);

/**
 * One depth-first pass over a Babel AST that calls every handler registered for a node type, on entry
 * (`Type`) and on exit (`Type:exit`). The ancestors array is live: copy it to keep it.
 */
export function walk(root: Node, handlers: Map<string, WalkHandler[]>): void {
  const enter = new Map<string, WalkHandler[]>();
  const exit = new Map<string, WalkHandler[]>();
  let wantsTypes = false;
  for (const [key, list] of handlers) {
    if (key.endsWith(':exit')) exit.set(key.slice(0, -5), list);
    else enter.set(key, list);
    if (key.startsWith('TS')) wantsTypes = true;
  }
  const ancestors: Node[] = [];
  const visit = (node: Node): void => {
    const type = node.type;
    const onEnter = enter.get(type);
    if (onEnter) for (const handler of onEnter) handler(node, ancestors);
    const keys = VISITOR_KEYS[type];
    if (keys) {
      ancestors.push(node);
      for (const key of keys) {
        const child = (node as unknown as Record<string, unknown>)[key];
        if (!child || typeof child !== 'object') continue;
        if (Array.isArray(child)) {
          for (const item of child)
            if (
              item &&
              typeof (item as Node).type === 'string' &&
              (wantsTypes || !typeOnly.has((item as Node).type))
            )
              visit(item as Node);
        } else if (
          typeof (child as Node).type === 'string' &&
          (wantsTypes || !typeOnly.has((child as Node).type))
        ) {
          visit(child as Node);
        }
      }
      ancestors.pop();
    }
    const onExit = exit.get(type);
    if (onExit) for (const handler of onExit) handler(node, ancestors);
  };
  visit(root);
}

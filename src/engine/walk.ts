import { VISITOR_KEYS } from '@babel/types';
import type { Node } from '@babel/types';

export type WalkHandler = (node: Node, ancestors: readonly Node[]) => void;

/**
 * One depth-first pass over a Babel AST that calls every handler registered for a node type, on entry
 * (`Type`) and on exit (`Type:exit`). The ancestors array is live: copy it to keep it.
 */
export function walk(root: Node, handlers: Map<string, WalkHandler[]>): void {
  const ancestors: Node[] = [];
  const visit = (node: Node): void => {
    const enter = handlers.get(node.type);
    if (enter) for (const handler of enter) handler(node, ancestors);
    const keys = VISITOR_KEYS[node.type];
    if (keys) {
      ancestors.push(node);
      for (const key of keys) {
        const child = (node as unknown as Record<string, unknown>)[key];
        if (Array.isArray(child)) {
          for (const item of child) if (item && typeof (item as Node).type === 'string') visit(item as Node);
        } else if (child && typeof (child as Node).type === 'string') {
          visit(child as Node);
        }
      }
      ancestors.pop();
    }
    const exit = handlers.get(`${node.type}:exit`);
    if (exit) for (const handler of exit) handler(node, ancestors);
  };
  visit(root);
}

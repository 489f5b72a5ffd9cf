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
/** What the walk does at one node type, looked up once per node. */
interface TypePlan {
  enter: WalkHandler[] | undefined;
  exit: WalkHandler[] | undefined;
  keys: readonly string[];
  /** A type-only subtree no handler asked for. */
  skipped: boolean;
}

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
  const plans = new Map<string, TypePlan>();
  const planOf = (type: string): TypePlan => {
    let plan = plans.get(type);
    if (!plan) {
      plan = {
        enter: enter.get(type),
        exit: exit.get(type),
        keys: (VISITOR_KEYS as Record<string, readonly string[] | undefined>)[type] ?? [],
        skipped: !wantsTypes && typeOnly.has(type),
      };
      plans.set(type, plan);
    }
    return plan;
  };
  const ancestors: Node[] = [];
  const visit = (node: Node, plan: TypePlan): void => {
    if (plan.enter) for (const handler of plan.enter) handler(node, ancestors);
    if (plan.keys.length > 0) {
      ancestors.push(node);
      for (const key of plan.keys) {
        const child = (node as unknown as Record<string, unknown>)[key];
        if (!child || typeof child !== 'object') continue;
        if (Array.isArray(child)) {
          for (const item of child) {
            const type = (item as Node | null)?.type;
            if (typeof type !== 'string') continue;
            const childPlan = planOf(type);
            if (!childPlan.skipped) visit(item as Node, childPlan);
          }
        } else {
          const type = (child as Node).type;
          if (typeof type !== 'string') continue;
          const childPlan = planOf(type);
          if (!childPlan.skipped) visit(child as Node, childPlan);
        }
      }
      ancestors.pop();
    }
    if (plan.exit) for (const handler of plan.exit) handler(node, ancestors);
  };
  visit(root, planOf(root.type));
}

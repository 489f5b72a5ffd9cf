import type { Node } from '@babel/types';
import type { ASTPath, Collection, JSCodeshift } from 'jscodeshift';
import { VISITOR_KEYS } from './babel.js';

type Chain = readonly Node[];

/** The child of `parent` that holds `child`, as jscodeshift path (`path.get(key)` / `path.get(key, index)`). */
function childPath(path: ASTPath, parent: Node, child: Node): ASTPath | undefined {
  for (const key of VISITOR_KEYS[parent.type] ?? []) {
    const value = (parent as unknown as Record<string, unknown>)[key];
    if (value === child) return path.get(key) as ASTPath;
    if (Array.isArray(value)) {
      const index = value.indexOf(child);
      if (index !== -1) return path.get(key, index) as ASTPath;
    }
  }
  return undefined;
}

/** The nodes from `from` down to `target` (both included), by a search of `from`'s subtree. */
function chainWithin(from: Node, target: Node): Node[] | undefined {
  const stack: Node[] = [];
  const search = (node: Node): boolean => {
    stack.push(node);
    if (node === target) return true;
    for (const key of VISITOR_KEYS[node.type] ?? []) {
      const value = (node as unknown as Record<string, unknown>)[key];
      const children = Array.isArray(value) ? value : [value];
      for (const child of children)
        if (child && typeof (child as Node).type === 'string' && search(child as Node)) return true;
    }
    stack.pop();
    return false;
  };
  return search(from) ? stack : undefined;
}

/**
 * Finds the jscodeshift path of a node without visiting the whole file: the engine knows the ancestors of
 * every reported node, so the path is a walk down that chain (or down a reported node's subtree for its
 * children). Anything else falls back to one full traversal.
 */
export function nodePathFinder(
  j: JSCodeshift,
  root: Collection,
  reported: ReadonlyMap<Node, Chain>,
): (node: Node) => ASTPath | undefined {
  const rootPath = root.paths()[0] as unknown as ASTPath;
  const found = new Map<Node, ASTPath>();
  let all: Map<Node, ASTPath> | undefined;

  const descend = (chain: Chain): ASTPath | undefined => {
    if (chain.length === 0 || (rootPath.node as unknown) !== chain[0]) return undefined;
    let path: ASTPath | undefined = rootPath;
    for (let index = 1; index < chain.length && path; index++)
      path = childPath(path, chain[index - 1], chain[index]);
    return path && (path.node as unknown) === chain[chain.length - 1] ? path : undefined;
  };

  return (node) => {
    const known = found.get(node);
    if (known && (known.node as unknown) === node) return known;
    let path: ASTPath | undefined;
    const ancestors = reported.get(node);
    if (ancestors) path = descend([...ancestors, node]);
    if (!path) {
      for (const [reportedNode, chain] of reported) {
        const below = chainWithin(reportedNode, node);
        if (below) {
          path = descend([...chain, ...below]);
          break;
        }
      }
    }
    if (!path) {
      if (!all) {
        all = new Map();
        root
          .find(j.Node)
          .forEach((each) => all!.set(each.node as unknown as Node, each as unknown as ASTPath));
      }
      path = all.get(node);
    }
    if (path) found.set(node, path);
    return path;
  };
}

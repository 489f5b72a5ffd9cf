import type { Node } from '@babel/types';
import { VISITOR_KEYS } from '../../src/engine/babel.js';
import { calleeName, findBinding, memberPath, propertyName } from '../../src/engine/ast-utils.js';

type AnyNode = Node & Record<string, any>;

/**
 * Follows the value of an unverified decode through one function and says whether it ends up trusted
 * as an identity: stored on the request/socket, used to look a user up, used for an authorization
 * check, handed to next()/done(), or returned from a function that claims to authenticate.
 * Reading exp/iat/header, logging, and values that go nowhere known are not trust.
 */
export interface TrustUse {
  node: AnyNode;
  why: string;
}

/** Claims read before verification on purpose: expiry for refresh scheduling, the key id to pick a key. */
const benignClaims = /^(exp|iat|nbf|header|kid|alg|typ|iss|aud|jti)$/;
const authorizationClaims = /role|admin|permission|scope|group|privilege|staff|tenant|plan|owner/i;
/** Where a request-scoped identity is stored: req.user, res.locals.user, ctx.state.user, socket.data.user. */
const identitySink =
  /^(req|request|ctx|context|socket|client|conn|connection|ws|res\.locals|reply\.request|event|session)(\.|$)|\.(user|auth|currentUser|identity|principal|account|session|claims|userId|locals|state)(\.|$)/;
const lookupCallee =
  /^(find\w*|get\w*By\w*|get(User|Account|Member|Customer|Profile)\w*|fetch\w*|load\w*|lookup\w*|query|where|select|exists|count)$/i;
/** `userModel.get(id)`, `db.users.get(id)`: a plain get on something that stores users. */
const store = /user|account|member|customer|model|repo|db|store|service|collection|prisma|knex|dao/i;
const conversion = /^(Number|String|parseInt|parseFloat|BigInt|ObjectId|(\w+\.)*Types\.ObjectId)$/;
const passAlong = /^(next|done|cb|callback|resolve)$/;
/** Functions whose result callers rely on as authenticated. */
const authenticatingFunction =
  /auth|verif|validat|current_?user|get_?user|user_?from|from_?token|protect|guard|require_?(user|login)|identify|check_?token|principal|whoami/i;
const loggingCallee = /^(log|info|debug|warn|error|trace|fatal|dir|table)$/;

function isFunctionNode(node: AnyNode): boolean {
  return /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression|ObjectMethod|ClassMethod|ClassPrivateMethod)$/.test(
    node.type,
  );
}

export function functionName(fn: AnyNode, parent: AnyNode | undefined): string | undefined {
  if (fn.id?.name) return fn.id.name;
  if (fn.key) return propertyName(fn);
  if (parent?.type === 'VariableDeclarator') return memberPath(parent.id);
  if (parent?.type === 'ObjectProperty' || parent?.type === 'ClassProperty') return propertyName(parent);
  if (parent?.type === 'AssignmentExpression') return memberPath(parent.left);
  if (parent?.type === 'ExportDefaultDeclaration') return 'default';
  return undefined;
}

function patternNames(pattern: AnyNode | null | undefined, out: string[] = []): string[] {
  if (!pattern) return out;
  if (pattern.type === 'Identifier') out.push(pattern.name);
  else if (pattern.type === 'ObjectPattern')
    for (const property of pattern.properties)
      patternNames(property.type === 'RestElement' ? property.argument : property.value, out);
  else if (pattern.type === 'ArrayPattern')
    for (const element of pattern.elements) patternNames(element, out);
  else if (pattern.type === 'AssignmentPattern') patternNames(pattern.left, out);
  else if (pattern.type === 'RestElement') patternNames(pattern.argument, out);
  return out;
}

/** Calls visit(node, ancestors) for every node under root (root's own ancestors given). */
function walkWithAncestors(
  root: AnyNode,
  base: readonly Node[],
  visit: (node: AnyNode, ancestors: Node[]) => void,
) {
  const ancestors: Node[] = [...base];
  const step = (node: AnyNode) => {
    visit(node, ancestors);
    const keys = VISITOR_KEYS[node.type];
    if (!keys) return;
    ancestors.push(node);
    for (const key of keys) {
      const child = node[key];
      if (Array.isArray(child)) {
        for (const item of child) if (item && typeof item.type === 'string') step(item);
      } else if (child && typeof child.type === 'string') step(child);
    }
    ancestors.pop();
  };
  step(root);
}

interface Flow {
  trust?: TrustUse;
  names: string[];
}

/** Where one occurrence of the decoded value goes, from the node up through its parents. */
function follow(start: AnyNode, ancestors: readonly Node[]): Flow {
  let node: AnyNode = start;
  let derivedClaim: string | undefined;
  for (let index = ancestors.length - 1; index >= 0; index--) {
    const parent = ancestors[index] as AnyNode;
    switch (parent.type) {
      case 'MemberExpression':
      case 'OptionalMemberExpression': {
        if (parent.object !== node) return { names: [] };
        const claim = propertyName({ key: parent.property, computed: parent.computed } as AnyNode);
        if (claim && benignClaims.test(claim) && derivedClaim === undefined) return { names: [] };
        if (claim && authorizationClaims.test(claim))
          return { trust: { node: parent, why: `its ${claim} claim decides authorization` }, names: [] };
        derivedClaim ??= claim ?? '?';
        break;
      }
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'ParenthesizedExpression':
      case 'AwaitExpression':
      case 'LogicalExpression':
      case 'ConditionalExpression':
      case 'ObjectProperty':
      case 'ObjectExpression':
      case 'ArrayExpression':
      case 'SpreadElement':
        if (parent.type === 'ConditionalExpression' && parent.test === node) return { names: [] };
        if (parent.type === 'ObjectProperty' && parent.value !== node) return { names: [] };
        break;
      case 'VariableDeclarator':
        return { names: parent.init === node ? patternNames(parent.id) : [] };
      case 'AssignmentExpression': {
        if (parent.right !== node) return { names: [] };
        if (parent.left.type === 'Identifier') return { names: [parent.left.name] };
        const target = memberPath(parent.left) ?? '';
        if (identitySink.test(target))
          return { trust: { node: parent, why: `it becomes ${target}` }, names: [] };
        return { names: [] };
      }
      case 'CallExpression':
      case 'OptionalCallExpression':
      case 'NewExpression': {
        const name = calleeName(parent) ?? '';
        // decoded.id.toString(): still the claim
        if (parent.callee === node) {
          if (/^(toString|trim|toLowerCase|valueOf)$/.test(name)) break;
          return { names: [] };
        }
        // Number(decoded.id), new ObjectId(decoded.sub): still the claim
        if (conversion.test(memberPath(parent.callee) ?? '')) break;
        if (loggingCallee.test(name)) return { names: [] };
        if (lookupCallee.test(name) || (name === 'get' && store.test(memberPath(parent.callee) ?? '')))
          return { trust: { node: parent, why: `it feeds the lookup ${name}()` }, names: [] };
        if (passAlong.test(name) && (parent.arguments as AnyNode[]).includes(node))
          return { trust: { node: parent, why: `it is passed on as the user by ${name}()` }, names: [] };
        return { names: [] };
      }
      case 'ReturnStatement':
      case 'ArrowFunctionExpression': {
        if (parent.type === 'ArrowFunctionExpression' && parent.body !== node) return { names: [] };
        for (let up = index; up >= 0; up--) {
          const fn = ancestors[up] as AnyNode;
          if (!isFunctionNode(fn)) continue;
          const name = functionName(fn, ancestors[up - 1] as AnyNode | undefined);
          if (name && authenticatingFunction.test(name) && !/decode/i.test(name))
            return {
              trust: { node: parent, why: `${name}() returns it as the authenticated user` },
              names: [],
            };
          return { names: [] };
        }
        return { names: [] };
      }
      default:
        return { names: [] };
    }
    node = parent;
  }
  return { names: [] };
}

/** Whether the decoded value (the decode call, with its ancestors) is trusted within its function. */
export function findTrust(call: AnyNode, ancestors: readonly Node[]): TrustUse | undefined {
  const first = follow(call, ancestors);
  if (first.trust) return first.trust;
  let fnIndex = ancestors.length - 1;
  while (fnIndex > 0 && !isFunctionNode(ancestors[fnIndex] as AnyNode)) fnIndex--;
  const scope = ancestors[fnIndex] as AnyNode;
  const declarationAncestors = ancestors.slice(0, ancestors.length);
  const seen = new Set<string>();
  let pending = first.names;
  for (let round = 0; round < 3 && pending.length > 0; round++) {
    const next: string[] = [];
    for (const name of pending) {
      if (seen.has(name)) continue;
      seen.add(name);
      const declared = findBinding(name, declarationAncestors);
      let found: TrustUse | undefined;
      walkWithAncestors(scope, ancestors.slice(0, fnIndex), (node, nodeAncestors) => {
        if (found || node.type !== 'Identifier' || node.name !== name) return;
        const parent = nodeAncestors[nodeAncestors.length - 1] as AnyNode;
        // Skip declarations, object keys and property names: only reads of the variable count.
        if (
          (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') &&
          parent.property === node &&
          !parent.computed
        )
          return;
        if (parent.type === 'ObjectProperty' && parent.key === node && !parent.shorthand) return;
        if (parent.type === 'VariableDeclarator' && parent.id === node) return;
        if (declared && findBinding(name, nodeAncestors)?.node !== declared.node) return;
        // const { role } = jwt.decode(token); if (role === 'admin') ...
        if (
          authorizationClaims.test(name) &&
          /^(BinaryExpression|LogicalExpression|IfStatement|ConditionalExpression|UnaryExpression|SwitchStatement)$/.test(
            parent.type,
          )
        ) {
          found = { node: parent, why: `its ${name} claim decides authorization` };
          return;
        }
        const flow = follow(node, nodeAncestors);
        if (flow.trust) found = flow.trust;
        else next.push(...flow.names);
      });
      if (found) return found;
    }
    pending = next;
  }
  return undefined;
}

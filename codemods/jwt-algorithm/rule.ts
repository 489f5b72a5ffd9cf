import type { Node } from '@babel/types';
import { calleeName, findBinding, requireSource, staticValue, unwrap } from '../../src/engine/ast-utils.js';
import type { FixApi, SourceContext, SourceRule } from '../../src/engine/rule.js';
import { calledMember, isJose, isJsonwebtoken, moduleMemberOf } from '../_shared/jwt/modules.js';
import { isFunction, keyKind, lookup, resolveObject } from '../_shared/jwt/values.js';
import { declaredMajor } from '../_shared/project/files.js';

import { expressionFrom, quoteOf } from '../_shared/cors/allowlist.js';
import { checkAcceptsNone, checkJwsVerify, checkJwtSimpleDecode } from './other-libraries.js';

type AnyNode = Node & Record<string, any>;

type ListVerdict =
  | { kind: 'ok' }
  | { kind: 'unknown' }
  | { kind: 'bad'; problem: string; includesPolicy: boolean; node: AnyNode };

function family(algorithm: string): string {
  if (/^HS/i.test(algorithm)) return 'HMAC';
  if (/^none$/i.test(algorithm)) return 'none';
  return 'public-key';
}

/** Reads an `algorithms` value: a list of constants is judged, anything else is unknown here. */
function judgeList(value: AnyNode, context: SourceContext): ListVerdict {
  let list = unwrap(value);
  if (list.type === 'Identifier') {
    const constant = resolveArray(list, context);
    if (!constant) return { kind: 'unknown' };
    list = constant;
  }
  if (list.type !== 'ArrayExpression') return { kind: 'unknown' };
  const names: string[] = [];
  for (const element of list.elements as AnyNode[]) {
    const constant = element ? staticValue(element, context.ancestors) : undefined;
    if (typeof constant?.value !== 'string') return { kind: 'unknown' };
    names.push(constant.value);
  }
  const includesPolicy = names.includes(context.policy.jwt.algorithm);
  if (names.some((name) => family(name) === 'none'))
    return { kind: 'bad', problem: "allows 'none' (unsigned tokens)", includesPolicy, node: value };
  if (new Set(names.map(family)).size > 1)
    return {
      kind: 'bad',
      problem: 'mixes HMAC and public-key algorithms (key confusion: a public key becomes an HMAC secret)',
      includesPolicy,
      node: value,
    };
  return { kind: 'ok' };
}

function resolveArray(identifier: AnyNode, context: SourceContext): AnyNode | undefined {
  const binding = findBinding(identifier.name, context.ancestors);
  if (binding?.kind === 'const' && binding.init && unwrap(binding.init).type === 'ArrayExpression')
    return unwrap(binding.init);
  return undefined;
}

/**
 * Why pinning the policy's algorithm could break verification here, if it could. Only a key that is
 * plainly a shared secret, in a file that signs with nothing but HMAC, is pinned automatically.
 */
function pinBlocker(key: AnyNode | undefined, context: SourceContext): string | undefined {
  const algorithm = context.policy.jwt.algorithm;
  if (!/^HS/.test(algorithm)) return `the policy's ${algorithm} needs a public key; pin it by hand`;
  const kind = keyKind(key, context.ancestors);
  if (kind === 'asymmetric')
    return 'the key looks like a public key or key set; pin the algorithm your issuer signs with (e.g. RS256)';
  const signsOtherwise = /algorithms?\s*:\s*\[?\s*['"`](RS|PS|ES|Ed)/.exec(context.text);
  if (signsOtherwise)
    return `this file also uses ${signsOtherwise[1]}* algorithms; pin the one your tokens are signed with`;
  if (kind === 'unknown')
    return `the key's type is not visible here; pin algorithms: ['${algorithm}'] if it is a shared secret, or your issuer's algorithm otherwise`;
  return undefined;
}

/** recast's print width: a call it reprints wider than this is broken over several lines. */
const recastWrapColumn = 74;

/**
 * `{ algorithms: ['HS256'] }` as written (a parsed snippet keeps its text) when the call stays within
 * recast's width on its line; otherwise a built object, which recast prints over a few lines of its own
 * instead of breaking every argument of the call onto its own line.
 */
function insertedOptions(api: FixApi, call: AnyNode, text: string, algorithm: string): unknown {
  const quote = quoteOf(api);
  const code = `{ algorithms: [${quote}${algorithm}${quote}] }`;
  // recast measures the first line of the joined arguments (`token, key, { ... }, (err, decoded) => {`).
  const argumentsStart = call.arguments[0]?.start ?? call.start ?? 0;
  const lineEnd = text.indexOf('\n', argumentsStart);
  const callEnd: number = call.end ?? text.length;
  const firstLine = text.slice(argumentsStart, lineEnd === -1 ? callEnd : Math.min(lineEnd, callEnd));
  if (firstLine.length + code.length + 2 <= recastWrapColumn) return expressionFrom(api, code);
  return api.j.objectExpression([algorithmsProperty(api.j, algorithm)]);
}

function algorithmsProperty(j: FixApi['j'], algorithm: string) {
  return j.objectProperty(j.identifier('algorithms'), j.arrayExpression([j.stringLiteral(algorithm)]));
}

/**
 * Checks an options object (or its absence) for a pinned algorithms list and reports with a fix that
 * adds `algorithms: [policy]` or replaces a bad list. `insertAt` adds a new options argument there.
 */
function checkOptions(
  context: SourceContext,
  where: {
    call: AnyNode;
    what: string;
    key: AnyNode | undefined;
    options: AnyNode | undefined;
    insertAt?: number;
    /** Why an algorithms list would not be read (a library too old to know the option). */
    versionBlocker?: string;
  },
): void {
  const algorithm = context.policy.jwt.algorithm;
  const { call, what, key, options: optionsArgument } = where;
  const options = optionsArgument ? resolveObject(optionsArgument, context.ancestors) : undefined;
  if (optionsArgument && !options) return;
  const inline = !optionsArgument || options === unwrap(optionsArgument);
  const algorithms = options ? lookup(options, 'algorithms') : 'absent';
  if (algorithms === 'unknown') return;
  const blocker = where.versionBlocker ?? pinBlocker(key, context);

  if (algorithms === 'absent') {
    const message = `${what} without an algorithms list: the token's own header picks the algorithm`;
    if (blocker || !inline || (!options && where.insertAt === undefined)) {
      context.report({
        node: call,
        message,
        unfixableReason:
          blocker ?? `the options object is declared elsewhere; add algorithms: ['${algorithm}'] to it`,
      });
      return;
    }
    context.report({
      node: call,
      message,
      fix: (api) => {
        if (options)
          (api.pathOf(options).node as AnyNode).properties.push(algorithmsProperty(api.j, algorithm));
        else
          (api.pathOf(call).node as AnyNode).arguments.splice(
            where.insertAt!,
            0,
            insertedOptions(api, call, context.text, algorithm) as AnyNode,
          );
      },
    });
    return;
  }
  const verdict = judgeList(algorithms.value, context);
  if (verdict.kind !== 'bad') return;
  const message = `${what} algorithms list ${verdict.problem}`;
  if (blocker || !verdict.includesPolicy || unwrap(verdict.node).type !== 'ArrayExpression') {
    context.report({
      node: verdict.node,
      message,
      unfixableReason:
        blocker ??
        (verdict.includesPolicy
          ? `the list is declared elsewhere; make it ['${algorithm}'] there`
          : `the list does not include the policy's ${algorithm}; keep only the algorithm your tokens are signed with`),
    });
    return;
  }
  context.report({
    node: verdict.node,
    message,
    fix: (api) => {
      api.pathOf(verdict.node).replace(api.j.arrayExpression([api.j.stringLiteral(algorithm)]));
    },
  });
}

/**
 * jsonwebtoken reads `algorithms` from 4.2.2 on, and express-jwt before 3.0.0 verifies with its own older
 * jsonwebtoken: a project whose declared range stays on such a major would get a list that nothing reads.
 */
function tooOldForAlgorithms(context: SourceContext, name: string, firstMajor: number): string | undefined {
  const declared = declaredMajor(context.project.root, name);
  if (!declared || declared.major >= firstMajor) return undefined;
  return `${name} ${declared.range} (package.json) ignores an algorithms list; upgrade it to the current major, then add algorithms: ['${context.policy.jwt.algorithm}']`;
}

// Handles: jwt.verify(token, key), jwt.verify(token, key, cb), jwt.verify(token, key, { algorithms })
function checkJsonwebtokenVerify(call: AnyNode, context: SourceContext): void {
  const [token, key, third] = call.arguments as AnyNode[];
  if (!token || !key) return;
  const options = third && !isFunction(third) ? third : undefined;
  checkOptions(context, {
    call,
    what: 'jsonwebtoken verify()',
    key,
    options,
    insertAt: options ? undefined : 2,
    // 4.x below 4.2.2 cannot be told from a range; only majors 0-3 are certain
    versionBlocker: tooOldForAlgorithms(context, 'jsonwebtoken', 4),
  });
}

// Handles: jwt.sign(payload, key, { algorithm: 'none' })
function checkJsonwebtokenSign(call: AnyNode, context: SourceContext): void {
  const options = resolveObject(call.arguments[2], context.ancestors);
  const algorithm = options ? lookup(options, 'algorithm') : 'absent';
  if (typeof algorithm === 'string') return;
  const value = staticValue(algorithm.value, context.ancestors)?.value;
  if (typeof value === 'string' && family(value) === 'none')
    context.report({
      node: algorithm.value,
      message: "jsonwebtoken sign() with algorithm 'none': the token is unsigned and anyone can forge it",
      unfixableReason: `sign with the policy's ${context.policy.jwt.algorithm} and a secret key, and verify with the same algorithm`,
    });
}

// Handles: await jwtVerify(token, key) and jwtVerify(token, key, { issuer }) from jose
function checkJoseVerify(call: AnyNode, context: SourceContext): void {
  const [token, key, options] = call.arguments as AnyNode[];
  if (!token || !key) return;
  checkOptions(context, { call, what: 'jose jwtVerify()', key, options, insertAt: options ? undefined : 2 });
}

// Handles: expressjwt({ secret }) (express-jwt 6+) and jwt({ secret }) (express-jwt 5)
function checkExpressJwt(call: AnyNode, context: SourceContext): void {
  const options = resolveObject(call.arguments[0], context.ancestors);
  if (!options) return;
  const secret = lookup(options, 'secret');
  if (typeof secret === 'string') return;
  checkOptions(context, {
    call,
    what: 'express-jwt',
    key: secret.value,
    options: call.arguments[0],
    versionBlocker: tooOldForAlgorithms(context, 'express-jwt', 3),
  });
}

/** `fastifyJwt` or `require('@fastify/jwt')` as the plugin of a register call. */
function isFastifyJwtPlugin(plugin: AnyNode | undefined, context: SourceContext): boolean {
  if (!plugin) return false;
  const source = requireSource(plugin) ?? moduleMemberOf(plugin, context.ancestors)?.source;
  return source === '@fastify/jwt' || source === 'fastify-jwt';
}

// Handles: fastify.register(fastifyJwt, { secret }) without verify: { algorithms }
function checkFastifyJwt(call: AnyNode, context: SourceContext): void {
  if (calleeName(call) !== 'register' || !isFastifyJwtPlugin(call.arguments[0], context)) return;
  const options = resolveObject(call.arguments[1], context.ancestors);
  if (!options || options !== unwrap(call.arguments[1])) return;
  const secret = lookup(options, 'secret');
  const verify = lookup(options, 'verify');
  if (typeof secret === 'string' || verify === 'unknown') return;
  const algorithm = context.policy.jwt.algorithm;
  if (verify === 'absent') {
    const blocker = pinBlocker(secret.value, context);
    const message =
      "@fastify/jwt registered without verify.algorithms: the token's own header picks the algorithm";
    if (blocker) {
      context.report({ node: call, message, unfixableReason: blocker });
      return;
    }
    context.report({
      node: call,
      message,
      fix: (api) => {
        const { j } = api;
        (api.pathOf(options).node as AnyNode).properties.push(
          j.objectProperty(j.identifier('verify'), j.objectExpression([algorithmsProperty(j, algorithm)])),
        );
      },
    });
    return;
  }
  checkOptions(context, { call, what: '@fastify/jwt verify', key: secret.value, options: verify.value });
}

/** Tests forge tokens on purpose (expired, unsigned, badly signed) to prove the verifier refuses them. */
const testPath = /(^|\/)(test|tests|__tests__|__mocks__|spec|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

/** `Strategy` (or its alias) imported from passport-jwt. */
function isPassportJwtStrategy(node: AnyNode | undefined, context: SourceContext): boolean {
  if (!node) return false;
  const member = moduleMemberOf(node, context.ancestors);
  return member?.source === 'passport-jwt' && member.member === 'Strategy';
}

// Handles: new JwtStrategy({ jwtFromRequest, secretOrKey }, verify) from passport-jwt
function checkPassportJwt(expression: AnyNode, context: SourceContext): void {
  // Options are as often a `const jwtOptions = {...}` of the same file as an inline object.
  const options = resolveObject(expression.arguments[0], context.ancestors);
  if (!options) return;
  const key = lookup(options, 'secretOrKey');
  if (typeof key === 'string') return;
  checkOptions(context, {
    call: expression,
    what: 'passport-jwt Strategy',
    key: key.value,
    options: expression.arguments[0],
  });
}

// Handles: class JwtStrategy extends PassportStrategy(Strategy) { constructor() { super({ secretOrKey }) } } (NestJS)
function checkNestPassportSuper(call: AnyNode, context: SourceContext): void {
  const owner = [...context.ancestors]
    .reverse()
    .find((node) => node.type === 'ClassDeclaration' || node.type === 'ClassExpression') as
    | AnyNode
    | undefined;
  const superClass = owner?.superClass ? unwrap(owner.superClass) : undefined;
  if (superClass?.type !== 'CallExpression' || calleeName(superClass) !== 'PassportStrategy') return;
  if (!isPassportJwtStrategy(superClass.arguments[0], context)) return;
  checkPassportJwt(call, context);
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'jwt-algorithm',
    title: 'JWT verification pins the algorithm',
    description:
      "A verifier that lets the token's header choose the algorithm accepts unsigned tokens ('none') or tokens signed with a public key used as an HMAC secret (key confusion). Pin the one algorithm your tokens are signed with.",
    checklist: 'jwt-expiry',
    severity: 'critical',
    cwe: [327, 347],
    fixable: true,
    hint: "Pin algorithms to the policy's jwt.algorithm in every verify call; never sign with 'none'.",
  },
  prefilter:
    /jsonwebtoken|\bjose\b|express-jwt|fastify[-/]jwt|passport-jwt|jwt-simple|\bjws\b|\balg\b.{0,40}['"`]none['"`]|['"`]none['"`].{0,40}\balg\b/i,
  appliesTo: (relativePath) => !testPath.test(relativePath),
  create(context) {
    return {
      NewExpression(node: AnyNode) {
        if (isPassportJwtStrategy(node.callee, context)) checkPassportJwt(node, context);
      },
      CallExpression(node: AnyNode) {
        const member = calledMember(node, context.ancestors);
        if (isJsonwebtoken(member, 'verify')) checkJsonwebtokenVerify(node, context);
        else if (isJsonwebtoken(member, 'sign')) checkJsonwebtokenSign(node, context);
        else if (isJose(member, 'jwtVerify')) checkJoseVerify(node, context);
        else if (
          member?.source === 'express-jwt' &&
          (member.member === 'expressjwt' || member.member === 'default')
        )
          checkExpressJwt(node, context);
        else if (node.callee.type === 'Super') checkNestPassportSuper(node, context);
        else if (member?.source === 'jwt-simple') checkJwtSimpleDecode(node, member, context);
        else if (member?.source === 'jws') checkJwsVerify(node, member, context);
        else checkFastifyJwt(node, context);
      },
      BinaryExpression(node: AnyNode) {
        checkAcceptsNone(node, context);
      },
    };
  },
};

export default rule;

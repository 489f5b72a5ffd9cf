import type { Node } from '@babel/types';
import { calleeName, getProperty, propertyName, requireSource, unwrap } from '../../src/engine/ast-utils.js';
import type { FixApi, SourceContext, SourceRule } from '../../src/engine/rule.js';
import type { Policy } from '../../src/policy/index.js';
import { calledMember, isJose, isJsonwebtoken, moduleMemberOf } from '../_shared/jwt/modules.js';
import { tokenPurpose, type TokenPurpose } from '../_shared/jwt/purpose.js';
import { hasRefreshFlow, noRefreshFlowReason } from '../_shared/jwt/refresh-flow.js';
import { checkJwtSimpleEncode, reportsMilliseconds } from './other-shapes.js';
import { payloadLacksExp, setsExpByHand } from './payload.js';
import {
  isFunction,
  joseLifetime,
  jsonwebtokenLifetime,
  lifetimeFromNow,
  lookup,
  resolveObject,
  staticNumber,
  staticScalar,
} from '../_shared/jwt/values.js';

type AnyNode = Node & Record<string, any>;

interface Limit {
  seconds: number;
  /** The lifetime as both libraries write it: '30m', '7d'. */
  text: string;
  describe: string;
}

function limitFor(purpose: TokenPurpose, policy: Policy): Limit {
  if (purpose === 'refresh') {
    const days = policy.jwt.refreshTokenDays;
    return { seconds: days * 86400, text: `${days}d`, describe: `${count(days, 'day')} for refresh tokens` };
  }
  const minutes = policy.jwt.accessTokenMinutes;
  return {
    seconds: minutes * 60,
    text: `${minutes}m`,
    describe: `${count(minutes, 'minute')} for access tokens`,
  };
}

const count = (amount: number, unit: string) => `${amount} ${unit}${amount === 1 ? '' : 's'}`;

function humanize(seconds: number): string {
  if (seconds % 86400 === 0) return count(seconds / 86400, 'day');
  if (seconds % 3600 === 0) return count(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return count(seconds / 60, 'minute');
  return count(seconds, 'second');
}

/** A value written in place (`'7d'`, `86400 * 7`), which a fix may replace without orphaning a constant. */
const isLiteral = (node: AnyNode) => {
  const n = unwrap(node);
  return n.type === 'StringLiteral' || staticNumber(n, []) !== undefined;
};

/**
 * The fix for an access token's lifetime, or the reason it is left alone: a lifetime fix without a refresh
 * flow logs users out (a refresh token's own lifetime is what the refresh flow is built on).
 */
function lifetimeFix(
  purpose: TokenPurpose,
  context: SourceContext,
  fix: (api: FixApi) => void,
): { fix: (api: FixApi) => void } | { unfixableReason: string } {
  if (purpose === 'refresh' || hasRefreshFlow(context.project.root, context.text)) return { fix };
  return { unfixableReason: noRefreshFlowReason };
}

function expiresInProperty(j: FixApi['j'], text: string) {
  return j.objectProperty(j.identifier('expiresIn'), j.stringLiteral(text));
}

// Handles: jwt.sign(payload, key), jwt.sign(payload, key, cb), jwt.sign(payload, key, { expiresIn: '7d' })
function checkJsonwebtokenSign(call: AnyNode, context: SourceContext): void {
  const [payload, key, third] = call.arguments as AnyNode[];
  if (!payload || !key || payload.type === 'SpreadElement' || key.type === 'SpreadElement') return;
  const unwrappedPayload = unwrap(payload);
  // A string payload cannot carry expiresIn (jsonwebtoken refuses it); Buffers likewise.
  if (unwrappedPayload.type === 'StringLiteral' || unwrappedPayload.type === 'TemplateLiteral') return;
  const purpose = tokenPurpose(call, context.ancestors, context.text.slice(call.start ?? 0, call.end ?? 0));
  const limit = limitFor(purpose, context.policy);
  const optionsArgument = third && !isFunction(third) ? third : undefined;
  const options = optionsArgument ? resolveObject(optionsArgument, context.ancestors) : undefined;
  if (optionsArgument && !options) return;
  const expiresIn = options ? lookup(options, 'expiresIn') : 'absent';
  if (expiresIn === 'unknown') return;

  if (expiresIn === 'absent') {
    const lacksExp = payloadLacksExp(payload, context.ancestors);
    if (lacksExp === false) {
      // Handles: jwt.sign({ sub, exp: Math.floor(Date.now() / 1000) + 60 * 60 * 24 * 30 }, key)
      const exp = getProperty(resolveObject(payload, context.ancestors)!, 'exp');
      const seconds =
        exp?.type === 'ObjectProperty' ? lifetimeFromNow(exp.value, context.ancestors) : undefined;
      if (seconds !== undefined && purpose !== 'purpose')
        reportAbsoluteExpiry(exp!.value, seconds, limit, context);
      return;
    }
    if (setsExpByHand(context)) return;
    const message = `jsonwebtoken sign() without expiresIn: the token never expires (the policy allows ${limit.describe})`;
    if (purpose === 'purpose') {
      context.report({
        node: call,
        message,
        unfixableReason:
          'this token is not an access or refresh token by its names; choose an expiresIn that fits its use',
      });
      return;
    }
    if (lacksExp === undefined) {
      context.report({
        node: call,
        message,
        unfixableReason: `the payload may already carry exp (jsonwebtoken then refuses expiresIn); add expiresIn: '${limit.text}' by hand`,
      });
      return;
    }
    if (optionsArgument && options !== unwrap(optionsArgument)) {
      context.report({
        node: call,
        message,
        unfixableReason: `the options object is declared elsewhere and may be shared; add expiresIn: '${limit.text}' to it`,
      });
      return;
    }
    context.report({
      node: call,
      message,
      ...lifetimeFix(purpose, context, (api) => {
        if (options) {
          (api.pathOf(options).node as AnyNode).properties.push(expiresInProperty(api.j, limit.text));
        } else {
          const args = (api.pathOf(call).node as AnyNode).arguments;
          args.splice(2, 0, api.j.objectExpression([expiresInProperty(api.j, limit.text)]));
        }
      }),
    });
    return;
  }

  const inPlace = Boolean(optionsArgument) && options === unwrap(optionsArgument!);
  if (!reportsMilliseconds(expiresIn.value as AnyNode, context))
    checkTooLong(expiresIn.value as AnyNode, inPlace, purpose, limit, context);
}

/** An expiry written as now + N seconds, N over the limit: reported, the expression is the author's to rewrite. */
function reportAbsoluteExpiry(node: AnyNode, seconds: number, limit: Limit, context: SourceContext): void {
  if (seconds <= limit.seconds) return;
  context.report({
    node,
    message: `the token expires ${humanize(seconds)} after it is issued, longer than the policy's ${limit.describe}`,
    unfixableReason: `the expiry is computed here; make it now + ${limit.seconds} seconds (or use '${limit.text}')`,
  });
}

/** Reports an `expiresIn` value longer than the limit; fixed in place when it is a literal of this call. */
function checkTooLong(
  value: AnyNode,
  inPlace: boolean,
  purpose: TokenPurpose,
  limit: Limit,
  context: SourceContext,
): void {
  const scalar = staticScalar(value, context.ancestors);
  const seconds = scalar === undefined ? undefined : jsonwebtokenLifetime(scalar);
  if (seconds === undefined || seconds <= limit.seconds || purpose === 'purpose') return;
  const shown = typeof scalar === 'string' ? `'${scalar}'` : String(scalar);
  const message = `expiresIn ${shown} (${humanize(seconds)}) is longer than the policy's ${limit.describe}`;
  if (!inPlace || !isLiteral(value)) {
    context.report({
      node: value,
      message,
      unfixableReason: `the lifetime is defined elsewhere (a shared constant or options object); set it to '${limit.text}' there`,
    });
    return;
  }
  context.report({
    node: value,
    message,
    ...lifetimeFix(purpose, context, (api) => {
      api.pathOf(value).replace(api.j.stringLiteral(limit.text));
    }),
  });
}

/** `signOptions: { expiresIn }` (NestJS) or `sign: { expiresIn }` (@fastify/jwt) in a module's options, nested or not. */
function findSignLifetimes(node: AnyNode | undefined, key: string, found: AnyNode[], depth = 0): AnyNode[] {
  if (!node || depth > 6 || typeof node.type !== 'string') return found;
  if (node.type === 'ObjectExpression') {
    const signOptions = getProperty(node, key);
    const expiresIn =
      signOptions && unwrap(signOptions.value).type === 'ObjectExpression'
        ? getProperty(unwrap(signOptions.value), 'expiresIn')
        : undefined;
    if (expiresIn) found.push(expiresIn.value);
  }
  for (const child of Object.values(node)) {
    if (Array.isArray(child)) for (const item of child) findSignLifetimes(item, key, found, depth + 1);
    else if (
      child &&
      typeof child === 'object' &&
      typeof (child as AnyNode).type === 'string' &&
      child !== node.loc
    )
      findSignLifetimes(child as AnyNode, key, found, depth + 1);
  }
  return found;
}

// Handles: JwtModule.register({ signOptions: { expiresIn: '1d' } }) and registerAsync({ useFactory: () => ({...}) });
// fastify.register(fastifyJwt, { secret, sign: { expiresIn: '7d' } })
function checkModuleOptions(call: AnyNode, context: SourceContext): void {
  const callee = unwrap(call.callee);
  let key: string | undefined;
  if (callee.type === 'MemberExpression' && /^register(Async)?$/.test(calleeName(call) ?? '')) {
    const owner = moduleMemberOf(callee.object, context.ancestors);
    if (owner?.source === '@nestjs/jwt' && owner.member === 'JwtModule') key = 'signOptions';
  }
  if (!key && calleeName(call) === 'register' && call.arguments[0]) {
    const plugin = unwrap(call.arguments[0]);
    const source = requireSource(plugin) ?? moduleMemberOf(plugin, context.ancestors)?.source;
    if (source === '@fastify/jwt' || source === 'fastify-jwt') key = 'sign';
  }
  if (!key) return;
  const purpose = tokenPurpose(call, context.ancestors, context.text.slice(call.start ?? 0, call.end ?? 0));
  const limit = limitFor(purpose, context.policy);
  for (const value of findSignLifetimes(call, key, [])) {
    // @fastify/jwt 4+ signs with fast-jwt, which counts a number in milliseconds; older majors used seconds.
    if (key === 'sign' && typeof staticScalar(value, context.ancestors) === 'number') continue;
    if (key === 'signOptions' && reportsMilliseconds(value, context)) continue;
    checkTooLong(value, true, purpose, limit, context);
  }
}

interface ChainLink {
  name: string;
  member: AnyNode;
  call?: AnyNode;
}

/** The method calls chained onto a node: `new SignJWT(p).setIssuedAt().sign(key)` -> setIssuedAt, sign. */
function chainAbove(node: AnyNode, ancestors: readonly Node[]): ChainLink[] {
  const links: ChainLink[] = [];
  let current: AnyNode = node;
  let index = ancestors.length - 1;
  while (index >= 0) {
    const member = ancestors[index] as AnyNode;
    if (member.type !== 'MemberExpression' || member.object !== current || member.computed) break;
    const call = ancestors[index - 1] as AnyNode | undefined;
    const isCall = call?.type === 'CallExpression' && call.callee === member;
    links.push({
      name: propertyName({ key: member.property } as any) ?? '',
      member,
      call: isCall ? call : undefined,
    });
    if (!isCall) break;
    current = call;
    index -= 2;
  }
  return links;
}

// Handles: new SignJWT(payload)...sign(key) with no or a too long setExpirationTime
function checkJoseSignJwt(expression: AnyNode, context: SourceContext): void {
  const links = chainAbove(expression, context.ancestors);
  const signLink = links.find((link) => link.name === 'sign' && link.call);
  if (!signLink) return;
  const purpose = tokenPurpose(
    signLink.call!,
    context.ancestors.slice(0, context.ancestors.indexOf(signLink.call!)),
    context.text.slice(expression.start ?? 0, signLink.call!.end ?? 0),
  );
  const limit = limitFor(purpose, context.policy);
  const setter = links.filter((link) => link.name === 'setExpirationTime' && link.call).pop();
  if (!setter) {
    const lacksExp = payloadLacksExp(expression.arguments[0], context.ancestors);
    if (lacksExp === false) return;
    const message = `jose SignJWT without setExpirationTime: the token never expires (the policy allows ${limit.describe})`;
    if (purpose === 'purpose' || lacksExp === undefined) {
      context.report({
        node: expression,
        message,
        unfixableReason:
          purpose === 'purpose'
            ? 'this token is not an access or refresh token by its names; choose a lifetime that fits its use'
            : `the payload may already carry exp; add .setExpirationTime('${limit.text}') by hand`,
      });
      return;
    }
    const member = signLink.member;
    context.report({
      node: expression,
      message,
      ...lifetimeFix(purpose, context, (api) => {
        const { j } = api;
        const node = api.pathOf(member).node as AnyNode;
        node.object = j.callExpression(j.memberExpression(node.object, j.identifier('setExpirationTime')), [
          j.stringLiteral(limit.text),
        ]);
      }),
    });
    return;
  }
  const value = setter.call!.arguments[0] as AnyNode | undefined;
  const scalar = value ? staticScalar(value, context.ancestors) : undefined;
  if (purpose === 'purpose' || !value) return;
  // Numbers are absolute timestamps: only now + a constant says how long the token lives.
  const fromNow = lifetimeFromNow(value, context.ancestors);
  if (fromNow !== undefined) {
    reportAbsoluteExpiry(value, fromNow, limit, context);
    return;
  }
  if (typeof scalar !== 'string') return;
  const seconds = joseLifetime(scalar);
  if (seconds === undefined || seconds <= limit.seconds) return;
  const message = `setExpirationTime('${scalar}') (${humanize(seconds)}) is longer than the policy's ${limit.describe}`;
  if (!isLiteral(value!)) {
    context.report({
      node: value!,
      message,
      unfixableReason: `the lifetime is defined elsewhere; set it to '${limit.text}' there`,
    });
    return;
  }
  context.report({
    node: value!,
    message,
    ...lifetimeFix(purpose, context, (api) => {
      api.pathOf(value!).replace(api.j.stringLiteral(limit.text));
    }),
  });
}

/** Tests forge tokens on purpose (expired, unsigned, badly signed) to prove the verifier refuses them. */
const testPath = /(^|\/)(test|tests|__tests__|__mocks__|spec|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

/** Inside `class X extends PassportStrategy(Strategy)` with Strategy from passport-jwt (NestJS). */
function extendsPassportJwt(context: SourceContext): boolean {
  const owner = [...context.ancestors]
    .reverse()
    .find((node) => node.type === 'ClassDeclaration' || node.type === 'ClassExpression') as
    | AnyNode
    | undefined;
  const superClass = owner?.superClass ? unwrap(owner.superClass) : undefined;
  if (superClass?.type !== 'CallExpression' || calleeName(superClass) !== 'PassportStrategy') return false;
  const strategy = superClass.arguments[0]
    ? moduleMemberOf(superClass.arguments[0], context.ancestors)
    : undefined;
  return strategy?.source === 'passport-jwt' && strategy.member === 'Strategy';
}

// Handles: jwt.verify(token, key, { ignoreExpiration: true }), new JwtStrategy({ ignoreExpiration: true, ... })
function checkIgnoredExpiration(options: AnyNode | undefined, what: string, context: SourceContext): void {
  const object = options ? unwrap(options) : undefined;
  if (object?.type !== 'ObjectExpression') return;
  const property = getProperty(object, 'ignoreExpiration');
  if (
    property?.type !== 'ObjectProperty' ||
    unwrap(property.value).type !== 'BooleanLiteral' ||
    !unwrap(property.value).value
  )
    return;
  context.report({
    node: property,
    message: `${what} with ignoreExpiration: true accepts expired tokens forever`,
    fix: (api) => {
      api.pathOf(property).prune();
    },
  });
}

const purposeOf = (call: AnyNode, context: SourceContext) =>
  tokenPurpose(call, context.ancestors, context.text.slice(call.start ?? 0, call.end ?? 0));

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'jwt-expiry',
    title: 'JWTs expire within the policy lifetimes',
    description:
      'A JWT without exp, or with a long lifetime, stays valid for as long as it lives wherever it leaked (logs, browser storage, proxies): it cannot be revoked. Access tokens should live minutes, refresh tokens days.',
    checklist: 'jwt-expiry',
    severity: 'high',
    cwe: [613],
    fixable: true,
    hint: "Set expiresIn (jsonwebtoken) or setExpirationTime (jose) to the policy's lifetime: access tokens minutes, refresh tokens days.",
  },
  prefilter: /jsonwebtoken|\bjose\b|@nestjs\/jwt|fastify[-/]jwt|passport-jwt|jwt-simple/,
  appliesTo: (relativePath) => !testPath.test(relativePath),
  create(context) {
    return {
      CallExpression(node: AnyNode) {
        const member = calledMember(node, context.ancestors);
        if (isJsonwebtoken(member, 'sign')) checkJsonwebtokenSign(node, context);
        else if (member?.source === 'jwt-simple' && member.member === 'encode')
          checkJwtSimpleEncode(node, limitFor(purposeOf(node, context), context.policy).describe, context);
        else if (isJsonwebtoken(member, 'verify'))
          checkIgnoredExpiration(node.arguments[2], 'jsonwebtoken verify()', context);
        else if (node.callee.type === 'Super' && extendsPassportJwt(context))
          checkIgnoredExpiration(node.arguments[0], 'passport-jwt Strategy', context);
        else checkModuleOptions(node, context);
      },
      NewExpression(node: AnyNode) {
        const member = calledMember(node, context.ancestors);
        if (member?.source === 'passport-jwt' && member.member === 'Strategy')
          checkIgnoredExpiration(node.arguments[0], 'passport-jwt Strategy', context);
        if (isJose(member, 'SignJWT')) checkJoseSignJwt(node, context);
      },
    };
  },
};

export default rule;

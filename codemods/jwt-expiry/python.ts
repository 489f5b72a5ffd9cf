import type { SgNode } from '@ast-grep/napi';
import type { PythonContext, PythonDetector } from '../../src/engine/languages/python-detector.js';
import type { Policy } from '../../src/policy/index.js';
import { noRefreshFlowReason } from '../_shared/jwt/refresh-flow.js';
import { staleDurationComments } from './python-comments.js';
import { hasPythonRefreshFlow } from '../_shared/python/project.js';
import {
  calleeName,
  dottedName,
  enclosing,
  importedNames,
  isPythonTestPath,
  keywordArguments,
  positionalArguments,
  replaceNode,
  reportOf,
  resolveName,
  stringValue,
  unwrap,
} from '../_shared/python/syntax.js';

type Purpose = 'access' | 'refresh' | 'purpose';

const refreshWords = /refresh/i;
const purposeWords =
  /reset|recover|forgot|verif|confirm|invit|activat|magic|unsubscribe|download|share|otp|mfa|2fa|one_?time|email|link|csrf|cookie|cache|session_?ttl/i;
const accessWords = /access|auth|bearer|jwt|login/i;

function classify(name: string | undefined): Purpose | undefined {
  if (!name) return undefined;
  if (refreshWords.test(name)) return 'refresh';
  if (purposeWords.test(name)) return 'purpose';
  if (accessWords.test(name)) return 'access';
  return undefined;
}

const units = { seconds: 1, minutes: 60, hours: 3600, days: 86400, weeks: 604800 } as const;
type Unit = keyof typeof units;

const count = (amount: number, unit: string) => `${amount} ${unit}${amount === 1 ? '' : 's'}`;

function humanize(seconds: number): string {
  if (seconds % 86400 === 0) return count(seconds / 86400, 'day');
  if (seconds % 3600 === 0) return count(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return count(seconds / 60, 'minute');
  return count(seconds, 'second');
}

function limitFor(purpose: 'access' | 'refresh', policy: Policy): { seconds: number; describe: string } {
  if (purpose === 'refresh') {
    const days = policy.jwt.refreshTokenDays;
    return { seconds: days * units.days, describe: `${count(days, 'day')} for refresh tokens` };
  }
  const minutes = policy.jwt.accessTokenMinutes;
  return { seconds: minutes * units.minutes, describe: `${count(minutes, 'minute')} for access tokens` };
}

/** `60 * 24 * 8`, `30`, `(7)`: integer arithmetic written in place; undefined for anything read at run time. */
function staticNumber(expression: SgNode | undefined): number | undefined {
  if (!expression) return undefined;
  const node = unwrap(expression);
  if (node.kind() === 'integer' || node.kind() === 'float') {
    const value = Number(node.text().replace(/_/g, ''));
    return Number.isFinite(value) ? value : undefined;
  }
  if (node.kind() !== 'binary_operator') return undefined;
  const left = staticNumber(node.field('left') ?? undefined);
  const right = staticNumber(node.field('right') ?? undefined);
  if (left === undefined || right === undefined) return undefined;
  switch (node.field('operator')?.text()) {
    case '*':
      return left * right;
    case '+':
      return left + right;
    case '-':
      return left - right;
    default:
      return undefined;
  }
}

const timedeltaPositions: Unit[] = ['days', 'seconds'];

/** `3600` for `expire_period` in `def encode(payload, expire_period: int = 3600)`: what every caller that omits it gets. */
function parameterDefault(value: SgNode | undefined): SgNode | undefined {
  if (!value || unwrap(value).kind() !== 'identifier') return undefined;
  const name = unwrap(value).text();
  const parameters = enclosing(value, 'function_definition')?.field('parameters')?.children() ?? [];
  const parameter = parameters.find(
    (node) =>
      (node.kind() === 'default_parameter' || node.kind() === 'typed_default_parameter') &&
      node.field('name')?.text() === name,
  );
  return parameter?.field('value') ?? undefined;
}

/** The seconds of `timedelta(days=8)` / `datetime.timedelta(hours=1, minutes=30)`, when every part is literal. */
function timedeltaSeconds(
  call: SgNode,
  imports: Map<string, string>,
  defaults?: SgNode[],
): number | undefined {
  // `defaults` collects the parameter defaults a lifetime was read from, when they may be read at all
  const number = (value: SgNode | undefined) => {
    const literal = staticNumber(value);
    if (literal !== undefined || !defaults) return literal;
    const written = parameterDefault(value);
    if (written) defaults.push(written);
    return staticNumber(written);
  };
  const name = resolveName(calleeName(call), imports);
  if (name !== 'datetime.timedelta' && name !== 'timedelta') return undefined;
  let seconds = 0;
  const positional = positionalArguments(call);
  if (positional.length > timedeltaPositions.length) return undefined;
  for (const [index, argument] of positional.entries()) {
    const value = number(argument);
    if (value === undefined) return undefined;
    seconds += value * units[timedeltaPositions[index]];
  }
  for (const { name: unit, value } of keywordArguments(call)) {
    const amount = number(value);
    if (amount === undefined) return undefined;
    if (unit in units) seconds += amount * units[unit as Unit];
    else if (unit === 'milliseconds') seconds += amount / 1000;
    else if (unit !== 'microseconds') return undefined;
  }
  return seconds;
}

/** `ACCESS_TOKEN_EXPIRE_MINUTES` -> minutes; a name without a unit says nothing about its number. */
function unitOfName(name: string): Unit | undefined {
  const match = /(?:^|_)(SECONDS?|SECS?|MINUTES?|MINS?|HOURS?|DAYS?|WEEKS?)$/i.exec(name);
  if (!match) return undefined;
  const word = match[1].toLowerCase();
  if (word.startsWith('sec')) return 'seconds';
  if (word.startsWith('min')) return 'minutes';
  if (word.startsWith('hour')) return 'hours';
  if (word.startsWith('day')) return 'days';
  return 'weeks';
}

/** A token lifetime's name: `ACCESS_TOKEN_EXPIRE_MINUTES`, `REFRESH_TOKEN_LIFETIME`, `JWT_EXPIRATION_DELTA`. */
const lifetimeName =
  /(?:token|jwt).*(?:expire|expiry|expiration|lifetime|ttl|max_?age|delta)|(?:expire|expiry|lifetime|ttl).*token/i;

interface Context {
  context: PythonContext;
  imports: Map<string, string>;
  refreshFlow: () => boolean;
}

function report(
  state: Context,
  node: SgNode,
  purpose: 'access' | 'refresh',
  seconds: number,
  replacement: string | undefined,
): void {
  const { context } = state;
  const limit = limitFor(purpose, context.policy);
  if (seconds <= limit.seconds) return;
  const message = `${purpose === 'refresh' ? 'Refresh' : 'Access'} tokens live ${humanize(seconds)}; the policy allows ${limit.describe}`;
  const comments = staleDurationComments(node, context.text, limit.describe);
  const remedy =
    purpose === 'access' && !state.refreshFlow()
      ? { unfixableReason: noRefreshFlowReason }
      : replacement === undefined
        ? { unfixableReason: `shorten it to ${limit.describe} where it is declared` }
        : comments.proseLine !== undefined
          ? {
              unfixableReason: `shorten it to ${limit.describe}, and reword the comment on line ${comments.proseLine} that states the old lifetime`,
            }
          : { fix: [replaceNode(node, replacement), ...comments.edits] };
  context.report(reportOf(context, node, message, remedy));
}

/** The policy's lifetime in a unit, when it is a whole number of that unit. */
function inUnit(purpose: 'access' | 'refresh', unit: Unit, policy: Policy): number | undefined {
  const value = limitFor(purpose, policy).seconds / units[unit];
  return Number.isInteger(value) ? value : undefined;
}

/** `timedelta(days=8)` -> `timedelta(minutes=30)`, keeping how the module spells timedelta. */
function timedeltaReplacement(call: SgNode, purpose: 'access' | 'refresh', policy: Policy): string {
  const callee = call.field('function')!.text();
  return purpose === 'refresh'
    ? `${callee}(days=${policy.jwt.refreshTokenDays})`
    : `${callee}(minutes=${policy.jwt.accessTokenMinutes})`;
}

// Handles: ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24 * 8, REFRESH_TOKEN_EXPIRE_DAYS: int = 30 (settings fields too),
// ACCESS_TOKEN_LIFETIME = timedelta(days=1)
function checkConstants(state: Context): void {
  for (const assignment of state.context.root.findAll({ rule: { kind: 'assignment' } })) {
    const name = dottedName(assignment.field('left'))?.split('.').at(-1);
    const value = assignment.field('right');
    if (!name || !value || !lifetimeName.test(name)) continue;
    // Only names that say which token (`ACCESS_...`, `JWT_...`, `REFRESH_...`): an `API_TOKEN_EXPIRE_DAYS` is long-lived by design
    const purpose = classify(name);
    if (purpose !== 'access' && purpose !== 'refresh') continue;
    const right = unwrap(value);
    if (right.kind() === 'call') {
      const seconds = timedeltaSeconds(right, state.imports);
      if (seconds !== undefined)
        report(state, right, purpose, seconds, timedeltaReplacement(right, purpose, state.context.policy));
      continue;
    }
    const unit = unitOfName(name);
    const amount = staticNumber(right);
    if (!unit || amount === undefined) continue;
    const replacement = inUnit(purpose, unit, state.context.policy);
    report(
      state,
      right,
      purpose,
      amount * units[unit],
      replacement === undefined ? undefined : String(replacement),
    );
  }
}

/** What a token is for, by the names around the expression: its variable, dict key, the function issuing it. */
function purposeAround(node: SgNode): Purpose {
  for (const ancestor of node.ancestors()) {
    const kind = ancestor.kind();
    if (kind === 'assignment') {
      const found = classify(dottedName(ancestor.field('left')));
      if (found) return found;
    }
    if (kind === 'keyword_argument') {
      const found = classify(ancestor.field('name')?.text());
      if (found) return found;
    }
    if (kind === 'call') {
      const found = classify(calleeName(ancestor));
      if (found) return found;
    }
    if (kind === 'function_definition') {
      const found =
        classify(ancestor.field('name')?.text()) ??
        classify(ancestor.text().match(/["'](?:type|token_type|typ)["']\s*:\s*["'](\w+)["']/)?.[1]);
      return found ?? 'access';
    }
  }
  return 'access';
}

// Handles: {"exp": datetime.now(UTC) + timedelta(days=8)}, create_access_token(data, expires_delta=timedelta(hours=12))
function checkTimedeltas(state: Context): void {
  for (const call of state.context.root.findAll({ rule: { kind: 'call' } })) {
    // Handles: def encode(payload, expire_period: int = 3600): ... timedelta(seconds=expire_period)
    const literal = timedeltaSeconds(call, state.imports);
    const defaults: SgNode[] = [];
    const seconds = literal ?? timedeltaSeconds(call, state.imports, defaults);
    if (seconds === undefined) continue;
    const parent = call.parent();
    // the constants above were judged by their names
    if (parent?.kind() === 'assignment' && lifetimeName.test(dottedName(parent.field('left')) ?? ''))
      continue;
    const inExp = call
      .ancestors()
      .some((ancestor) => ancestor.kind() === 'pair' && stringValue(ancestor.field('key')) === 'exp');
    const inExpiry =
      parent?.kind() === 'keyword_argument' &&
      /expire|expiry|expiration|delta|lifetime|ttl/i.test(parent.field('name')?.text() ?? '');
    const issuing = call.ancestors().find((ancestor) => ancestor.kind() === 'call');
    const issuesToken =
      issuing !== undefined &&
      /(?:create|issue|make|generate|encode)_?\w*token/i.test(calleeName(issuing) ?? '');
    // Handles: expire = datetime.now(UTC) + timedelta(days=8) in a function that encodes a JWT
    const target = call.ancestors().find((ancestor) => ancestor.kind() === 'assignment');
    const storedAsExpiry =
      target !== undefined &&
      /expir|^exp(?:_at)?$/i.test(dottedName(target.field('left')) ?? '') &&
      /\bencode\s*\(/.test((enclosing(call, 'function_definition') ?? state.context.root).text());
    if (!inExp && !(inExpiry && issuesToken) && !storedAsExpiry && !helperOfExp(call, state)) continue;
    const purpose = purposeAround(call);
    if (purpose === 'purpose') continue;
    // A lifetime from a parameter's default is reported and shortened where the default is written
    if (literal === undefined) report(state, defaults[0] ?? call, purpose, seconds, undefined);
    else report(state, call, purpose, seconds, timedeltaReplacement(call, purpose, state.context.policy));
  }
}

/**
 * A helper that computes the expiry for the module's tokens: `def get_exp_date(): return utcnow() + timedelta(...)`
 * with `{"exp": get_exp_date(), ...}` in the module.
 */
function helperOfExp(call: SgNode, state: Context): boolean {
  const helper = enclosing(call, 'function_definition')?.field('name')?.text();
  if (!helper) return false;
  return state.context.root.findAll({ rule: { kind: 'pair' } }).some((pair) => {
    const value = pair.field('value');
    return (
      stringValue(pair.field('key')) === 'exp' &&
      value?.kind() === 'call' &&
      calleeName(value)?.split('.').at(-1) === helper
    );
  });
}

/** PyJWT's and python-jose's `encode(claims, key, ...)`; authlib's `encode(header, payload, key)`. */
function encodedPayload(call: SgNode, imports: Map<string, string>): SgNode | undefined {
  const name = resolveName(calleeName(call), imports) ?? '';
  const args = positionalArguments(call);
  if (/^(?:jwt|jose\.jwt)\.encode$/.test(name)) return args[0];
  if (name === 'authlib.jose.jwt.encode') return args[1];
  return undefined;
}

function dictKeys(dict: SgNode): string[] | undefined {
  const keys: string[] = [];
  for (const child of dict.namedChildren()) {
    if (child.kind() === 'comment') continue;
    if (child.kind() !== 'pair') return undefined; // `**claims` may hold exp
    const key = stringValue(child.field('key'));
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return keys;
}

// Handles: jwt.encode({"sub": user.id}, key, algorithm="HS256"); to_encode = {"sub": sub}; jwt.encode(to_encode, ...)
function checkEncode(state: Context): void {
  const { context } = state;
  for (const call of context.root.findAll({ rule: { kind: 'call' } })) {
    const payload = encodedPayload(call, state.imports);
    if (!payload) continue;
    let dict = unwrap(payload);
    if (dict.kind() === 'identifier') {
      const scope = enclosing(call, 'function_definition') ?? context.root;
      // `to_encode.update({"exp": expire})`, `to_encode["exp"] = ...`: set after the literal
      if (/["']exp["']/.test(scope.text())) continue;
      const assignments = scope
        .findAll({ rule: { kind: 'assignment' } })
        .filter((assignment) => assignment.field('left')?.text() === dict.text());
      if (assignments.length !== 1 || unwrap(assignments[0].field('right')!).kind() !== 'dictionary')
        continue;
      dict = unwrap(assignments[0].field('right')!);
    }
    if (dict.kind() !== 'dictionary') continue;
    const keys = dictKeys(dict);
    if (!keys || keys.includes('exp')) continue;
    const purpose = purposeAround(call);
    const minutes = context.policy.jwt.accessTokenMinutes;
    context.report(
      reportOf(context, payload, `JWT issued without an expiry (no "exp" claim): it stays valid forever`, {
        unfixableReason:
          purpose === 'purpose'
            ? 'a one-off link token: add an "exp" claim with the lifetime that fits its use'
            : `add "exp": datetime.now(timezone.utc) + timedelta(${purpose === 'refresh' ? `days=${context.policy.jwt.refreshTokenDays}` : `minutes=${minutes}`}) to the claims`,
      }),
    );
  }
}

const detector: PythonDetector = {
  prefilter: (text) => /timedelta|jwt|jose/i.test(text) || lifetimeName.test(text),
  check(context) {
    if (isPythonTestPath(context)) return;
    let refreshFlow: boolean | undefined;
    const state: Context = {
      context,
      imports: importedNames(context.root),
      refreshFlow: () => (refreshFlow ??= hasPythonRefreshFlow(context.project.root, context.text)),
    };
    checkConstants(state);
    checkTimedeltas(state);
    checkEncode(state);
  },
};

export default detector;

import type { Node } from '@babel/types';
import { findBinding, unwrap } from '../../src/engine/ast-utils.js';
import type { SourceContext } from '../../src/engine/rule.js';
import { staticNumber } from '../_shared/jwt/values.js';
import { payloadLacksExp, setsExpByHand } from './payload.js';

type AnyNode = Node & Record<string, any>;

const minute = 60;
const hour = 3600;

function inWords(seconds: number): string {
  if (seconds > 2 * 86400 && seconds % 86400 !== 0) return `about ${Math.floor(seconds / 86400)} days`;
  const unit =
    seconds % 86400 === 0 ? [86400, 'day'] : seconds % hour === 0 ? [hour, 'hour'] : [minute, 'minute'];
  const amount = seconds / (unit[0] as number);
  return `${amount} ${unit[1]}${amount === 1 ? '' : 's'}`;
}

/** The text that defines a number: the expression itself, or the initialiser of the const it names. */
function definitionOf(value: AnyNode, context: SourceContext): { name?: string; text: string } {
  const node = unwrap(value);
  if (node.type !== 'Identifier') return { text: context.text.slice(node.start ?? 0, node.end ?? 0) };
  const init = findBinding(node.name, context.ancestors)?.init as AnyNode | undefined;
  return { name: node.name, text: init ? context.text.slice(init.start ?? 0, init.end ?? 0) : '' };
}

/**
 * A numeric expiresIn that is a duration in milliseconds, which jsonwebtoken reads as seconds: `3600000`,
 * `60 * 60 * 1000`, `ONE_HOUR_MS`. Evidence is required: a factor of 1000 or a millisecond name for any whole
 * number of minutes, or a bare literal that is a whole number of hours in milliseconds (as seconds, 41 days or more).
 */
export function reportsMilliseconds(value: AnyNode, context: SourceContext): boolean {
  const number = staticNumber(value, context.ancestors);
  if (number === undefined || number < 60_000 || number % 60_000 !== 0) return false;
  const { name, text } = definitionOf(value, context);
  const millisecondName = name !== undefined && /(^|_)MS$|[a-z]Ms$|millis/i.test(name);
  const factorOfThousand = /(^|[^\d.])(1000|1e3|1_000)(?![\d.])/.test(text);
  const bareHours = /^\d[\d_]*$/.test(text.trim()) && number % 3_600_000 === 0;
  if (!millisecondName && !factorOfThousand && !bareHours) return false;
  const shown = name ?? text.trim();
  const written = shown === String(number) ? shown : `${shown} = ${number}`;
  context.report({
    node: value,
    message: `expiresIn ${written} is read as seconds (${inWords(number)}): it looks like ${inWords(number / 1000)} in milliseconds`,
    unfixableReason: `jsonwebtoken counts a number in seconds; write the lifetime as a string ('${number / 1000}s') or divide by 1000`,
  });
  return true;
}

// Handles: jwtSimple.encode(payload, key) from jwt-simple, which has no expiresIn: exp must be in the payload
export function checkJwtSimpleEncode(call: AnyNode, allowed: string, context: SourceContext): void {
  const [payload, key] = call.arguments as AnyNode[];
  if (!payload || !key || payload.type === 'SpreadElement') return;
  // A literal payload (`encode(true, key)`) is not an object: it cannot carry exp.
  const literal = /^(Boolean|Numeric|String)Literal$/.test(unwrap(payload).type);
  if (!literal && (payloadLacksExp(payload, context.ancestors) !== true || setsExpByHand(context))) return;
  context.report({
    node: call,
    message: `jwt-simple encode() with no exp in the payload: the token never expires (the policy allows ${allowed})`,
    unfixableReason:
      'jwt-simple has no expiresIn option; add exp: Math.floor(Date.now() / 1000) + lifetime in seconds to the payload',
  });
}

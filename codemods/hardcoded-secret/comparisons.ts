import type { Node } from '@babel/types';
import { memberPath } from '../../src/engine/ast-utils.js';
import type { SourceContext } from '../../src/engine/rule.js';
import { stringValue } from '../_shared/secrets/locate.js';
import { secretKind } from '../_shared/secrets/names.js';
import { isDefaultCredential, isPlaceholder } from '../_shared/secrets/values.js';

type AnyNode = Node & Record<string, any>;

/**
 * A secret checked against a literal: `if (apiKey !== 'admin123')`, `body.secret === 'test123'`. The literal is
 * the secret itself, written in the code: whoever reads the repository passes the check.
 */

/** The prefilter's part: a secret-like name next to an equality with a string literal, either way round. */
export const mayCompareSecret =
  /(?:secret|token|passw(?:or)?d|pwd|key)\w*['"\]]?\s*[!=]==?\s*['"`]|['"`]\s*[!=]==?\s*[\w$.[\]'"]*(?:secret|token|passw(?:or)?d|pwd|key)/i;
/** Values that say a secret is missing or unset, which a guard compares with: `token === 'undefined'`. */
const absent = /^(?:undefined|null|none|nil|false|true|empty|unset|missing|bearer|basic)$/i;

// Handles: if (adminKey !== 'admin123' && ...), if (req.query.secret === 'logs123')
export function checkSecretComparison(node: AnyNode, context: SourceContext): void {
  if (!/^[!=]==?$/.test(node.operator)) return;
  for (const [literal, other] of [
    [node.right, node.left],
    [node.left, node.right],
  ] as AnyNode[][]) {
    const value = stringValue(literal);
    if (value === undefined) continue;
    const path = memberPath(other);
    // process.env.JWT_SECRET === 'changeme': a guard against a known bad value, not a secret
    if (!path || /(?:^|\.)env(?:\.|$)/.test(path) || path.endsWith('()')) continue;
    const name = path.split('.').at(-1)!;
    const kind = secretKind(name);
    const trimmed = value.trim();
    if (!kind || trimmed.length < 4 || absent.test(trimmed) || isPlaceholder(trimmed)) continue;
    // `password === 'admin'`: a default credential compared with a password is default-password's
    if (kind === 'password' && isDefaultCredential(trimmed)) continue;
    context.report({
      node: literal,
      message: `\`${name}\` is checked against a value written in the code: the secret is in the repository`,
      unfixableReason:
        'compare with a secret read from the environment (crypto.timingSafeEqual over equal-length buffers), and rotate this one',
    });
    return;
  }
}

import { posix } from 'node:path';
import { projectSources } from '../_shared/project/files.js';
import { isReference } from '../_shared/secrets/assignment.js';
import { isPlaceholder } from '../_shared/secrets/values.js';

const localRequire =
  /(?:(?<!\.)\b([\w$]+)\s*=\s*require\(\s*|import\s+([\w$]+)\s+from\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * The keys of a JSON config file that the project's code hands to a JWT or session library as its secret:
 * `const config = require('./config')` then `jwt.sign(user, config.secret)`, `expressJwt({ secret: config.secret })`.
 * A key's name may say nothing (`secret`, `key`) and its value may read like a sentence (`"ngEurope rocks!"`):
 * the use makes it the signing secret, as a literal passed to jwt.sign is whatever its shape.
 */
export function signingKeysOf(root: string, relativePath: string): Set<string> {
  const self = relativePath.replace(/\.json$/i, '');
  const keys = new Set<string>();
  for (const source of projectSources(root)) {
    if (!/\.(?:sign|verify)\s*\(|secret(?:OrKey)?\s*:/.test(source.text)) continue;
    for (const [, required, imported, specifier] of source.text.matchAll(localRequire)) {
      const target = posix
        .normalize(posix.join(posix.dirname(source.path), specifier))
        .replace(/\.json$/i, '');
      if (target !== self) continue;
      const binding = (required ?? imported).replace(/\$/g, '\\$');
      // Handles: jwt.sign(payload, config.secret, ...), jwt.sign(_.omit(user, 'password'), config.secret),
      // jwt.verify(token, config.secret), { secret: config.secret }; the payload's own fields are not the secret
      const firstArgument = String.raw`(?:[\w$.]+(?:\([^()]*\))?|\{[^{}]*\}|'[^']*'|"[^"]*")`;
      const use = new RegExp(
        String.raw`\.(?:sign|verify)\s*\(\s*${firstArgument}\s*,\s*${binding}\.([\w$]+)\b|\bsecret(?:OrKey)?\s*:\s*${binding}\.([\w$]+)\b`,
        'g',
      );
      for (const [, argument, option] of source.text.matchAll(use)) keys.add(argument ?? option);
    }
  }
  return keys;
}

/** A value written as the secret itself: not empty, not `${VAR}`, not `changeme`/`<your-secret>`. */
export function isLiteralSecret(value: string): boolean {
  const trimmed = value.trim();
  return trimmed !== '' && !isReference(trimmed) && !isPlaceholder(trimmed);
}

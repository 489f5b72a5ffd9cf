import { posix } from 'node:path';
import { projectSources } from '../_shared/project/files.js';
import { isReference } from '../_shared/secrets/assignment.js';

const localRequire =
  /(?:(?<!\.)\b([\w$]+)\s*=\s*require\(\s*|import\s+([\w$]+)\s+from\s+)['"](\.{1,2}\/[^'"]+|[\w./-]+\.json)['"]/g;

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
      // Handles: require('./config'), and require('config.json') under rootpath or NODE_PATH=. (from the root)
      const from = specifier.startsWith('.') ? posix.dirname(source.path) : '';
      const target = posix.normalize(posix.join(from, specifier)).replace(/\.json$/i, '');
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

/**
 * A value the code would sign with as written: not empty, not `${VAR}`. A placeholder sentence counts (`"REPLACE
 * IT WITH YOUR OWN SECRET"`): until someone replaces it, every deployment signs with that public text.
 */
export function isLiteralSecret(value: string): boolean {
  const trimmed = value.trim();
  return trimmed !== '' && !isReference(trimmed);
}

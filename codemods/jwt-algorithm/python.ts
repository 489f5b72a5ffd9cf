import type { PythonContext, PythonDetector } from '../../src/engine/languages/index.js';
import { at, callArguments, importedNames, stringValue } from '../../src/engine/languages/python-tree.js';
import { jwtCall, skipsVerification } from '../_shared/jwt/python.js';
import { afterLastArgument, isHmacSecret } from '../_shared/jwt/python-keys.js';

const library = { pyjwt: 'PyJWT', 'python-jose': 'python-jose' } as const;

function check(context: PythonContext): void {
  const { root, policy } = context;
  const imports = importedNames(root);
  const pinned = `["${policy.jwt.algorithm}"]`;
  const notHmac = `the key is not recognisably an HMAC secret signed with ${policy.jwt.algorithm}: pin the algorithm your tokens are signed with`;
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    const jwt = jwtCall(call, imports);
    if (!jwt) continue;
    const { positional, keywords, open } = callArguments(call);
    if (jwt.name === 'encode') {
      // Handles: jwt.encode(payload, key, algorithm="none")
      const algorithm = keywords.get('algorithm') ?? positional[2];
      if (stringValue(algorithm ?? null)?.toLowerCase() === 'none')
        context.report({
          ...at(algorithm!),
          message: `${library[jwt.library]} signs with algorithm "none": anyone can write such a token`,
          unfixableReason: `sign with ${policy.jwt.algorithm} and a secret from the settings`,
        });
      continue;
    }
    if (jwt.name !== 'decode' || open) continue;
    // An unverified decode is jwt-unverified's finding; it needs no algorithm.
    if (skipsVerification(keywords)) continue;
    const key = keywords.get('key') ?? positional[1];
    const hmac = isHmacSecret(key, root, imports, policy.jwt.algorithm);
    const algorithms = keywords.get('algorithms') ?? positional[2];
    if (!algorithms) {
      // Handles: jwt.decode(token, SECRET_KEY)
      const end = afterLastArgument(call)!;
      context.report({
        ...at(call),
        message: `${library[jwt.library]} decode without algorithms: the token's header chooses how it is verified`,
        ...(hmac
          ? { fix: [{ start: end, end, text: `, algorithms=${pinned}` }] }
          : { unfixableReason: notHmac }),
      });
      continue;
    }
    // Handles: jwt.decode(token, key, algorithms=["HS256", "none"])
    const items =
      algorithms.kind() === 'list' || algorithms.kind() === 'tuple'
        ? algorithms.namedChildren()
        : [algorithms];
    if (items.some((item) => stringValue(item)?.toLowerCase() === 'none')) {
      const { start, end } = algorithms.range();
      context.report({
        ...at(algorithms),
        message: `${library[jwt.library]} decode accepts algorithm "none": an unsigned token passes`,
        ...(hmac
          ? { fix: [{ start: start.index, end: end.index, text: pinned }] }
          : { unfixableReason: notHmac }),
      });
    }
  }
}

export default {
  prefilter: /\b(jwt|jose)\b[\s\S]*\b(decode|encode)\s*\(/,
  check,
} satisfies PythonDetector;

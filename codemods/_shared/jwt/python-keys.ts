import type { SgNode } from '@ast-grep/napi';
import { callArguments, stringValue } from '../../../src/engine/languages/python-tree.js';
import { jwtCall } from './python.js';

/**
 * The key of a decode call is an HMAC secret when its name says secret (SECRET_KEY, settings.JWT_SECRET) and
 * nothing says public key, and no encode call of the file signs with anything but HS256 (PyJWT's default).
 */
export function isHmacSecret(
  key: SgNode | undefined,
  root: SgNode,
  imports: ReadonlyMap<string, string>,
  algorithm: string,
): boolean {
  if (!key || !/secret/i.test(key.text()) || /public|private|pem|rsa|ecdsa|jwk|cert/i.test(key.text()))
    return false;
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    if (jwtCall(call, imports)?.name !== 'encode') continue;
    const { positional, keywords } = callArguments(call);
    const signing = keywords.get('algorithm') ?? positional[2];
    if (signing && stringValue(signing) !== algorithm) return false;
  }
  return true;
}

/** Where `, name=value` goes: after the call's last argument. */
export function afterLastArgument(call: SgNode): number | undefined {
  const last = call
    .field('arguments')
    ?.namedChildren()
    .filter((child) => child.kind() !== 'comment')
    .pop();
  return last?.range().end.index;
}

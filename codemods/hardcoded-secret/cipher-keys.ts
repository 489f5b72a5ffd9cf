import type { Node } from '@babel/types';
import { calleeName, findBinding, memberPath, unwrap } from '../../src/engine/ast-utils.js';

type AnyNode = Node & Record<string, any>;

/** Node's crypto calls whose key argument is a secret: `createCipheriv(algorithm, key, iv)`, `createHmac(alg, key)`. */
const keyArgument: Record<string, number> = {
  createCipheriv: 1,
  createDecipheriv: 1,
  createHmac: 1,
  createCipher: 1,
};
/** What a key passes through on its way from a literal: bytes of it, part of it, or a key derived from it. */
const keyDerivations = /^(?:Buffer\.from|scryptSync|pbkdf2Sync|crypto\.scryptSync|crypto\.pbkdf2Sync)$/;
const keySlices = new Set(['substring', 'substr', 'slice', 'padEnd', 'toString']);

/** crypto-js: `CryptoJS.AES.encrypt(message, key)`, `CryptoJS.HmacSHA256(message, key)`: the key is the second. */
const cryptoJsKeyed =
  /^CryptoJS\.(?:(?:AES|DES|TripleDES|RC4|RC4Drop|Rabbit|RabbitLegacy|RSA)\.(?:en|de)crypt|Hmac\w+)$/;

/** A prefilter word for cipherKeyLiteral: the calls it starts from. */
export const mayUseCipherKey = /\bcreate(?:Cipheriv|Decipheriv|Hmac|Cipher)\s*\(|\bCryptoJS\s*\./;

/**
 * Handles: const keyString = '*4wQZgn+U2RW_mb='; const key = Buffer.from(keyString.substring(0, 8));
 * crypto.createCipheriv(algorithm, key, iv). Whatever the names say, the literal a cipher or an HMAC is keyed
 * with is the secret; the string literal is returned (only through `const`, which nothing reassigns).
 */
export function cipherKeyLiteral(call: AnyNode, ancestors: readonly Node[]): AnyNode | undefined {
  const index = cryptoJsKeyed.test(memberPath(call.callee) ?? '') ? 1 : keyArgument[calleeName(call) ?? ''];
  if (index === undefined) return undefined;
  let node: AnyNode | undefined = call.arguments[index];
  for (let depth = 0; node && depth < 8; depth++) {
    node = unwrap(node);
    if (node.type === 'StringLiteral' || (node.type === 'TemplateLiteral' && node.expressions.length === 0)) {
      const value = node.type === 'StringLiteral' ? node.value : node.quasis[0].value.cooked;
      return typeof value === 'string' && value.trim() !== '' ? node : undefined;
    }
    if (node.type === 'Identifier') {
      const binding = findBinding(node.name, ancestors);
      node = binding?.kind === 'const' ? (binding.init as AnyNode | undefined) : undefined;
    } else if (node.type === 'CallExpression') {
      const callee = memberPath(node.callee) ?? '';
      const method = calleeName(node) ?? '';
      if (keyDerivations.test(callee) || keyDerivations.test(method)) node = node.arguments[0];
      // Handles: Buffer.alloc(32, keyString), the key repeated to fill 32 bytes
      else if (callee === 'Buffer.alloc') node = node.arguments[1];
      else if (node.callee.type === 'MemberExpression' && keySlices.has(method)) node = node.callee.object;
      else return undefined;
    } else return undefined;
  }
  return undefined;
}

import type { SgNode } from '@ast-grep/napi';
import { dottedName, resolvedName } from '../../../src/engine/languages/python-tree.js';

/** Which JWT library a call belongs to: PyJWT (`import jwt`) or python-jose (`from jose import jwt`). */
export type PythonJwtLibrary = 'pyjwt' | 'python-jose';

/** `jwt.decode` of PyJWT or python-jose, with the function name (`decode`, `get_unverified_claims`...). */
export function jwtCall(
  call: SgNode,
  imports: ReadonlyMap<string, string>,
): { library: PythonJwtLibrary; name: string } | undefined {
  const name = resolvedName(dottedName(call.field('function')), imports);
  if (!name) return undefined;
  const pyjwt = /^jwt\.(?:api_jwt\.)?(\w+)$/.exec(name) ?? /^jwt\.PyJWT\(\)\.(\w+)$/.exec(name);
  if (pyjwt) return { library: 'pyjwt', name: pyjwt[1] };
  const jose = /^jose\.(?:jwt|jws)\.(\w+)$/.exec(name);
  if (jose) return { library: 'python-jose', name: jose[1] };
  return undefined;
}

/** A decode call that skips the signature: `options={"verify_signature": False}`, or PyJWT 1's `verify=False`. */
export function skipsVerification(keywords: ReadonlyMap<string, SgNode>): boolean {
  return keywords.get('verify')?.kind() === 'false' || turnsVerificationOff(keywords.get('options'));
}

/** `options={"verify_signature": False}` (PyJWT) or `{"verify_signature": False}` (python-jose). */
export function turnsVerificationOff(options: SgNode | undefined): boolean {
  if (options?.kind() !== 'dictionary') return false;
  return options
    .namedChildren()
    .some(
      (pair) =>
        pair.kind() === 'pair' &&
        /^["']verify_signature["']$/.test(pair.field('key')?.text() ?? '') &&
        pair.field('value')?.kind() === 'false',
    );
}

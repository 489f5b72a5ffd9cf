import type { SgNode } from '@ast-grep/napi';
import type { PythonContext, PythonDetector } from '../../src/engine/languages/index.js';
import {
  at,
  callArguments,
  dottedName,
  enclosingScope,
  importedNames,
} from '../../src/engine/languages/python-tree.js';
import { jwtCall, skipsVerification, turnsVerificationOff } from '../_shared/jwt/python.js';
import { isHmacSecret } from '../_shared/jwt/python-keys.js';

/** Claims and header fields that may be read from an unverified token: they pick a key or say when it ends. */
const benignField = /^["'](exp|iat|nbf|kid|alg|typ|jku|x5t)["']$/;

/** `claims["exp"]` or `claims.get("kid")`: one benign field read. */
function readsBenignField(use: SgNode): boolean {
  const parent = use.parent();
  if (parent?.kind() === 'subscript' && parent.field('value')?.id() === use.id())
    return benignField.test(parent.field('subscript')?.text() ?? '');
  if (parent?.kind() === 'attribute' && parent.field('attribute')?.text() === 'get') {
    const call = parent.parent();
    return call?.kind() === 'call' && benignField.test(callArguments(call).positional[0]?.text() ?? '');
  }
  return false;
}

/** Logged or printed: looked at, not trusted. */
function onlyLogged(use: SgNode): boolean {
  const call = use.ancestors().find((ancestor) => ancestor.kind() === 'call');
  const name = dottedName(call?.field('function') ?? null) ?? '';
  return /^(print|(logging|logger|log|_logger|LOGGER)\.(debug|info|warning|error|exception|critical))$/.test(
    name,
  );
}

/** A function whose name says it checks a token: its callers take its answer as authentication. */
const verifierName = /verif|validat|authenticat|check|current_user|decode_token/i;

/**
 * Whether the decoded result is used as more than its expiry, key id or a log line, or the decode is the check of a
 * verifier (`def insecure_verify(token): jwt.decode(token, verify=False); return True`).
 */
function trusted(call: SgNode): boolean {
  if (readsBenignField(call)) return false;
  const assignment = call.parent();
  if (assignment?.kind() !== 'assignment' || assignment.field('right')?.id() !== call.id()) return true;
  const target = assignment.field('left');
  if (target?.kind() !== 'identifier') return true;
  const uses = enclosingScope(call)
    .findAll({ rule: { kind: 'identifier', regex: `^${target.text()}$` } })
    .filter((use) => use.range().start.index > call.range().end.index);
  if (uses.some((use) => !readsBenignField(use) && !onlyLogged(use))) return true;
  // Decoded only to be logged: trusted when the decode itself is a verifier's whole check
  return uses.every((use) => onlyLogged(use)) && insideVerifier(call);
}

function insideVerifier(call: SgNode): boolean {
  const owner = call.ancestors().find((ancestor) => ancestor.kind() === 'function_definition');
  return verifierName.test(owner?.field('name')?.text() ?? '');
}

function check(context: PythonContext): void {
  const { root, policy } = context;
  const imports = importedNames(root);
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    const jwt = jwtCall(call, imports);
    if (!jwt) continue;
    const { positional, keywords } = callArguments(call);
    if (jwt.name === 'get_unverified_claims' || jwt.name === 'get_unverified_header') {
      // Handles: claims = jwt.get_unverified_claims(token); user_id = claims["sub"]
      if (!trusted(call)) continue;
      context.report({
        ...at(call),
        message: `jwt.${jwt.name}() reads the token without checking its signature, and its result is trusted`,
        unfixableReason: `verify it first: jwt.decode(token, key, algorithms=["${policy.jwt.algorithm}"])`,
      });
      continue;
    }
    if (jwt.name !== 'decode' || !skipsVerification(keywords) || !trusted(call)) continue;
    const options = turnsVerificationOff(keywords.get('options'))
      ? keywords.get('options')
      : keywords.get('verify');
    // Handles: jwt.decode(token, SECRET_KEY, algorithms=["HS256"], options={"verify_signature": False})
    const key = keywords.get('key') ?? positional[1];
    const verifiable =
      options!.kind() === 'dictionary' &&
      options!.namedChildren().length === 1 &&
      (keywords.has('algorithms') || positional[2]) &&
      isHmacSecret(key, root, imports, policy.jwt.algorithm);
    const keyword = options!.parent()!;
    const previous = keyword.prev();
    const start =
      previous?.kind() === ','
        ? (previous.prev()?.range().end.index ?? keyword.range().start.index)
        : keyword.range().start.index;
    context.report({
      ...at(options!),
      message: `jwt.decode() with verify_signature off: anyone can write a token this code trusts`,
      ...(verifiable && previous?.kind() === ','
        ? { fix: [{ start, end: keyword.range().end.index, text: '' }] }
        : {
            unfixableReason: `verify the signature: pass the key and algorithms=["${policy.jwt.algorithm}"] and drop options={"verify_signature": False}`,
          }),
    });
  }
}

export default {
  prefilter: /verify_signature|verify\s*=\s*False|get_unverified_(claims|header)/,
  check,
} satisfies PythonDetector;

import type { SgNode } from '@ast-grep/napi';
import type { PythonContext, PythonDetector } from '../../src/engine/languages/python-detector.js';
import type { Policy } from '../../src/policy/index.js';
import { secretKind } from '../_shared/secrets/names.js';
import { checkClearText } from './python-clear-text.js';
import {
  argumentAt,
  calleeName,
  dottedName,
  importedNames,
  isPythonTestPath,
  keywordArgument,
  keywordArguments,
  positionalArguments,
  replaceNode,
  reportOf,
  resolveName,
  stringValue,
  unwrap,
} from '../_shared/python/syntax.js';

/** hashlib's fast digests: cracked by the billion per second whatever the salt. */
const fastDigests = /^(?:md5|sha1|sha224|sha256|sha384|sha512|sha3_\d+|blake2[bs]|shake_\d+)$/i;
/**
 * passlib schemes without a work factor, or broken: the ones its docs file under "archaic" and "database"
 * hashes. `bcrypt`, `argon2`, `scrypt`, `pbkdf2_sha256`, `sha512_crypt` (rounds) are not here.
 */
const weakSchemes = new Set([
  'plaintext',
  'md5_crypt',
  'apr_md5_crypt',
  'des_crypt',
  'bsdi_crypt',
  'bigcrypt',
  'crypt16',
  'sun_md5_crypt',
  'hex_md5',
  'hex_sha1',
  'hex_sha256',
  'hex_sha512',
  'ldap_md5',
  'ldap_sha1',
  'ldap_salted_md5',
  'ldap_salted_sha1',
  'ldap_plaintext',
  'ldap_hex_md5',
  'ldap_hex_sha1',
  'roundup_plaintext',
  'mysql323',
  'mysql41',
  'postgres_md5',
  'oracle10',
  'oracle11',
  'mssql2000',
  'mssql2005',
  'lmhash',
  'nthash',
  'msdcc',
  'msdcc2',
  'django_salted_md5',
  'django_salted_sha1',
  'django_des_crypt',
  'django_disabled',
]);

function replacement(policy: Policy): string {
  return policy.password.hasher === 'argon2id'
    ? 'hash with argon2id (argon2-cffi or pwdlib) and verify with its verify()'
    : `hash with bcrypt.hashpw(password, bcrypt.gensalt(${policy.password.bcryptCost})) and check with bcrypt.checkpw`;
}

const migrationReason =
  'changing the hash invalidates every stored password: switch to the slow hash, keep accepting the old hash once, and rehash at the next successful login';

/** A password read somewhere inside the expression: `password`, `user.password`, `form.password.encode()`. */
function carriesPassword(expression: SgNode | undefined): boolean {
  if (!expression) return false;
  const nodes = [
    expression,
    ...expression.findAll({ rule: { any: [{ kind: 'identifier' }, { kind: 'attribute' }] } }),
  ];
  // Handles: request.form["password"], data.get("password")
  const keys = expression.findAll({ rule: { kind: 'string' } }).filter((literal) => {
    const parent = literal.parent();
    const holder = parent?.kind() === 'argument_list' ? parent.parent() : parent;
    const isKey =
      parent?.kind() === 'subscript' ||
      (holder?.kind() === 'call' && /\.get$/.test(calleeName(holder) ?? ''));
    return isKey && secretKind(stringValue(literal) ?? '') === 'password';
  });
  if (keys.length > 0) return true;
  return nodes.some((node) => {
    const kind = node.kind();
    if (kind === 'attribute') return secretKind(node.field('attribute')?.text() ?? '') === 'password';
    if (kind !== 'identifier') return false;
    // the `password` of `user.password` is judged as the attribute above
    if (node.parent()?.kind() === 'attribute' && node.parent()?.field('attribute')?.id() === node.id())
      return false;
    return secretKind(node.text()) === 'password';
  });
}

/** `hashlib.sha256`, `sha256` (from hashlib import sha256), `hashlib.new("md5")`: the digest's name. */
function fastDigest(call: SgNode, imports: Map<string, string>): string | undefined {
  const name = resolveName(calleeName(call), imports);
  if (!name?.startsWith('hashlib.')) return undefined;
  const digest = name.slice('hashlib.'.length);
  if (digest === 'new') {
    const algorithm = stringValue(argumentAt(call, 0, 'name'))
      ?.toLowerCase()
      .replace(/-/g, '');
    return algorithm && fastDigests.test(algorithm) ? algorithm : undefined;
  }
  return fastDigests.test(digest) ? digest : undefined;
}

// Handles: hashlib.sha256(password.encode()).hexdigest(), hashlib.new("md5", password.encode()),
// h = hashlib.md5(); h.update(password.encode())
function checkDigests(context: PythonContext, imports: Map<string, string>): void {
  const reportFastHash = (call: SgNode, digest: string) =>
    context.report(
      reportOf(
        context,
        call,
        `password hashed with ${digest}, a fast hash without a work factor; ${replacement(context.policy)}`,
        {
          unfixableReason: migrationReason,
        },
      ),
    );
  const digestVariables = new Map<string, string>();
  for (const call of context.root.findAll({ rule: { kind: 'call' } })) {
    const digest = fastDigest(call, imports);
    if (!digest) continue;
    const data =
      digest && calleeName(call)?.endsWith('.new')
        ? argumentAt(call, 1, 'data')
        : argumentAt(call, 0, 'string');
    if (carriesPassword(data)) {
      reportFastHash(call, digest);
      continue;
    }
    const assignment = call.parent();
    if (assignment?.kind() === 'assignment' && assignment.field('left')?.kind() === 'identifier')
      digestVariables.set(assignment.field('left')!.text(), digest);
  }
  for (const call of context.root.findAll({ rule: { kind: 'call' } })) {
    const callee = calleeName(call);
    if (!callee?.endsWith('.update')) continue;
    const digest = digestVariables.get(callee.slice(0, -'.update'.length));
    if (!digest || !carriesPassword(positionalArguments(call)[0])) continue;
    reportFastHash(call, digest);
  }
}

/** The scheme names of a `schemes=[...]` list, with their nodes. */
function schemeList(value: SgNode | undefined): { name: string; node: SgNode }[] {
  if (!value) return [];
  const list = unwrap(value);
  if (list.kind() !== 'list' && list.kind() !== 'tuple') return [];
  return list.namedChildren().flatMap((item) => {
    const name = stringValue(item);
    return name ? [{ name, node: item }] : [];
  });
}

// Handles: CryptContext(schemes=["md5_crypt"]), CryptContext(schemes=["plaintext", "bcrypt"], default="plaintext")
function checkCryptContext(call: SgNode, context: PythonContext): void {
  const schemes = schemeList(keywordArgument(call, 'schemes') ?? positionalArguments(call)[0]);
  if (schemes.length === 0) return;
  // New hashes use `default`, else the first scheme; the others only verify old hashes (a migration).
  const defaultName = stringValue(keywordArgument(call, 'default')) ?? schemes[0].name;
  if (!weakSchemes.has(defaultName)) return;
  const node = schemes.find((scheme) => scheme.name === defaultName)?.node ?? call;
  context.report(
    reportOf(
      context,
      node,
      `passwords hashed with passlib's ${defaultName}, ${defaultName.includes('plaintext') ? 'stored in clear' : 'a fast or broken hash'}; ${replacement(context.policy)}`,
      {
        unfixableReason: migrationReason,
      },
    ),
  );
}

// Handles: from passlib.hash import md5_crypt; md5_crypt.hash(password)
function checkPasslibHandler(call: SgNode, context: PythonContext, imports: Map<string, string>): void {
  const name = resolveName(calleeName(call), imports);
  const match = /^passlib\.hash\.(\w+)\.(?:hash|encrypt)$/.exec(name ?? '');
  if (!match || !weakSchemes.has(match[1])) return;
  context.report(
    reportOf(
      context,
      call,
      `password hashed with passlib's ${match[1]}, a fast or broken hash; ${replacement(context.policy)}`,
      {
        unfixableReason: migrationReason,
      },
    ),
  );
}

/** The bcrypt cost in a call: `gensalt(10)`, `gensalt(rounds=10)`, passlib's `bcrypt__rounds=10` / `using(rounds=10)`. */
function costArgument(call: SgNode, imports: Map<string, string>): SgNode | undefined {
  const name = resolveName(calleeName(call), imports) ?? '';
  if (name === 'bcrypt.gensalt') return argumentAt(call, 0, 'rounds');
  if (/(?:^|\.)CryptContext$/.test(name))
    return keywordArguments(call).find(
      (argument) => argument.name === 'bcrypt__rounds' || argument.name === 'bcrypt__default_rounds',
    )?.value;
  if (/^passlib\.hash\.bcrypt(?:_sha256)?\.using$/.test(name)) return keywordArgument(call, 'rounds');
  return undefined;
}

// Handles: bcrypt.gensalt(rounds=10) under a policy cost of 12; raising it keeps every stored hash valid
function checkBcryptCost(call: SgNode, context: PythonContext, imports: Map<string, string>): void {
  const cost = costArgument(call, imports);
  if (!cost || cost.kind() !== 'integer') return;
  const rounds = Number(cost.text());
  const minimum = context.policy.password.bcryptCost;
  if (!Number.isInteger(rounds) || rounds >= minimum) return;
  const message = `bcrypt cost ${rounds} is below the policy's ${minimum}: each guess is ${2 ** (minimum - rounds)} times cheaper`;
  context.report({
    ...reportOf(context, cost, message, { fix: [replaceNode(cost, String(minimum))] }),
    // Shown where the rule's fixes are off (its JS findings need a migration): the edit is this one number.
    unfixableReason: `raise it to ${minimum}: hashes stored at the lower cost keep verifying`,
  });
}

function check(context: PythonContext): void {
  const imports = importedNames(context.root);
  checkDigests(context, imports);
  checkClearText(
    context,
    replacement(context.policy),
    'hashing them changes the login and every stored password: hash at registration and password change, and hash each stored password once (a migration)',
  );
  for (const call of context.root.findAll({ rule: { kind: 'call' } })) {
    if (/(?:^|\.)CryptContext$/.test(dottedName(call.field('function')) ?? ''))
      checkCryptContext(call, context);
    checkPasslibHandler(call, context, imports);
    checkBcryptCost(call, context, imports);
  }
}

const detector: PythonDetector = {
  prefilter: (text) => /hashlib|CryptContext|passlib|gensalt|bcrypt|passw(?:or)?d/i.test(text),
  check(context) {
    if (!isPythonTestPath(context)) check(context);
  },
};

export default detector;

import { dirname, resolve } from 'node:path';
import type { Node } from '@babel/types';
import {
  getProperty,
  memberPath,
  moduleBindings,
  programOf,
  propertyName,
} from '../../src/engine/ast-utils.js';
import type { SourceContext } from '../../src/engine/rule.js';
import { stringValue } from '../_shared/secrets/locate.js';
import { secretKind } from '../_shared/secrets/names.js';
import { anyCase } from '../_shared/secrets/prefilter.js';
import { defaultCredentials, isDefaultCredential, isPlaceholder } from '../_shared/secrets/values.js';
import { isFile, readText } from '../_shared/project/dependencies.js';

type AnyNode = Node & Record<string, any>;

/**
 * Accounts the code creates with a password anyone can read and guess: a seed call of the project's own helper
 * (`User.create('admin', 'password')`, its parameter named as a password, the value a default credential) and a table of accounts
 * (`[{ name: 'user', password: 'pwd' }, ...]`) whose password is shorter than the policy's minimum or the
 * account's own name. A single object with those keys may be a field map (`{ name: 'user', password: 'pwd' }`
 * naming columns), so a table needs two records keyed by the same user field.
 */

const userKeys = ['user', 'username', 'userName', 'login', 'email', 'account', 'name', 'usr'];
/** The password keys of a seeded record, exactly those the prefilter looks for. */
const passwordKey = /^(?:password|passwd|pass|pwd)$/i;
const literal = String.raw`\s*['"\`]?\s*:\s*['"\`][^'"\`\n]+['"\`]`;
const userKeyText = `\\b(?:${userKeys.join('|')})${literal}`;
const passwordKeyText = `\\b(?:password|passwd|pass|pwd)${literal}`;
const seededRecord = new RegExp(
  String.raw`\{[^{}]*${userKeyText}[^{}]*${passwordKeyText}|\{[^{}]*${passwordKeyText}[^{}]*${userKeyText}`,
  'i',
);
/** A creating call's name, a verb in lower camel case: `create`, `createUser`, `addAccount`, `seed_admin`. */
const creatorName = /^(?:create|register|sign_?[uU]p|add|insert|seed)(?:[A-Z_][\w$]*)?$/;
const creator = String.raw`(?<![\w$])(?:create|register|sign_?[uU]p|add|insert|seed)(?:[A-Z_][\w$]*)?\s*\(\s*`;
const quoted = String.raw`['"\`][^'"\`\n]*['"\`]`;
/** Default credentials as whole string literals (isDefaultCredential trims and ignores case). */
export const defaultCredentialWord = `(?:${[...defaultCredentials]
  .sort((a, b) => b.length - a.length)
  .map(anyCase)
  .join('|')})`;
/**
 * A creating call whose leading arguments are literals, then a default credential:
 * `User.create('admin', 'password')`, `createUser('alice', 'a@x.io', 'changeme')`.
 */
const seededCall = new RegExp(
  String.raw`${creator}${quoted}\s*,(?:\s*${quoted}\s*,)*\s*['"\`]\s*${defaultCredentialWord}\s*['"\`]`,
);

export const sourceOf = (node: Node, context: SourceContext): string =>
  context.text.slice(node.start ?? 0, node.end ?? 0);

/** The prefilter's part: a table of accounts with literal passwords, or a creating call seeding a guessable one. */
export function maySeedAccount(text: string): boolean {
  return seededRecord.test(text) || seededCall.test(text);
}

// Handles: const users = [{ name: 'user', password: 'pwd' }, { name: 'admin', password: random() }]
export function checkSeededRecord(node: AnyNode, context: SourceContext): void {
  const list = context.ancestors.at(-1) as AnyNode | undefined;
  // The record as written is what the prefilter saw: only such a record is judged.
  if (list?.type !== 'ArrayExpression' || !seededRecord.test(sourceOf(node, context))) return;
  const password = (node.properties as AnyNode[]).find(
    (property) => property.type === 'ObjectProperty' && passwordKey.test(propertyName(property) ?? ''),
  );
  const value = password && stringValue(password.value);
  if (
    !password ||
    value === undefined ||
    isPlaceholder(value) ||
    isDefaultCredential(value) ||
    /\s/.test(value)
  )
    return;
  const userKey = userKeys.find((key) => {
    const property = getProperty(node, key);
    return Boolean(property && stringValue(property.value));
  });
  if (!userKey) return;
  const user = stringValue(getProperty(node, userKey)!.value)!;
  // Labels and field maps: `{ name: 'Name', pass: 'Pass' }`, `{ user: 'user', pwd: 'pwd' }` in a form's columns
  const key = propertyName(password)!;
  const label = (text: string, name: string) =>
    text.toLowerCase() === name.toLowerCase() || /^\p{Lu}\p{Ll}+$/u.test(text);
  if (label(value, key) || label(user, userKey)) return;
  // A table: another record of the list is keyed by the same user field.
  const records = (list.elements as AnyNode[]).filter(
    (element) => element?.type === 'ObjectExpression' && getProperty(element, userKey),
  );
  if (records.length < 2) return;
  const minLength = context.policy.password.minLength;
  const sameAsUser = value.toLowerCase() === user.toLowerCase();
  if (!sameAsUser && value.length >= minLength) return;
  context.report({
    node: password.value,
    message: sameAsUser
      ? `The account \`${user}\` is created with its own name as password`
      : `The account \`${user}\` is created with a ${value.length}-character password (the policy's minimum is ${minLength})`,
    unfixableReason:
      'one record of a list of accounts; give it a password from the environment, or none and a reset at first login',
  });
}

const extensions = ['', '.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '/index.js', '/index.ts'];

function moduleText(specifier: string, fromFile: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  for (const extension of extensions) {
    const candidate = resolve(dirname(fromFile), specifier + extension);
    try {
      if (isFile(candidate)) return readText(candidate);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const escape = (text: string) => text.replace(/[$.*+?^()[\]{}|/\\]/g, '\\$&');

/** The parameter names of the function `name` defined in this text (`X.name = function (a, b)`, `name(a, b) {`). */
function parametersOf(text: string, name: string): string[] | undefined {
  const n = escape(name);
  const definition = new RegExp(
    String.raw`(?:\b${n}\s*[=:]\s*(?:async\s+)?(?:function\b[\w$\s]*)?\(([^()]*)\)|\bfunction\s+${n}\s*\(([^()]*)\)|^\s*(?:static\s+)?(?:async\s+)?${n}\s*\(([^()]*)\)\s*(?::[^{]*)?\{)`,
    'm',
  ).exec(text);
  const list = definition && (definition[1] ?? definition[2] ?? definition[3]);
  if (list === null || list === undefined) return undefined;
  return list.split(',').map((parameter) => parameter.replace(/[?]?\s*(?::|=).*$/s, '').trim());
}

// Handles: User.create('admin', 'password'), where the project defines User.create = function (username, password)
export function checkSeededCall(call: AnyNode, context: SourceContext): void {
  const path = memberPath(call.callee);
  if (!path || path.endsWith('()')) return;
  const segments = path.split('.');
  const name = segments.at(-1)!;
  if (!creatorName.test(name)) return;
  if (!seededCall.test(sourceOf(call, context))) return;
  const values = (call.arguments as AnyNode[]).map((argument) => stringValue(argument));
  const user = values[0];
  if (user === undefined) return;
  // The arguments before the password are literals too: a seed written out by hand.
  const index = values.findIndex(
    (value, position) => position > 0 && value !== undefined && isDefaultCredential(value),
  );
  if (index < 0 || values.slice(0, index).some((value) => value === undefined)) return;
  const program = programOf(context.ancestors);
  const source = program && moduleBindings(program).get(segments[0])?.source;
  const text = source === undefined ? context.text : moduleText(source, context.file);
  const parameter = text === undefined ? undefined : parametersOf(text, name)?.[index];
  if (!parameter || secretKind(parameter) !== 'password') return;
  context.report({
    node: call.arguments[index],
    message: `\`${path}\` creates the account \`${user}\` with the guessable password \`${values[index]}\``,
    unfixableReason:
      'seed the account with a password from the environment, or none and a reset at first login',
  });
}

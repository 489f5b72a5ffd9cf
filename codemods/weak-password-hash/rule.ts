import type { Node } from '@babel/types';
import {
  calleeName,
  findBinding,
  getProperty,
  requireSource,
  staticValue,
  unwrap,
} from '../../src/engine/ast-utils.js';
import type { SourceContext, SourceRule } from '../../src/engine/rule.js';
import type { Policy } from '../../src/policy/index.js';
import { moduleMemberOf } from '../_shared/jwt/modules.js';
import {
  assignedInClear,
  comparedInClear,
  projectHashesPasswords,
  sqlTemplateWritesClear,
  sqlWrittenInClear,
  storedInClear,
  type ClearTextFinding,
} from './clear-text.js';
import { carriesPassword, isInputPassword, isPasswordName, isStoredPassword } from './passwords.js';

type AnyNode = Node & Record<string, any>;

const testPath = /(^|\/)(test|tests|__tests__|__mocks__|spec|e2e|fixtures?)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

/** Hash functions of npm packages (md5, crypto-js, js-sha256...) called on a value directly. */
const hashFunctionName =
  /^(md5|sha1|sha224|sha256|sha384|sha512|sha3|ripemd160|hex_md5|hex_sha1|hex_sha256)$/i;
const lookupCallee = /^(find|findOne|findFirst|findUnique|findAll|findOneBy|findBy|where|count|exists)$/;

function replacement(policy: Policy): string {
  return policy.password.hasher === 'argon2id'
    ? 'hash with argon2id (argon2.hash) and check with argon2.verify'
    : `hash with await bcrypt.hash(password, ${policy.password.bcryptCost}) and check with await bcrypt.compare(password, hash)`;
}

const migrationReason =
  'changing the hash invalidates every stored password: switch to the slow hash, keep accepting the old hash once, and rehash at the next successful login';

/** `crypto.createHash(...)`, `createHash(...)` and `require('crypto').createHash(...)` from node:crypto. */
function isCreateHash(call: AnyNode, ancestors: readonly Node[]): boolean {
  if (calleeName(call) !== 'createHash') return false;
  const callee = unwrap(call.callee);
  if (callee.type === 'MemberExpression' && requireSource(callee.object)) {
    const source = requireSource(callee.object)!;
    return source === 'crypto' || source === 'node:crypto';
  }
  const member = moduleMemberOf(callee, ancestors);
  return (member?.source === 'crypto' || member?.source === 'node:crypto') && member.member === 'createHash';
}

/** The values hashed by a createHash: the chained `.update(x)` calls, or `h.update(x)` on the variable holding it. */
function hashedValues(call: AnyNode, ancestors: readonly Node[]): AnyNode[] {
  const values: AnyNode[] = [];
  let current: AnyNode = call;
  let index = ancestors.length - 1;
  for (;;) {
    const member = ancestors[index] as AnyNode | undefined;
    const next = ancestors[index - 1] as AnyNode | undefined;
    if (member?.type !== 'MemberExpression' || member.object !== current || next?.type !== 'CallExpression')
      break;
    if (calleeName(next) === 'update' && next.arguments[0]) values.push(next.arguments[0]);
    current = next;
    index -= 2;
  }
  const holder = ancestors[index] as AnyNode | undefined;
  if (holder?.type === 'VariableDeclarator' && holder.init === current && holder.id.type === 'Identifier') {
    const name = holder.id.name;
    const scope = findBinding(name, [...ancestors.slice(0, index), holder])?.scope;
    if (scope) collectUpdates(scope, name, values);
  }
  return values;
}

function collectUpdates(node: AnyNode, name: string, values: AnyNode[]): void {
  if (!node || typeof node.type !== 'string') return;
  if (
    node.type === 'CallExpression' &&
    node.callee.type === 'MemberExpression' &&
    node.callee.object.type === 'Identifier' &&
    node.callee.object.name === name &&
    calleeName(node) === 'update' &&
    node.arguments[0]
  )
    values.push(node.arguments[0]);
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'start' || key === 'end' || key === 'extra' || key.endsWith('Comments'))
      continue;
    const child = node[key];
    if (Array.isArray(child)) for (const item of child) collectUpdates(item, name, values);
    else if (child && typeof child === 'object' && typeof child.type === 'string')
      collectUpdates(child, name, values);
  }
}

/** `{ email, password }` or `{ where: { password } }` holding a typed password. */
function passwordCriterion(object: AnyNode | undefined, depth = 0): AnyNode | undefined {
  if (!object || depth > 2) return undefined;
  const o = unwrap(object);
  if (o.type !== 'ObjectExpression') return undefined;
  for (const property of o.properties as AnyNode[]) {
    if (property.type !== 'ObjectProperty') continue;
    const key = property.key.type === 'Identifier' ? property.key.name : (property.key as AnyNode).value;
    if (typeof key === 'string' && isPasswordName(key) && isInputPassword(property.value)) return property;
  }
  const where = getProperty(o, 'where');
  return where ? passwordCriterion(where.value, depth + 1) : undefined;
}

/** SQL that compares a password column with a bound or interpolated value in its WHERE clause. */
const sqlPasswordCompare =
  /\bwhere\b[\s\S]*\b(password|passwd|pwd|user_password|pass)\s*=\s*(\?|\$\d+|:[a-z_]|@[a-z_]|'?\$\{|'\s*\+)/i;

function checkSql(node: AnyNode, text: string, context: SourceContext): void {
  if (!/\bselect\b[\s\S]*\bfrom\b/i.test(text) || !sqlPasswordCompare.test(text)) return;
  context.report({
    node,
    message: `SQL compares the password column with the typed password: passwords are stored in clear or with a fast hash; ${replacement(context.policy)}`,
    unfixableReason: migrationReason,
  });
}

// The prefilter: every finding needs a password name (passwords.ts: `pass`, `pw`, `pwd`, or a name ending
// in password, passwd, passphrase, pwd; not `bypass`, `passes`) where the rule looks for one: hashed, a
// lookup criterion, an operand of ==/===, or a password column compared in SQL text.
const passwordNames = String.raw`(?:(?:password|passwd|passphrase|pwd)s?|(?<![\w$])(?:pass|pw))(?![\w$])`;
const passwordName = new RegExp(passwordNames, 'i');
const hashCall =
  /createHash|(?<![\w$])(?:md5|sha1|sha224|sha256|sha384|sha512|sha3|ripemd160|hex_md5|hex_sha1|hex_sha256)\s*\(/i;
const lookupCall =
  /(?<![\w$])(?:find|findOne|findFirst|findUnique|findAll|findOneBy|findBy|where|count|exists)\s*\(/;
/** `{ password }`, `password: x`, `'password', x`: a password name as a criterion's key or column. */
const passwordKey = new RegExp(`${passwordNames}['"]?\\s*[:,}]`, 'i');
/** The left operand of a comparison, casts and brackets included: `user['password'] as string) ===`. */
const passwordComparison = new RegExp(
  `${passwordNames}['"\\]]*!?(?:\\s+as\\s+[\\w.<>[\\]]+)?\\s*\\)*\\s*[!=]==?(?!=)`,
  'i',
);
const sqlPasswordColumn =
  /\b(?:password|passwd|pwd|user_password|pass)\s*=\s*(?:\?|\$\d|:[a-z_]|@[a-z_]|\\?['"`]|\$\{)/i;

/** clear-text.ts's shapes: a record written with a password key, `this.password = ...`, a compare helper. */
const storageCall =
  /(?<![\w$])(?:insert|insertOne|insertMany|create|save|update|updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate|upsert|set|add|push|put)\s*\(|\bnew\s+[A-Z]/;
/** SQL that writes a password column: `UPDATE users SET password = $1`, `INSERT INTO users (name, password)`. */
const sqlPasswordWrite =
  /\bupdate\s+[\w."`]+\s+set\b[^;]*?\b(?:password|passwd|pwd|pass)\s*=|\binsert\s+into\s+[\w."`]+\s*\([^)]*\b(?:password|passwd|pwd|pass)\b/i;
const thisPassword = new RegExp(`this\\.${passwordNames}\\s*=[^=]`, 'i');
const passwordHelper = /(?:compare|check|verify|match|valid)\w*Pass|pass\w*(?:compare|match|valid)/i;

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'weak-password-hash',
    title: 'Passwords are hashed with bcrypt',
    description:
      'Passwords stored in clear, or hashed with a fast hash (md5, sha1, sha256), fall to one database leak: fast hashes are cracked by the billion per second. Passwords need a slow, salted hash with a work factor (bcrypt or argon2id).',
    checklist: 'password-hashing',
    severity: 'high',
    cwe: [256, 916, 759],
    fixable: true,
    hint: 'Store bcrypt hashes (await bcrypt.hash(password, cost)) and check them with await bcrypt.compare(password, hash); rehash old hashes at the next login.',
  },
  prefilter: (text) =>
    passwordName.test(text) &&
    (hashCall.test(text) ||
      (lookupCall.test(text) && passwordKey.test(text)) ||
      passwordComparison.test(text) ||
      (/\bwhere\b/i.test(text) && sqlPasswordColumn.test(text)) ||
      (storageCall.test(text) && passwordKey.test(text)) ||
      thisPassword.test(text) ||
      sqlPasswordWrite.test(text) ||
      passwordHelper.test(text)),
  appliesTo: (relativePath) => !testPath.test(relativePath),
  create(context) {
    let hashes: boolean | undefined;
    // The clear-text shapes are ordinary where a hook or helper hashes elsewhere: only judged in projects that never hash.
    const reportClearText = (found: ClearTextFinding | undefined) => {
      if (!found) return;
      hashes ??= projectHashesPasswords(context.project.root, context.text);
      if (hashes) return;
      context.report({
        node: found.node,
        message: `${found.message}; ${replacement(context.policy)}`,
        unfixableReason: migrationReason,
      });
    };
    return {
      ObjectExpression(node: AnyNode) {
        reportClearText(storedInClear(node, context.ancestors));
      },
      AssignmentExpression(node: AnyNode) {
        reportClearText(assignedInClear(node, context.ancestors));
      },
      CallExpression(node: AnyNode) {
        reportClearText(sqlWrittenInClear(node, context.ancestors));
        // Handles: crypto.createHash('md5').update(password).digest('hex')
        if (isCreateHash(node, context.ancestors)) {
          const hashed = hashedValues(node, context.ancestors).find((value) => carriesPassword(value));
          if (!hashed) return;
          const algorithm = staticValue(node.arguments[0], context.ancestors)?.value;
          context.report({
            node,
            message: `password hashed with ${typeof algorithm === 'string' ? algorithm : 'createHash'}, a fast hash without a work factor; ${replacement(context.policy)}`,
            unfixableReason: migrationReason,
          });
          return;
        }
        const name = calleeName(node) ?? '';
        // Handles: md5(password), CryptoJS.SHA256(salt + password)
        if (hashFunctionName.test(name) && carriesPassword(node.arguments[0])) {
          context.report({
            node,
            message: `password hashed with ${name}, a fast hash without a work factor; ${replacement(context.policy)}`,
            unfixableReason: migrationReason,
          });
          return;
        }
        // Handles: User.findOne({ email, password }), knex('users').where({ password }), .where('password', pw)
        if (lookupCallee.test(name)) {
          const [column, value] = node.arguments as AnyNode[];
          const byColumn =
            column?.type === 'StringLiteral' &&
            isPasswordName(column.value) &&
            value &&
            isInputPassword(value)
              ? value
              : undefined;
          const criterion =
            byColumn ?? node.arguments.map((argument: AnyNode) => passwordCriterion(argument)).find(Boolean);
          if (criterion)
            context.report({
              node: criterion,
              message: `users looked up by their typed password: passwords are stored in clear; ${replacement(context.policy)}`,
              unfixableReason: migrationReason,
            });
        }
      },
      BinaryExpression(node: AnyNode) {
        // Handles: user.password === req.body.password, password != row.pwd
        if (!['===', '==', '!==', '!='].includes(node.operator)) return;
        const { left, right } = node;
        const plain =
          (isStoredPassword(left) && isInputPassword(right) && !isStoredPassword(right)) ||
          (isStoredPassword(right) && isInputPassword(left) && !isStoredPassword(left));
        if (!plain) return reportClearText(comparedInClear(node, context.ancestors));
        context.report({
          node,
          message: `password compared in plain text: passwords are stored in clear; ${replacement(context.policy)}`,
          unfixableReason: migrationReason,
        });
      },
      'BinaryExpression:exit'(node: AnyNode) {
        // Handles: "SELECT ... WHERE name = '" + name + "' AND password = '" + password + "'"
        const parent = context.ancestors[context.ancestors.length - 1] as AnyNode | undefined;
        if (node.operator !== '+' || (parent?.type === 'BinaryExpression' && parent.operator === '+')) return;
        const parts: string[] = [];
        const flatten = (part: AnyNode) => {
          if (part.type === 'BinaryExpression' && part.operator === '+') {
            flatten(part.left);
            flatten(part.right);
          } else parts.push(part.type === 'StringLiteral' ? part.value : '${}');
        };
        flatten(node);
        if (parts.filter((part) => part !== '${}').length > 1) checkSql(node, parts.join(''), context);
      },
      StringLiteral(node: AnyNode) {
        if (node.value.length > 20) checkSql(node, node.value, context);
      },
      TemplateLiteral(node: AnyNode) {
        reportClearText(sqlTemplateWritesClear(node, context.ancestors));
        const text = node.quasis.map((quasi: AnyNode) => quasi.value.raw).join('${}');
        if (text.length > 20) checkSql(node, text, context);
      },
    };
  },
};

export default rule;

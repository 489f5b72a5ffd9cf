import type { Node } from '@babel/types';
import type { FixFunction, SourceContext, SourceRule } from '../../src/engine/rule.js';
import { isRecordInList, secretLiteral } from '../_shared/secrets/detect.js';
import { stringValue } from '../_shared/secrets/locate.js';
import { jwtKeyEnvName } from '../_shared/secrets/jwt-key.js';
import { qualifiedEnvName } from '../_shared/secrets/names.js';
import { mayHoldSecretLiteral } from '../_shared/secrets/prefilter.js';
import { isClientModule, isClientPath, isTestPath, relativeToRoot } from '../_shared/secrets/paths.js';
import { secretFiles } from './files.js';
import { packageFieldSecret } from './package-fields.js';
import { checkSecretComparison, mayCompareSecret } from './comparisons.js';
import { cipherKeyLiteral, mayUseCipherKey } from './cipher-keys.js';
import { lookupExpression, planReplacement, rotateNote } from '../_shared/secrets/replacement.js';

type AnyNode = Node & Record<string, any>;

interface Pending {
  node: AnyNode;
  message: string;
  envName: string;
  value: string;
  unfixableReason?: string;
  fix?: FixFunction;
}

function examine(node: AnyNode, context: SourceContext): Pending | undefined {
  const detected = secretLiteral(node, context.ancestors);
  if (!detected) return undefined;
  // The one key of the project's jwt.sign/verify reads JWT_SECRET, the variable the config module validates.
  const envName =
    jwtKeyEnvName(node, context.ancestors, context.file, context.project.root, context.text) ??
    qualifiedEnvName(detected.envName, context.file);
  const found = { ...detected, envName };
  const pending = { node, message: found.what, envName: found.envName, value: stringValue(node) ?? '' };
  if (found.site?.position === 'enum')
    return { ...pending, unfixableReason: 'enum members must be constants; move the secret out by hand' };
  if (isRecordInList(context.ancestors))
    return { ...pending, unfixableReason: 'one record of a list (seed data?); move the values out by hand' };
  const valueNode = found.site?.valueNode ?? node;
  const plan = planReplacement(
    found.envName,
    context.file,
    context.project,
    context.ancestors,
    Boolean(found.prefix),
  );
  if ('reason' in plan) return { ...pending, unfixableReason: plan.reason };
  const line = node.loc?.start.line ?? 1;
  return {
    ...pending,
    fix(api) {
      const { j } = api;
      const read = lookupExpression(api, plan.replacement);
      // Handles: { Authorization: 'Bearer abc...' } -> `Bearer ${process.env.API_TOKEN}`
      const lookup = found.prefix
        ? j.templateLiteral(
            [
              j.templateElement({ raw: found.prefix, cooked: found.prefix }, false),
              j.templateElement({ raw: '', cooked: '' }, true),
            ],
            [read as any],
          )
        : read;
      const path = api.pathOf(valueNode);
      // Handles: <Widget apiKey="..."/>, where an attribute value must be a string or a {expression}
      path.replace(found.site?.position === 'jsx' ? j.jsxExpressionContainer(lookup as any) : lookup);
      api.envExampleVars.add(found.envName);
      api.notes.push(rotateNote(api.file, api.project, line, found.envName));
    },
  };
}

/** Two different secrets that would read the same variable (`{ password: 'a' }`, `{ password: 'b' }`). */
function collisions(found: Pending[]): Set<string> {
  const values = new Map<string, Set<string>>();
  for (const entry of found)
    values.set(entry.envName, (values.get(entry.envName) ?? new Set()).add(entry.value));
  return new Set([...values].filter(([, set]) => set.size > 1).map(([name]) => name));
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'hardcoded-secret',
    title: 'Secrets hard-coded in source',
    description:
      'A password, token, API key or private key written in the source is readable by everyone with access to ' +
      'the repository and stays in its history forever. Secrets belong in the environment or a secret store.',
    checklist: 'secrets',
    severity: 'critical',
    cwe: [798, 259],
    fixable: true,
    hint: 'Read the value from the environment (or the config module) and rotate the secret: it is in git history.',
  },
  // Browser modules (import.meta.env) are frontend-secret's: this rule reports nothing in them.
  prefilter: (text) =>
    !text.includes('import.meta.env') &&
    (mayHoldSecretLiteral(text) ||
      /package\.json['"`]/.test(text) ||
      mayCompareSecret.test(text) ||
      mayUseCipherKey.test(text)),
  appliesTo: (path) => !isTestPath(path) && !isClientPath(path),
  textFiles: secretFiles,
  create(context) {
    let clientModule = false;
    const found: Pending[] = [];
    const keyLiterals: AnyNode[] = [];
    const check = (node: AnyNode) => {
      const pending = clientModule ? undefined : examine(node, context);
      if (pending) found.push(pending);
    };
    return {
      Program(node) {
        // Browser code: frontend-secret reports its secrets (an env lookup would not hide them there).
        clientModule = isClientModule(relativeToRoot(context.file, context.project.root), node, context.text);
      },
      StringLiteral: check,
      BinaryExpression(node) {
        if (!clientModule) checkSecretComparison(node, context);
      },
      TemplateLiteral(node) {
        if (node.expressions.length === 0) check(node);
      },
      MemberExpression(node) {
        const message = clientModule ? undefined : packageFieldSecret(node, context.ancestors);
        if (message)
          context.report({
            node,
            message,
            unfixableReason: 'read the secret from the environment (a long random value), and rotate it',
          });
      },
      CallExpression(node) {
        const literal = clientModule ? undefined : cipherKeyLiteral(node, context.ancestors);
        if (literal) keyLiterals.push(literal);
      },
      'Program:exit'() {
        // A key literal another check already reports (`const secretKey = '...'`) is one finding, not two
        for (const literal of new Set(keyLiterals))
          if (!found.some((entry) => entry.node === literal))
            found.push({
              node: literal,
              message: 'An encryption key is hard-coded (a cipher or an HMAC is keyed with it)',
              envName: 'ENCRYPTION_KEY',
              value: stringValue(literal) ?? '',
              unfixableReason:
                'read the key from the environment or a key store (the bytes of a random key), and rotate it: whoever has the repository can decrypt or forge',
            });
        const shared = collisions(found);
        for (const { node, message, envName, unfixableReason, fix } of found) {
          if (unfixableReason) context.report({ node, message, unfixableReason });
          else if (shared.has(envName))
            context.report({
              node,
              message,
              unfixableReason: `several different secrets would all read ${envName}; move them by hand`,
            });
          else context.report({ node, message, fix });
        }
      },
    };
  },
};

export default rule;

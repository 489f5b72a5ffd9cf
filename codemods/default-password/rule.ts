import type { Node } from '@babel/types';
import type { SourceContext, SourceRule } from '../../src/engine/rule.js';
import { eitherTextFile } from '../_shared/text-files.js';
import { memberPath, propertyName } from '../../src/engine/ast-utils.js';
import {
  guardedEnvDefault,
  isDefaultCredentialAt,
  isProcessEnv,
  isRecordInList,
  unwrapCast,
} from '../_shared/secrets/detect.js';
import { envRead, literalSite, stringValue } from '../_shared/secrets/locate.js';
import { envNameFor, isSecretName, qualifiedEnvName } from '../_shared/secrets/names.js';
import { isTestPath, relativeToRoot } from '../_shared/secrets/paths.js';
import {
  comparedWithDefaultCredential,
  envReadOfSecret,
  gap,
  keyFormatPrefix,
  letterEscape,
  mayHoldDefaultCredential,
  literalUnderSecretName,
  secretArgumentCallee,
  secretName,
  secretNameAssigned,
  secretWord,
  urlWithPassword,
} from '../_shared/secrets/prefilter.js';
import { lookupExpression, planReplacement, rotateNote } from '../_shared/secrets/replacement.js';
import { isDefaultCredential, knownKeyFormat, urlPassword } from '../_shared/secrets/values.js';
import { defaultPasswordFiles } from './config-files.js';
import { checkDatabaseUrl, mayHoldDefaultDatabaseUrl } from './database-url.js';
import { checkSeededCall, checkSeededRecord, maySeedAccount } from './seeded-accounts.js';
import { checkHashedLiteral, mayHashLiteral, sqlSeedFiles } from './hashed-literals.js';

type AnyNode = Node & Record<string, any>;

/** The env var read on the left of `a || b || 'x'`, the first one named like a secret (else the first). */
function envOfChain(node: AnyNode): string | undefined {
  const reads: string[] = [];
  const collect = (n: AnyNode) => {
    if (n.type === 'LogicalExpression' && (n.operator === '||' || n.operator === '??')) {
      collect(n.left);
      collect(n.right);
    } else {
      const name = envRead(unwrapCast(n));
      if (name) reads.push(name);
    }
  };
  collect(node);
  return reads.find((name) => isSecretName(name)) ?? reads[0];
}

/** Fallbacks that hold no value: `|| ''`, `|| 'none'`, `?? 'null'`. */
const noValue = /^(?:|none|null|undefined|nil|false|disabled|off|n\/a|-)$/i;
const publicPrefix = /^(?:NEXT_PUBLIC_|VITE_|REACT_APP_|EXPO_PUBLIC_|VUE_APP_|GATSBY_|NUXT_PUBLIC_|PUBLIC_)/;

function fallbackMessage(envName: string): string {
  return `process.env.${envName} falls back to a hard-coded value when the variable is missing`;
}

// Handles: process.env.JWT_SECRET || 'dev-secret', process.env.DB_PASSWORD ?? 'postgres', (process.env.X as string) || 'x'
function checkFallback(node: AnyNode, context: SourceContext): void {
  if (node.operator !== '||' && node.operator !== '??') return;
  const left = unwrapCast(node.left);
  const envName = envRead(left) ?? (left.type === 'LogicalExpression' ? envOfChain(left) : undefined);
  reportFallback(
    node,
    node.left,
    envName,
    stringValue(node.right),
    left.type === 'LogicalExpression',
    context,
  );
}

/**
 * Handles: NODE_ENV === 'production' ? process.env.SECRET : 'secret', process.env.X ? process.env.X : 'dev'. Outside
 * the branch that reads the variable, the app runs with the literal: the same fallback as `||`.
 */
function checkConditional(node: AnyNode, context: SourceContext): void {
  for (const [read, other] of [
    [node.consequent, node.alternate],
    [node.alternate, node.consequent],
  ] as AnyNode[][]) {
    const envName = envRead(unwrapCast(read));
    const fallback = stringValue(unwrapCast(other));
    if (envName === undefined || fallback === undefined) continue;
    if (onlyUnderTest(node.test, other === node.consequent)) return;
    reportFallback(node, read, envName, fallback, false, context);
    return;
  }
}

/** `NODE_ENV === 'test' ? 'test-secret' : process.env.X`: a value for the test runner, never for a deployment. */
function onlyUnderTest(test: AnyNode, literalIfTrue: boolean): boolean {
  const condition = unwrapCast(test);
  if (condition.type !== 'BinaryExpression') return false;
  const equal = condition.operator === '===' || condition.operator === '==';
  if (!equal && condition.operator !== '!==' && condition.operator !== '!=') return false;
  const compared = [condition.left, condition.right].map((side: AnyNode) => stringValue(side));
  return (
    compared.some((value) => value !== undefined && /^test(?:ing)?$/i.test(value)) && equal === literalIfTrue
  );
}

function reportFallback(
  node: AnyNode,
  read: AnyNode,
  envName: string | undefined,
  fallback: string | undefined,
  chain: boolean,
  context: SourceContext,
): void {
  if (fallback === undefined || noValue.test(fallback.trim())) return;
  // NEXT_PUBLIC_, VITE_ ...: public by definition (frontend-secret judges their names)
  if (!envName || publicPrefix.test(envName)) return;
  const target = literalSite(node, context.ancestors)?.name;
  // Handles: process.env.MONGODB_URL || 'mongodb://app:s3cret@db.acme.io/app' (a credential whatever the name)
  const credential = urlPassword(fallback) !== undefined || knownKeyFormat(fallback) !== undefined;
  if (!credential && !isSecretName(envName) && !isSecretName(target)) return;
  const message = fallbackMessage(envName);
  const plan = planReplacement(envName, context.file, context.project, context.ancestors);
  // Only a single `process.env.X || 'x'` becomes a setting; a chain keeps its own order of variables.
  if ('reason' in plan || (plan.replacement.kind === 'settings' && chain)) {
    context.report({
      node,
      message,
      unfixableReason:
        'reason' in plan ? plan.reason : 'several variables are tried in turn; remove the default by hand',
    });
    return;
  }
  context.report({
    node,
    message,
    fix(api) {
      const path = api.pathOf(node);
      path.replace(plan.replacement.kind === 'settings' ? lookupExpression(api, plan.replacement) : read);
      api.envExampleVars.add(envName);
      api.notes.push(
        `${envName} no longer has a default: set it in every environment (the app now needs it)`,
      );
    },
  });
}

/**
 * Files only a migration tool reads (the knex CLI loads knexfile.js; the server never imports it): a variable set
 * there to get past the app's env validation reaches no token or session, unless the file's own connection uses it.
 */
const migrationToolConfig = /(?:^|\/)knexfile\.[cm]?[jt]s$/;
const databaseCredential =
  /(?:^|_)(?:DB|DATABASE|PG|POSTGRES(?:QL)?|MYSQL|MARIADB|MONGO(?:DB)?|SQL|REDIS)(?:_|$)/i;

// Handles: if (!process.env.JWT_SECRET) process.env.JWT_SECRET = 'dev-secret'; process.env.JWT_SECRET ||= 'dev'
function checkGuardedAssignment(node: AnyNode, context: SourceContext): void {
  const envName = guardedEnvDefault(node, context.ancestors);
  const fallback = stringValue(node.right);
  if (!envName || fallback === undefined || noValue.test(fallback.trim()) || publicPrefix.test(envName))
    return;
  const credential = urlPassword(fallback) !== undefined || knownKeyFormat(fallback) !== undefined;
  if (!credential && !isSecretName(envName)) return;
  const relativePath = relativeToRoot(context.file, context.project.root);
  if (migrationToolConfig.test(relativePath) && !credential && !databaseCredential.test(envName)) return;
  context.report({
    node,
    message: fallbackMessage(envName),
    unfixableReason: `delete this default so a missing ${envName} fails at start, and set ${envName} in every environment`,
  });
}

/** `getEnv`, `env`, `readEnvVar`, `getEnvironmentString`, `envOr`: a helper named for reading one variable. */
const envHelperName =
  /^(?:get|read)?_?env(?:ironment)?(?:_?var(?:iable)?)?(?:_?(?:string|str|value|or|or_?default|with_?default))?$/i;

/** `getEnv('JWT_SECRET', 'x')`, `Env.get('APP_KEY', 'x')`, `env.str('SECRET', 'x')`: the second argument is the fallback. */
function isEnvHelperCall(node: AnyNode): boolean {
  const callee = node.callee as AnyNode;
  if (callee.type === 'Identifier') return envHelperName.test(callee.name);
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier')
    return false;
  if (envHelperName.test(callee.property.name) && callee.property.name.toLowerCase() !== 'env') return true;
  const owner = memberPath(callee.object)?.split('.').pop();
  return Boolean(
    owner && /^env(?:ironment)?$/i.test(owner) && /^(?:get|str|string|getString)$/.test(callee.property.name),
  );
}

// Handles: getEnvironmentString('JWT_SECRET', 'jwtSecretPassphrase'), a project helper over process.env[key] || default
function checkEnvHelperFallback(node: AnyNode, context: SourceContext): void {
  if (node.arguments.length < 2 || !isEnvHelperCall(node)) return;
  const envName = stringValue(node.arguments[0]);
  const fallback = stringValue(node.arguments[1]);
  if (envName === undefined || fallback === undefined || !/^[A-Z][A-Z0-9_]*$/.test(envName)) return;
  if (noValue.test(fallback.trim()) || publicPrefix.test(envName)) return;
  const credential = urlPassword(fallback) !== undefined || knownKeyFormat(fallback) !== undefined;
  if (!credential && !isSecretName(envName)) return;
  context.report({
    node,
    message: fallbackMessage(envName),
    unfixableReason: `drop the default argument so a missing ${envName} fails at start (the helper must then refuse an unset variable), and set ${envName} in every environment`,
  });
}

// Handles: const { JWT_SECRET = 'dev-secret' } = process.env
function checkDestructuringDefault(node: AnyNode, context: SourceContext): void {
  const property = context.ancestors.at(-1) as AnyNode | undefined;
  const pattern = context.ancestors.at(-2) as AnyNode | undefined;
  const declarator = context.ancestors.at(-3) as AnyNode | undefined;
  if (property?.type !== 'ObjectProperty' || property.value !== node || pattern?.type !== 'ObjectPattern')
    return;
  if (
    declarator?.type !== 'VariableDeclarator' ||
    declarator.id !== pattern ||
    !isProcessEnv(declarator.init)
  )
    return;
  const envName = propertyName(property);
  const fallback = stringValue(node.right);
  if (!envName || fallback === undefined || fallback.trim() === '' || node.left.type !== 'Identifier') return;
  if (!isSecretName(envName) && !isSecretName(node.left.name)) return;
  const message = fallbackMessage(envName);
  // Without the default the variable is string | undefined: the same type question as a replacement.
  const withoutConfig = { ...context.project, configModule: undefined };
  const plan = planReplacement(envName, context.file, withoutConfig, context.ancestors);
  if ('reason' in plan) {
    context.report({ node, message, unfixableReason: plan.reason });
    return;
  }
  context.report({
    node,
    message,
    fix(api) {
      api.pathOf(node).replace(node.left);
      api.envExampleVars.add(envName);
      api.notes.push(
        `${envName} no longer has a default: set it in every environment (the app now needs it)`,
      );
    },
  });
}

// Handles: { user: 'admin', password: 'admin' }, function connect(password = 'changeme')
function checkDefaultCredential(node: AnyNode, context: SourceContext): void {
  const value = stringValue(node);
  if (value === undefined) return;
  const site = literalSite(node, context.ancestors);
  if (!site || site.position === 'enum' || site.position === 'jsx') return;
  if (!isDefaultCredentialAt(site, value, context.ancestors)) return;
  const parent = context.ancestors.at(-1) as AnyNode;
  if (parent.type === 'LogicalExpression' || checkIsEnvDestructuring(context.ancestors)) return;
  // checkGuardedAssignment's: if (!process.env.DB_PASSWORD) process.env.DB_PASSWORD = 'postgres'
  if (parent.type === 'AssignmentExpression' && guardedEnvDefault(parent, context.ancestors.slice(0, -1)))
    return;
  const message =
    site.position === 'argument'
      ? `A guessable ${site.context} secret is hard-coded`
      : `A default credential is hard-coded in \`${site.name}\``;
  const envName = qualifiedEnvName(envNameFor(site.name, site.context), context.file);
  if (isRecordInList(context.ancestors)) {
    context.report({
      node,
      message,
      unfixableReason: 'one record of a list (seed data?); change it by hand',
    });
    return;
  }
  const plan = planReplacement(envName, context.file, context.project, context.ancestors);
  if ('reason' in plan) {
    context.report({ node, message, unfixableReason: plan.reason });
    return;
  }
  const line = node.loc?.start.line ?? 1;
  context.report({
    node,
    message,
    fix(api) {
      api.pathOf(site.valueNode).replace(lookupExpression(api, plan.replacement));
      api.envExampleVars.add(envName);
      api.notes.push(rotateNote(api.file, api.project, line, envName, 'default password'));
    },
  });
}

function checkIsEnvDestructuring(ancestors: readonly Node[]): boolean {
  const declarator = ancestors.findLast((node) => node.type === 'VariableDeclarator') as AnyNode | undefined;
  return Boolean(
    declarator && isProcessEnv(declarator.init) && ancestors.some((node) => node.type === 'ObjectPattern'),
  );
}

/** A value the client sent: `req.body.password`, `request.query.pwd`, `ctx.request.body.password`. */
const requestInput = /^(?:req|request|ctx(?:\.request)?)\.(?:body|query|params|headers)\./;

// Handles: if (password === 'admin'), if (req.body.password !== '12345'): a backdoor no env variable can close
function checkComparison(node: AnyNode, context: SourceContext): void {
  if (!['===', '==', '!==', '!='].includes(node.operator)) return;
  for (const [value, other] of [
    [node.right, node.left],
    [node.left, node.right],
  ] as AnyNode[][]) {
    const text = stringValue(value);
    const name = memberPath(other)?.split('.').pop();
    if (text === undefined || !name || !isDefaultCredential(text)) continue;
    if (!isSecretName(name) || envRead(other)) continue;
    // `config.password !== 'changeme'` is how a deployment check refuses the default; a request's password is a login
    if (node.operator.startsWith('!') && !requestInput.test(memberPath(other) ?? '')) continue;
    context.report({
      node,
      message: `\`${name}\` is compared with a default credential`,
      unfixableReason: 'compare against a bcrypt hash from your user store instead of a fixed password',
    });
    return;
  }
}

/**
 * The consequent of checkConditional's `c ? a : b`, which is the env read or the string: after the `?`, a quote or
 * the start of an env read (`process.env`, `import.meta.env`, `Bun.env`), past parentheses and `<T>` casts.
 */
const conditionalBranch = new RegExp(String.raw`\?(?:${gap}|\(|<[^<>\n]*>)*(?:['"\`]|process|import|Bun)`);
/** `||` or `??`, then a non-empty string literal (after spaces, comments, parentheses). */
const literalFallback = new RegExp(String.raw`(?:\|\||\?\?)(?:${gap}|\()*(?:'(?!')|"(?!")|\`(?!\`))`);
/** The `} = process.env` that ends checkDestructuringDefault's pattern (its init is exactly process.env). */
const patternOfProcessEnv = new RegExp(
  String.raw`\}${gap}*(?::(?:[^=;]|=>)*)?=${gap}*(?:\(${gap}*)*process${gap}*\.${gap}*env(?![\w$])`,
);

/** checkEnvHelperFallback: `env('JWT_SECRET', '...'`, `getEnvironmentString("DB_PASSWORD", "...`. */
const envHelperWithFallback = new RegExp(
  String.raw`env\w*(?:${gap}*\.${gap}*\w+)?${gap}*\(${gap}*['"\`][A-Z0-9_]*(?:SECRET|PASS|PWD|TOKEN|KEY)[A-Z0-9_]*['"\`]${gap}*,${gap}*['"\`]`,
  'i',
);

/** checkGuardedAssignment: `env.X = '...'`, `env['X'] ||= "..."`. */
const envAssignedLiteral = new RegExp(
  String.raw`env${gap}*(?:\.${gap}*[\w$]+|\[${gap}*['"\`][^'"\`\n]+['"\`]${gap}*\])${gap}*(?:\|\||\?\?)?=(?![=>])(?:${gap}|\()*['"\`]`,
);

/**
 * checkFallback and checkConditional: an env read, a string fallback, and a secret's name (of the variable read or of what stores the
 * expression, `jwt.sign(payload, process.env.X || 'dev')` included) or a credential as the value. checkDestructuringDefault: a literal under a secret's name in a
 * pattern destructuring process.env.
 */
function mayFallBackToLiteral(text: string): boolean {
  // getEnvironmentString('JWT_SECRET', 'x') needs no `env` word of its own
  if (envHelperWithFallback.test(text)) return true;
  if (!/\benv\b/.test(text)) return false;
  if (
    (literalFallback.test(text) || conditionalBranch.test(text)) &&
    (envReadOfSecret.test(text) ||
      secretNameAssigned.test(text) ||
      secretArgumentCallee.test(text) ||
      urlWithPassword.test(text) ||
      keyFormatPrefix.test(text))
  )
    return true;
  if (envAssignedLiteral.test(text) && envReadOfSecret.test(text)) return true;
  return patternOfProcessEnv.test(text) && literalUnderSecretName.test(text);
}

/** checkComparison: `password === 'admin'` (or `!==`), with a secret's name on the other side. */
function mayCompareWithDefault(text: string): boolean {
  return comparedWithDefaultCredential.test(text) && secretWord.test(text) && secretName.test(text);
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'default-password',
    title: 'Default passwords and hard-coded fallbacks for secrets',
    description:
      'A fallback such as `process.env.JWT_SECRET || "dev-secret"` silently runs production with a value everyone ' +
      'can read in the repository when the variable is missing; default credentials (admin/admin, changeme) are ' +
      'the first thing attackers try.',
    checklist: 'secrets',
    severity: 'high',
    cwe: [1392, 798],
    fixable: true,
    hint: 'Remove the fallback so a missing variable fails at start, and set the variable in every environment.',
  },
  prefilter: (text) =>
    mayHoldDefaultCredential(text) ||
    mayFallBackToLiteral(text) ||
    mayCompareWithDefault(text) ||
    mayHoldDefaultDatabaseUrl(text) ||
    maySeedAccount(text) ||
    mayHashLiteral.test(text) ||
    letterEscape.test(text),
  appliesTo: (path) => !isTestPath(path),
  textFiles: eitherTextFile(defaultPasswordFiles, sqlSeedFiles),
  create(context) {
    return {
      LogicalExpression: (node) => checkFallback(node, context),
      ConditionalExpression: (node) => checkConditional(node, context),
      AssignmentPattern: (node) => checkDestructuringDefault(node, context),
      AssignmentExpression: (node) => checkGuardedAssignment(node, context),
      CallExpression: (node) => {
        checkEnvHelperFallback(node, context);
        checkSeededCall(node, context);
        checkHashedLiteral(node, context);
      },
      ObjectExpression: (node) => checkSeededRecord(node, context),
      StringLiteral: (node) => {
        checkDefaultCredential(node, context);
        checkDatabaseUrl(node, context);
      },
      TemplateLiteral: (node) => checkDatabaseUrl(node, context),
      BinaryExpression: (node) => checkComparison(node, context),
    };
  },
};

export default rule;

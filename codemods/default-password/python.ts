import type { SgNode } from '@ast-grep/napi';
import type { PythonContext, PythonDetector } from '../../src/engine/languages/python-detector.js';
import { isSecretName, secretKind } from '../_shared/secrets/names.js';
import { defaultCredentialAnywhere, secretName, secretWord } from '../_shared/secrets/prefilter.js';
import {
  isDefaultCredential,
  isPlaceholder,
  knownKeyFormat,
  urlPassword,
} from '../_shared/secrets/values.js';
import {
  assignmentPosition,
  envFallbacks,
  isSigningKeyName,
  literalSites,
  noValue,
  storedUnder,
  type EnvFallback,
} from '../_shared/python/secrets.js';
import { importTimeSetting, isSettingUsed, unusedSettingReason } from '../_shared/python/settings-use.js';
import { dummyName, hashesPassword, isChosenPassword, mayHashLiteral } from './hashed-literals.js';
import { relativeToRoot } from '../_shared/secrets/paths.js';
import {
  calleeName,
  dottedName,
  isPythonTestPath,
  positionalArguments,
  reportOf,
  stringValue,
} from '../_shared/python/syntax.js';

/** Said once the default is gone: the app now needs the variable wherever it runs. */
function requiredNote(context: PythonContext, node: SgNode, envName: string): string {
  const where = `${relativeToRoot(context.file, context.project.root)}:${node.range().start.line + 1}`;
  return `${where}: ${envName} has no default any more; set it wherever the app runs (it stops without it), and rotate the value if the old default was ever used`;
}

// Handles: os.getenv("JWT_SECRET", "dev-secret"), os.environ.get("SECRET_KEY") or "x", config("DB_PASSWORD", default="x")
function checkFallback(found: EnvFallback, context: PythonContext): void {
  const fallback = stringValue(found.fallback);
  if (fallback === undefined || noValue.test(fallback.trim())) return;
  const credential = urlPassword(fallback) !== undefined || knownKeyFormat(fallback) !== undefined;
  if (!credential && !isSecretName(found.envName) && !isSecretName(storedUnder(found.node))) return;
  const message = `Environment variable ${found.envName} falls back to a hard-coded value when it is missing`;
  const setting = importTimeSetting(found.node);
  const remedy =
    setting && !isSettingUsed(setting, context)
      ? { unfixableReason: unusedSettingReason(setting, found.envName) }
      : found.required
        ? { fix: [found.required], note: requiredNote(context, found.node, found.envName) }
        : {
            unfixableReason: `read it with os.environ["${found.envName}"] (import os) so a missing variable fails`,
          };
  context.report(reportOf(context, found.node, message, remedy));
}

/** `SECRET_KEY: str = "changethis"`: the annotation stays, the default goes, pydantic then requires the variable. */
function checkSettingsDefault(assignment: SgNode, name: string, value: SgNode, context: PythonContext): void {
  const literal = stringValue(value) ?? '';
  if (noValue.test(literal.trim())) return;
  const type = assignment.field('type');
  const message = `Settings field \`${name}\` has a hard-coded default, used whenever the variable is missing`;
  if (!type) {
    context.report(
      reportOf(context, value, message, {
        unfixableReason: `declare it \`${name}: str\` without a default so pydantic requires it`,
      }),
    );
    return;
  }
  const setting = importTimeSetting(value);
  context.report(
    reportOf(
      context,
      value,
      message,
      setting && !isSettingUsed(setting, context)
        ? { unfixableReason: unusedSettingReason(setting, name) }
        : {
            fix: [{ start: type.range().end.index, end: value.range().end.index, text: '' }],
            note: requiredNote(context, value, name),
          },
    ),
  );
}

// Handles: class Settings(BaseSettings): SECRET_KEY: str = Field("dev", ...) / Field(default="dev")
function checkSettingsFieldCall(assignment: SgNode, name: string, context: PythonContext): void {
  const right = assignment.field('right');
  if (right?.kind() !== 'call' || !/(?:^|\.)Field$/.test(dottedName(right.field('function')) ?? '')) return;
  const list = right.field('arguments');
  const first = list?.namedChildren().find((child) => child.kind() !== 'comment');
  const literal =
    first && first.kind() !== 'keyword_argument'
      ? first
      : list
          ?.namedChildren()
          .find((child) => child.kind() === 'keyword_argument' && child.field('name')?.text() === 'default')
          ?.field('value');
  const value = stringValue(literal);
  if (!literal || value === undefined || noValue.test(value.trim())) return;
  context.report(
    reportOf(
      context,
      literal,
      `Settings field \`${name}\` has a hard-coded default, used whenever the variable is missing`,
      {
        unfixableReason:
          'remove the default from Field(...) (use Field(...) or no default) so pydantic requires it',
      },
    ),
  );
}

// Handles: password = "admin", connect(password="changeme"), {"password": "root"}
function checkDefaultCredentials(context: PythonContext): void {
  for (const site of literalSites(context.root)) {
    if (site.position === 'settings-field') continue;
    const value = stringValue(site.value) ?? '';
    if (!isDefaultCredential(value) || !(isSecretName(site.name) || isSigningKeyName(site.name))) continue;
    // `{"password": "password"}`, `PASSWORD = "password"`: a field or form name, not a credential
    if (site.name.toLowerCase().replace(/[^a-z0-9]/g, '') === value.toLowerCase().replace(/[^a-z0-9]/g, ''))
      continue;
    context.report(
      reportOf(context, site.value, `A default credential is hard-coded in \`${site.name}\``, {
        unfixableReason: 'read it from settings (an environment variable without a default) and rotate it',
      }),
    );
  }
}

/** Functions that create an account: `register_user`, `create_admin`, `add_user`, `seed_users`. */
const createsAccount =
  /(?:create|register|add|seed|new|make|insert)_?\w*(?:user|admin|account|member|staff)/i;

// Handles: User.register_user("admin", "pass1", "admin@mail.com", True) with def register_user(username, password, ...)
function checkSeededAccounts(context: PythonContext): void {
  const definitions = new Map<string, string[]>();
  for (const definition of context.root.findAll({ rule: { kind: 'function_definition' } })) {
    const name = definition.field('name')?.text();
    if (!name || !createsAccount.test(name)) continue;
    const parameters = definition
      .field('parameters')
      ?.namedChildren()
      .map((parameter) =>
        parameter.kind() === 'identifier' ? parameter.text() : parameter.field('name')?.text(),
      )
      .filter(
        (parameter): parameter is string =>
          parameter !== undefined && parameter !== 'self' && parameter !== 'cls',
      );
    if (parameters) definitions.set(name, parameters);
  }
  if (definitions.size === 0) return;
  for (const call of context.root.findAll({ rule: { kind: 'call' } })) {
    const parameters = definitions.get(calleeName(call)?.split('.').at(-1) ?? '');
    if (!parameters) continue;
    positionalArguments(call).forEach((argument, index) => {
      const value = stringValue(argument);
      const parameter = parameters[index];
      if (value === undefined || !parameter || secretKind(parameter) !== 'password') return;
      if (noValue.test(value.trim()) || isPlaceholder(value)) return;
      context.report(
        reportOf(context, argument, `An account is created with the fixed password in \`${parameter}\``, {
          unfixableReason:
            'read the first password from settings (an environment variable without a default), or generate one and show it once',
        }),
      );
    });
  }
}

// Handles: if password == "admin": a backdoor no variable can close
function checkComparisons(context: PythonContext): void {
  for (const comparison of context.root.findAll({ rule: { kind: 'comparison_operator' } })) {
    const operands = comparison.namedChildren();
    if (operands.length !== 2 || !/==/.test(comparison.text())) continue;
    for (const [literal, other] of [operands, [...operands].reverse()]) {
      const value = stringValue(literal);
      const name = dottedName(other)?.split('.').at(-1);
      if (value === undefined || !name || !isDefaultCredential(value) || !isSecretName(name)) continue;
      context.report(
        reportOf(context, comparison, `\`${name}\` is compared with a default credential`, {
          unfixableReason: 'compare against a bcrypt hash from your user store instead of a fixed password',
        }),
      );
      break;
    }
  }
}

// Handles: User(password_hash=get_password_hash("admin123")), generate_password_hash("changeme"), bcrypt.hashpw(b"x", salt)
function checkHashedLiterals(context: PythonContext): void {
  for (const call of context.root.findAll({ rule: { kind: 'call' } })) {
    const path = calleeName(call);
    if (!path || !hashesPassword(path)) continue;
    const value = stringValue(positionalArguments(call)[0]);
    if (value === undefined || !isChosenPassword(value)) continue;
    // DUMMY_HASH = pwd_context.hash("x"): verified against for unknown users, so a miss costs as much as a hit
    const assignment = call.parent();
    const target = assignment?.kind() === 'assignment' ? dottedName(assignment.field('left')) : undefined;
    if (target && dummyName.test(target)) continue;
    context.report(
      reportOf(
        context,
        positionalArguments(call)[0],
        `\`${path}\` hashes a password written in the code: every install has an account with that known password`,
        {
          unfixableReason:
            'seed the account with a password from settings (no default), or none and a reset at first login',
        },
      ),
    );
  }
}

const detector: PythonDetector = {
  prefilter: (text) =>
    /getenv|environ|Settings|decouple|Config\s*\(/.test(text) ||
    (defaultCredentialAnywhere.test(text) && secretWord.test(text) && secretName.test(text)) ||
    mayHashLiteral.test(text),
  check(context) {
    if (isPythonTestPath(context)) return;
    for (const found of envFallbacks(context.root)) checkFallback(found, context);
    for (const site of literalSites(context.root)) {
      if (site.position !== 'settings-field' || !site.assignment || !isSecretName(site.name)) continue;
      checkSettingsDefault(site.assignment, site.name, site.value, context);
    }
    for (const assignment of context.root.findAll({ rule: { kind: 'assignment' } })) {
      const name = dottedName(assignment.field('left'));
      if (!name || !isSecretName(name) || assignmentPosition(assignment) !== 'settings-field') continue;
      checkSettingsFieldCall(assignment, name, context);
    }
    checkDefaultCredentials(context);
    checkComparisons(context);
    checkSeededAccounts(context);
    checkHashedLiterals(context);
  },
};

export default detector;

import type { SgNode } from '@ast-grep/napi';
import type { PythonContext } from '../../src/engine/languages/python-detector.js';
import { secretKind } from '../_shared/secrets/names.js';
import { projectHashesPasswords } from '../_shared/python/project.js';
import { calleeName, positionalArguments, reportOf, stringValue, unwrap } from '../_shared/python/syntax.js';

/**
 * Passwords kept in clear, in a project that never calls a slow hash (the JS rule's clear-text check, for Python):
 * a user record's password set from a password read, a login that compares it with `==`, and a lookup by password.
 * Literals are default-password's; a password handed to a hash call is the digest checks'.
 */

/** Objects that hold what a client sent, not a stored record: `request.form.password`, `data["password"]`. */
const inputHolder =
  /^(?:request|req|form|data|body|payload|args|json|params|creds|credentials|content|request_data)$/i;
/** Objects and classes that are user records: `user.password`, `self.password` inside `class User(db.Model)`. */
const userRecord =
  /user|account|member|customer|admin|staff|person|profile|client|employee|owner|player|student/i;

const isPasswordName = (name: string | undefined) => secretKind(name ?? '') === 'password';

/**
 * A bare password read: `password`, `form.password.data`, `data["password"]`, `request_data.get("password")`; not a
 * literal and not a call that transforms it (`hash(password)`).
 */
function readsPassword(node: SgNode | null | undefined): boolean {
  if (!node) return false;
  const value = unwrap(node);
  switch (value.kind()) {
    case 'identifier':
      return isPasswordName(value.text());
    case 'attribute': {
      const attribute = value.field('attribute')?.text();
      // form.password.data: the field's value
      if (attribute === 'data') return readsPassword(value.field('object'));
      return isPasswordName(attribute);
    }
    case 'subscript':
      return isPasswordName(stringValue(value.field('subscript')));
    case 'call':
      return (
        /\.get$/.test(calleeName(value) ?? '') && isPasswordName(stringValue(positionalArguments(value)[0]))
      );
    default:
      return false;
  }
}

/** `user.password` / `self.password` of a user record: the attribute's object and, for `self`, its class. */
function storedPassword(target: SgNode | null | undefined): boolean {
  if (target?.kind() !== 'attribute' || !isPasswordName(target.field('attribute')?.text())) return false;
  const object = target.field('object');
  if (object?.kind() !== 'identifier' || inputHolder.test(object.text())) return false;
  if (object.text() !== 'self') return userRecord.test(object.text());
  const owner = target.ancestors().find((ancestor) => ancestor.kind() === 'class_definition');
  return userRecord.test(owner?.field('name')?.text() ?? '');
}

const lookups = /\.(?:filter_by|filter|get|get_or_none|find_one|find|first)$/;

/** Bases of a stored model: SQLAlchemy's `Base`/`db.Model`, SQLModel, Django's `models.Model`, Beanie/Mongo `Document`. */
const modelBase = /^(?:\w+\.)?(?:Base|Model|SQLModel|Document|DeclarativeBase)$/;

/** The user-record model classes of the file that take their columns as keywords: `class User(Base, TimestampMixin)`. */
function userModels(context: PythonContext): Set<string> {
  const names = new Set<string>();
  for (const definition of context.root.findAll({ rule: { kind: 'class_definition' } })) {
    const name = definition.field('name')?.text() ?? '';
    const bases = definition.field('superclasses')?.namedChildren() ?? [];
    // A model with its own __init__ is judged there (`self.password = password`): one finding per model
    const ownInit = definition
      .field('body')
      ?.findAll({ rule: { kind: 'function_definition' } })
      .some((method) => method.field('name')?.text() === '__init__');
    if (userRecord.test(name) && !ownInit && bases.some((base) => modelBase.test(base.text())))
      names.add(name);
  }
  return names;
}

/** `User(email=email, password=password)`, or `cls(..., password=password)` inside such a model's classmethod. */
function constructsUser(call: SgNode, models: Set<string>): boolean {
  const callee = calleeName(call) ?? '';
  if (models.has(callee)) return true;
  if (callee !== 'cls') return false;
  const owner = call.ancestors().find((ancestor) => ancestor.kind() === 'class_definition');
  return models.has(owner?.field('name')?.text() ?? '');
}

export function checkClearText(context: PythonContext, message: string, reason: string): void {
  if (projectHashesPasswords(context.project.root, context.text)) return;
  const report = (node: SgNode, what: string) =>
    context.report(reportOf(context, node, `${what}: ${message}`, { unfixableReason: reason }));
  // Handles: self.password = password (class User), user.password = request_data.get("password")
  for (const assignment of context.root.findAll({ rule: { kind: 'assignment' } }))
    if (storedPassword(assignment.field('left')) && readsPassword(assignment.field('right')))
      report(assignment, 'the password is stored as given, in clear');
  // Handles: if user and request_data.get("password") == user.password:
  for (const comparison of context.root.findAll({ rule: { kind: 'comparison_operator' } })) {
    const operands = comparison.namedChildren();
    if (operands.length !== 2 || !/^[^=!<>]*==/.test(comparison.text().slice(operands[0].text().length)))
      continue;
    const [left, right] = operands;
    if ((storedPassword(left) && readsPassword(right)) || (storedPassword(right) && readsPassword(left)))
      report(comparison, 'the password is compared in clear');
  }
  const models = userModels(context);
  // Handles: User.query.filter_by(username=username, password=password).first()
  for (const call of context.root.findAll({ rule: { kind: 'call' } })) {
    // Handles: return cls(email=email, password=password, ...) in class User(Base)
    if (models.size > 0 && constructsUser(call, models)) {
      const stored = call
        .field('arguments')
        ?.namedChildren()
        .find((child) => child.kind() === 'keyword_argument' && isPasswordName(child.field('name')?.text()));
      if (stored && readsPassword(stored.field('value')))
        report(stored, 'the user record is created with the password as given, in clear');
      continue;
    }
    if (!lookups.test(calleeName(call) ?? '')) continue;
    const argument = call
      .field('arguments')
      ?.namedChildren()
      .find((child) => child.kind() === 'keyword_argument' && isPasswordName(child.field('name')?.text()));
    if (argument && readsPassword(argument.field('value')))
      report(call, 'users are looked up by their clear-text password');
  }
}

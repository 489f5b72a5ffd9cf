import type { SgNode } from '@ast-grep/napi';
import type { PythonContext } from '../../../src/engine/languages/python-detector.js';
import { resolve } from 'node:path';
import { pythonSources } from './project.js';
import { isSigningKeyName } from './secrets.js';
import { isPythonTestFile } from './syntax.js';

/**
 * A setting read when its module is imported: `X = config("X", default="d")` in a class body (pydantic settings,
 * starlette's Config, decouple) or at module level. Taking its default out makes the import itself fail when the
 * variable is missing, so the fix is worth it only when the app uses the value; a setting nothing reads (a
 * `MySQLSettings` class left in a PostgreSQL app) would stop every start for no gain.
 */
export interface ImportTimeSetting {
  name: string;
  /** The statement `name = ...` (or `name: type = ...`). */
  assignment: SgNode;
  /** The class body or module it runs in. */
  scope: SgNode;
}

/** Flask's `from_object` and Django's settings read every upper-case name by itself: a name need not appear. */
const frameworkReadsConfig =
  /\.from_(?:object|pyfile|envvar|prefixed_env)\s*\(|DJANGO_SETTINGS_MODULE|\bfrom django\b|settings\.configure\s*\(/;

/** The binding `value` is stored in when it runs at import; undefined inside a function (read when called). */
export function importTimeSetting(value: SgNode): ImportTimeSetting | undefined {
  const assignment = value.parent();
  if (assignment?.kind() !== 'assignment' || assignment.field('right')?.id() !== value.id()) return undefined;
  const left = assignment.field('left');
  if (left?.kind() !== 'identifier') return undefined;
  let scope: SgNode | undefined;
  for (const ancestor of assignment.ancestors()) {
    const kind = ancestor.kind();
    if (kind === 'function_definition' || kind === 'lambda') return undefined;
    if (!scope && (kind === 'class_definition' || kind === 'module')) scope = ancestor;
  }
  return scope ? { name: left.text(), assignment, scope } : undefined;
}

const mentions = (text: string, name: string): boolean =>
  new RegExp(`\\b${name.replace(/[^A-Za-z0-9_]/g, '')}\\b`).test(text);

/** The statement directly in `scope` that assigns the identifier `node` is part of, and its name. */
function siblingBinding(node: SgNode, scope: SgNode): string | undefined {
  const assignment = node.ancestors().find((ancestor) => ancestor.kind() === 'assignment');
  const statement = assignment?.parent();
  const body = statement?.parent();
  const owner = scope.kind() === 'module' ? scope : scope.field('body');
  if (!assignment || statement?.kind() !== 'expression_statement' || body?.id() !== owner?.id())
    return undefined;
  const left = assignment.field('left');
  return left?.kind() === 'identifier' ? left.text() : undefined;
}

/**
 * Whether anything reads the setting: another module of the project, tests aside, names it
 * (`settings.ADMIN_PASSWORD`), code of this file outside its own scope does, or a sibling that is itself used is
 * built from it (`POSTGRES_URI = f"...{POSTGRES_PASSWORD}..."`). Signing keys, and every name in a Flask or Django
 * project, count as read.
 */
export function isSettingUsed(setting: ImportTimeSetting, context: PythonContext): boolean {
  // SECRET_KEY, JWT_SECRET_KEY: frameworks and their extensions read these by name from the config they are given.
  if (isSigningKeyName(setting.name)) return true;
  const file = resolve(context.file);
  // A value only tests read is not the app's: requiring it would stop the app for the tests' sake.
  const others = pythonSources(context.project.root).filter(
    (source) => resolve(source.path) !== file && !isPythonTestFile(source.path, context.project.root),
  );
  if (
    others.some((source) => frameworkReadsConfig.test(source.text)) ||
    frameworkReadsConfig.test(context.text)
  )
    return true;
  const root = setting.scope.kind() === 'module' ? setting.scope : setting.scope.getRoot().root();
  const visit = (name: string, seen: Set<string>): boolean => {
    if (seen.has(name)) return false;
    seen.add(name);
    if (others.some((source) => mentions(source.text, name))) return true;
    for (const identifier of root.findAll({ rule: { kind: 'identifier', regex: `^${name}$` } })) {
      const parent = identifier.parent();
      if (parent?.kind() === 'keyword_argument' && parent.field('name')?.id() === identifier.id()) continue;
      if (parent?.kind() === 'assignment' && parent.field('left')?.id() === identifier.id()) continue;
      const inScope = identifier.ancestors().some((ancestor) => ancestor.id() === setting.scope.id());
      const sibling = inScope ? siblingBinding(identifier, setting.scope) : undefined;
      if (sibling === name) continue;
      if (sibling === undefined || visit(sibling, seen)) return true;
    }
    return false;
  };
  return visit(setting.name, new Set());
}

/** The reason a default stays: the app reads the setting nowhere, so requiring it would only stop the app starting. */
export function unusedSettingReason(setting: ImportTimeSetting, envName: string): string {
  return `nothing in the project reads \`${setting.name}\`, and it is read when the module is imported: without the default every start would need ${envName}. Delete the setting (or its unused class), or take the default out by hand once the app uses it`;
}

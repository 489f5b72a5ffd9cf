import type { SgNode } from '@ast-grep/napi';
import type { TextEdit } from '../../../src/engine/rule.js';
import { minimumLength } from '../secrets/detect.js';
import { envNameFor, secretKind } from '../secrets/names.js';
import {
  isDefaultCredential,
  isNonSecretShape,
  isPlaceholder,
  knownKeyFormat,
  urlPassword,
} from '../secrets/values.js';
import {
  baseNames,
  calleeName,
  dottedName,
  enclosing,
  importedNames,
  positionalArguments,
  resolveName,
  keywordArgument,
  stringValue,
  unwrap,
} from './syntax.js';

/**
 * Where Python code stores a literal under a name: an assignment (`SECRET_KEY = "..."`, `SECRET_KEY: str = "..."`),
 * a keyword argument (`connect(password="...")`) or a dict entry (`{"password": "..."}`). Settings-class defaults
 * and env fallbacks are default-password's; the other sites are hardcoded-secret's.
 */
export interface PythonSite {
  name: string;
  value: SgNode;
  position: 'module' | 'settings-field' | 'class' | 'function' | 'parameter' | 'keyword' | 'dict';
  /** For an assignment: the statement. */
  assignment?: SgNode;
  /** The call of a keyword argument. */
  call?: SgNode;
}

/** pydantic-settings (`BaseSettings`) or a class built on the project's own `Settings`. */
export function isSettingsClass(classNode: SgNode): boolean {
  return baseNames(classNode).some((base) => /(?:^|\.)(?:Base)?Settings$/.test(base));
}

export function assignmentPosition(assignment: SgNode): PythonSite['position'] {
  const owner = assignment
    .ancestors()
    .find((ancestor) =>
      ['class_definition', 'function_definition', 'lambda'].includes(String(ancestor.kind())),
    );
  if (!owner) return 'module';
  if (owner.kind() !== 'class_definition') return 'function';
  return isSettingsClass(owner) ? 'settings-field' : 'class';
}

/**
 * The name a value is stored under: `SECRET_KEY = ...`, `app.secret_key = ...`, and a mapping entry with a literal
 * key, `app.config["SECRET_KEY"] = ...` (Flask's config, a settings dict).
 */
function assignedName(left: SgNode | null): string | undefined {
  if (left?.kind() === 'subscript') return stringValue(left.field('subscript'));
  return dottedName(left)?.split('.').at(-1);
}

/** Every named site whose value is one string literal (a computed value is read at run time: not a literal). */
export function literalSites(root: SgNode): PythonSite[] {
  const sites: PythonSite[] = [];
  for (const assignment of root.findAll({ rule: { kind: 'assignment' } })) {
    const right = assignment.field('right');
    const name = assignedName(assignment.field('left'));
    if (!right || !name || stringValue(right) === undefined) continue;
    sites.push({ name, value: unwrap(right), position: assignmentPosition(assignment), assignment });
  }
  for (const argument of root.findAll({ rule: { kind: 'keyword_argument' } })) {
    const value = argument.field('value');
    const name = argument.field('name')?.text();
    const call = argument.parent()?.parent();
    if (!value || !name || stringValue(value) === undefined || call?.kind() !== 'call') continue;
    sites.push({ name, value: unwrap(value), position: 'keyword', call });
  }
  for (const parameter of root.findAll({
    rule: { any: [{ kind: 'default_parameter' }, { kind: 'typed_default_parameter' }] },
  })) {
    const name = parameter.field('name')?.text();
    const value = parameter.field('value');
    if (!value || !name || stringValue(value) === undefined) continue;
    sites.push({ name, value: unwrap(value), position: 'parameter' });
  }
  for (const pair of root.findAll({ rule: { kind: 'pair' } })) {
    const name = stringValue(pair.field('key'));
    const value = pair.field('value');
    if (!value || !name || stringValue(value) === undefined) continue;
    sites.push({ name, value: unwrap(value), position: 'dict' });
  }
  return sites;
}

/** A settings field or an env fallback that holds nothing: `= ""`, `= "none"`. */
export const noValue = /^(?:|none|null|nil|false|disabled|off|n\/a|-)$/i;

/**
 * The frameworks' session and token signing keys: `SECRET_KEY` (Flask, Django, Starlette), `app.secret_key`,
 * `JWT_SECRET_KEY`, and the app's own variants (`SECRET_KEY_HMAC`), but not a name for where the key is
 * (`SECRET_KEY_FILE`).
 */
const signingKeyName = /^(?:(?:jwt|session|flask|django|app)_?)?secret_?key(?:_[a-z0-9]+)*$/i;
const notAKeyValue = /_(?:file|path|name|env|var|len|length|header|field|url)$/i;
export const isSigningKeyName = (name: string): boolean =>
  signingKeyName.test(name) && !notAKeyValue.test(name);

/**
 * A literal under a signing key's name is the key in use, however short or odd (`'random'`, a phrase with
 * punctuation), unless it is a placeholder, a default credential (default-password's), a label, an env variable's
 * name, a path or URL, or a sentence.
 */
function signingKeyValue(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.length < 4 || isPlaceholder(trimmed) || isDefaultCredential(trimmed)) return false;
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(trimmed)) return false;
  if (/^\p{Lu}\p{Ll}+(?: \p{L}+)*[.:!?]?$/u.test(trimmed)) return false;
  if (/^(?:[a-z][a-z0-9+.-]*:\/\/|\.{0,2}\/|~\/)/i.test(trimmed)) return false;
  return !/^[A-Za-z]+(?:,? [A-Za-z']+){2,}[.!?]?$/.test(trimmed);
}

export interface SecretValue {
  /** `A password is hard-coded in \`DB_PASSWORD\``. */
  what: string;
  envName: string;
}

/**
 * A secret value under this name, as hardcoded-secret reads it: a known credential format or a password in a URL
 * whatever the name; under a secret's name anything but placeholders, labels, names and default credentials
 * (default-password's).
 */
export function secretValue(name: string, value: string): SecretValue | undefined {
  const envName = envNameFor(name);
  const format = knownKeyFormat(value);
  if (format) return { what: `${format[0].toUpperCase()}${format.slice(1)} is hard-coded`, envName };
  if (urlPassword(value) !== undefined)
    return { what: `A password is hard-coded in the URL of \`${name}\``, envName };
  if (isSigningKeyName(name))
    return signingKeyValue(value) ? { what: `A key is hard-coded in \`${name}\``, envName } : undefined;
  const kind = secretKind(name);
  if (!kind || value.trim().length < minimumLength[kind]) return undefined;
  if (isPlaceholder(value) || isNonSecretShape(value, name) || isDefaultCredential(value)) return undefined;
  // A passphrase with spaces is a secret; under other names spaces mean a message.
  if (/\s/.test(value.trim()) && kind !== 'secret') return undefined;
  return { what: `A ${kind} is hard-coded in \`${name}\``, envName };
}

/**
 * Env reads that fall back to a value: `os.getenv("X", "d")`, `os.environ.get("X", "d")`, `os.environ.get("X") or "d"`
 * (Flask's config classes), and config readers' `config("X", default="d")` (python-decouple, starlette's Config).
 */
export interface EnvFallback {
  /** The whole expression that falls back: the call, or the `... or "d"`. */
  node: SgNode;
  /** The env read. */
  call: SgNode;
  envName: string;
  fallback: SgNode;
  /** The edit that makes the variable required, when the module lets the fix write it. */
  required?: TextEdit;
}

interface EnvRead {
  envName: string;
  /** `os.getenv(...)` / `os.environ.get(...)`: how this module spells os.environ, when it can. */
  environ?: string;
  isOs: boolean;
  defaultValue?: SgNode;
}

/** Names bound at module level to a config reader: `config = Config(".env")` (starlette), `AutoConfig()` (decouple). */
function configReaders(root: SgNode, imports: Map<string, string>): Set<string> {
  const readers = new Set<string>();
  for (const [local, full] of imports) if (full === 'decouple.config') readers.add(local);
  for (const assignment of root.findAll({ rule: { kind: 'assignment' } })) {
    const right = assignment.field('right');
    const left = assignment.field('left');
    if (right?.kind() !== 'call' || left?.kind() !== 'identifier') continue;
    const name = resolveName(calleeName(right), imports);
    if (name && /^(?:starlette\.config\.Config|decouple\.(?:Config|AutoConfig))$/.test(name))
      readers.add(left.text());
  }
  return readers;
}

function envRead(call: SgNode, imports: Map<string, string>, readers: Set<string>): EnvRead | undefined {
  const callee = calleeName(call);
  if (!callee) return undefined;
  const [head, ...rest] = callee.split('.');
  const resolved = [imports.get(head) ?? head, ...rest].join('.');
  const args = positionalArguments(call);
  const envName = stringValue(args[0] ?? keywordArgument(call, 'key'));
  if (envName === undefined) return undefined;
  if (resolved === 'os.getenv' || resolved === 'os.environ.get') {
    // `os.getenv` -> `os.environ`, `environ.get` (from os import environ) -> `environ`; a bare `getenv` has no environ
    const environ =
      resolved === 'os.environ.get'
        ? callee.slice(0, -'.get'.length)
        : rest.length === 1
          ? `${head}.environ`
          : undefined;
    const defaultValue = args[1] ?? keywordArgument(call, 'default');
    return {
      envName,
      isOs: true,
      ...(environ ? { environ } : {}),
      ...(defaultValue ? { defaultValue } : {}),
    };
  }
  if (rest.length === 0 && readers.has(head)) {
    const defaultValue = keywordArgument(call, 'default');
    return { envName, isOs: false, ...(defaultValue ? { defaultValue } : {}) };
  }
  return undefined;
}

/** `, default="d"` taken out of a call: the reader then raises when the variable is missing. */
function withoutKeyword(value: SgNode): TextEdit | undefined {
  const argument = value.parent();
  if (argument?.kind() !== 'keyword_argument') return undefined;
  const comma = argument.prev();
  const before = comma?.kind() === ',' ? comma.prev() : undefined;
  if (!before || before.kind() === '(') return undefined;
  return { start: before.range().end.index, end: argument.range().end.index, text: '' };
}

export function envFallbacks(root: SgNode): EnvFallback[] {
  const imports = importedNames(root);
  const readers = configReaders(root, imports);
  const found: EnvFallback[] = [];
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    const read = envRead(call, imports, readers);
    if (!read) continue;
    const parent = call.parent();
    // Handles: os.environ.get("SECRET_KEY") or "you-will-never-guess"
    if (
      !read.defaultValue &&
      parent?.kind() === 'boolean_operator' &&
      parent.field('left')?.id() === call.id()
    ) {
      if (parent.field('operator')?.text() !== 'or') continue;
      const fallback = unwrap(parent.field('right')!);
      const required = read.environ
        ? {
            start: parent.range().start.index,
            end: parent.range().end.index,
            text: `${read.environ}["${read.envName}"]`,
          }
        : undefined;
      found.push({ node: parent, call, envName: read.envName, fallback, ...(required ? { required } : {}) });
      continue;
    }
    if (!read.defaultValue) continue;
    const fallback = unwrap(read.defaultValue);
    const required = read.isOs
      ? read.environ
        ? {
            start: call.range().start.index,
            end: call.range().end.index,
            text: `${read.environ}["${read.envName}"]`,
          }
        : undefined
      : withoutKeyword(read.defaultValue);
    found.push({ node: call, call, envName: read.envName, fallback, ...(required ? { required } : {}) });
  }
  return found;
}

/** The name an env fallback is stored under, when the call is the whole right side (`SECRET = os.getenv(...)`). */
export function storedUnder(call: SgNode): string | undefined {
  const parent = call.parent();
  if (parent?.kind() === 'assignment' && parent.field('right')?.id() === call.id())
    return dottedName(parent.field('left'))?.split('.').at(-1);
  if (parent?.kind() === 'keyword_argument') return parent.field('name')?.text();
  return undefined;
}

/** `import os` at module level (the fixes spell the read `os.environ[...]`). */
function importsOs(root: SgNode): boolean {
  return importedNames(root).get('os') === 'os';
}

/**
 * Where `import os` goes: after the module docstring, `from __future__` imports and comments at the top, before the
 * first other statement, so that everything the module did before stays in order.
 */
function importOsEdit(root: SgNode, text: string): TextEdit {
  let offset = 0;
  for (const statement of root.children()) {
    const kind = statement.kind();
    const docstring =
      kind === 'expression_statement' && offset === 0 && statement.namedChildren()[0]?.kind() === 'string';
    const future = kind === 'future_import_statement';
    if (kind !== 'comment' && !docstring && !future) break;
    offset = statement.range().end.index;
  }
  if (offset === 0) return { start: 0, end: 0, text: 'import os\n' };
  const lineEnd = text.indexOf('\n', offset);
  const at = lineEnd === -1 ? text.length : lineEnd + 1;
  return { start: at, end: at, text: lineEnd === -1 ? '\nimport os\n' : 'import os\n' };
}

/**
 * Hands out `import os` once per file: the engine applies every finding's edits of a file together, so only the
 * first fix that needs the import carries it.
 */
export function osImporter(root: SgNode, text: string): () => TextEdit[] {
  let needed = !importsOs(root);
  return () => {
    if (!needed) return [];
    needed = false;
    return [importOsEdit(root, text)];
  };
}

/** A module constant's value replaced by the env read: `SECRET_KEY = "..."` -> `SECRET_KEY = os.environ["SECRET_KEY"]`. */
export function envReadEdit(site: PythonSite, envName: string): TextEdit {
  return {
    start: site.value.range().start.index,
    end: site.value.range().end.index,
    text: `os.environ["${envName}"]`,
  };
}

/** Whether a module-level constant can be replaced by an env read without changing what else the module does. */
export function isPlainModuleConstant(site: PythonSite): boolean {
  if (site.position !== 'module' || !site.assignment) return false;
  // `A = B = "x"` or `A, B = "x", "y"`: more than one name takes the value
  const left = site.assignment.field('left');
  if (left?.kind() !== 'identifier') return false;
  const statement = site.assignment.parent();
  return (
    statement?.kind() === 'expression_statement' &&
    enclosing(site.assignment, 'function_definition') === undefined
  );
}

import { dirname, relative, resolve, sep } from 'node:path';
import type { ASTPath } from 'jscodeshift';
import type { FixApi } from '../../../src/engine/rule.js';

// recast nodes are typed loosely on purpose: the fixes build and splice them by hand
type AnyNode = any;

/** The environment variable read when the project has no generated config module. */
export const corsOriginsEnvVar = 'CORS_ORIGINS';
const settingsNames = ['settings', 'appSettings', 'secureSettings'];
const allowlistNames = ['corsOrigins', 'allowedCorsOrigins'];

/** The extension a compiled import of the config module ends with (`.js` for `.ts`, NodeNext style). */
function importExtension(configModule: string): string {
  if (/\.m[jt]s$/.test(configModule)) return '.mjs';
  if (/\.c[jt]s$/.test(configModule)) return '.cjs';
  return '.js';
}

/** `./security/config.js` for the config module as seen from `file`. */
export function configSpecifier(file: string, configModule: string): string {
  const withoutExtension = configModule.replace(/\.[cm]?[jt]sx?$/, '');
  let specifier = relative(dirname(file), withoutExtension).split(sep).join('/');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  return specifier + importExtension(configModule);
}

/** True when `specifier`, written in `file`, names the config module (with or without an extension). */
function isConfigSpecifier(specifier: unknown, file: string, configModule: string): boolean {
  if (typeof specifier !== 'string' || !specifier.startsWith('.')) return false;
  const strip = (path: string) => path.replace(/\.[cm]?[jt]sx?$/, '');
  return strip(resolve(dirname(file), specifier)) === strip(configModule);
}

function usesCommonJs(api: FixApi, program: AnyNode): boolean {
  if (/\.m[jt]s$/.test(api.file) || /\.tsx?$/.test(api.file)) return false;
  if (api.file.endsWith('.cjs')) return true;
  const hasModuleSyntax = program.body.some((statement: AnyNode) =>
    /^(Import|Export\w*)Declaration$/.test(statement.type),
  );
  if (hasModuleSyntax) return false;
  return api.project.moduleSystem === 'cjs' || /\brequire\(/.test(api.root.toSource());
}

function isRequireOf(node: AnyNode | null | undefined, api: FixApi, configModule: string): boolean {
  return (
    node?.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    node.callee.name === 'require' &&
    node.arguments.length === 1 &&
    isConfigSpecifier(node.arguments[0].value, api.file, configModule)
  );
}

/**
 * The quote most of the file's strings use, so that added code looks like the code around it; on a tie, the
 * quote of its first import. The first import alone misleads: linxlunx/my-express requires one module with
 * "..." and writes every other string with '...'. JSX attributes (double by convention) and strings holding
 * a quote (written in the other one to avoid escaping) say nothing of the file's choice.
 */
export function quoteOf(api: FixApi): string {
  const counts = { "'": 0, '"': 0 };
  const count = (path: ASTPath<AnyNode>) => {
    const { node, parent } = path as AnyNode;
    const raw: unknown = node.extra?.raw ?? node.raw;
    if (typeof node.value !== 'string' || typeof raw !== 'string') return;
    if (/['"]/.test(node.value) || parent?.node?.type === 'JSXAttribute') return;
    if (raw[0] === "'" || raw[0] === '"') counts[raw[0]] += 1;
  };
  api.root.find(api.j.StringLiteral).forEach(count);
  api.root.find(api.j.Literal).forEach(count);
  if (counts["'"] !== counts['"']) return counts["'"] > counts['"'] ? "'" : '"';
  const source = api.root.find(api.j.ImportDeclaration).paths()[0]?.node.source as AnyNode | undefined;
  const raw: string | undefined = source?.extra?.raw ?? /\brequire\((['"])/.exec(api.root.toSource())?.[1];
  return raw?.startsWith('"') ? '"' : "'";
}

/** Parses code the way the file was parsed, so that recast prints it exactly as written here. */
export function parseSnippet(api: FixApi, code: string): AnyNode[] {
  return (api.j(code).find(api.j.Program).paths()[0] as ASTPath<AnyNode>).node.body as AnyNode[];
}

/** An expression node printed as `code`. */
export function expressionFrom(api: FixApi, code: string): AnyNode {
  return parseSnippet(api, `[${code}];`)[0].expression.elements[0];
}

/** A local name from `candidates` that no identifier of the file uses yet. */
function freeName(api: FixApi, candidates: string[]): string | undefined {
  return candidates.find((name) => api.root.find(api.j.Identifier, { name }).size() === 0);
}

function isImportOrRequire(statement: AnyNode): boolean {
  if (statement.type === 'ImportDeclaration') return true;
  return (
    statement.type === 'VariableDeclaration' &&
    statement.declarations.every((declarator: AnyNode) => {
      let init = declarator.init;
      while (init?.type === 'MemberExpression') init = init.object;
      return (
        init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require'
      );
    })
  );
}

/** `require('rootpath')()`, `require('dotenv').config()`: a leading statement that sets up the process. */
function isSetupCall(statement: AnyNode): boolean {
  if (statement.type !== 'ExpressionStatement') return false;
  let node = statement.expression;
  while (node?.type === 'CallExpression' || node?.type === 'MemberExpression')
    node = node.type === 'CallExpression' ? node.callee : node.object;
  return node?.type === 'Identifier' && (node.name === 'require' || node.name === 'dotenv');
}

/**
 * A statement that loads .env into process.env: `require('dotenv').config()`, `dotenv.config()`,
 * `import 'dotenv/config'`, `require('dotenv/config')`, `const env = require('dotenv').config()`, and
 * `dotenv.load()`, config()'s alias until dotenv 7 (legacy apps still call it).
 * A read of process.env above it misses the values set in .env.
 */
export function isDotenvLoad(statement: AnyNode, text: string): boolean {
  if (statement.type === 'ImportDeclaration')
    return statement.source.value === 'dotenv/config' && !statement.specifiers?.length;
  if (typeof statement.start !== 'number' || typeof statement.end !== 'number') return false;
  const source = text.slice(statement.start, statement.end);
  return (
    /\brequire\(\s*['"]dotenv\/config['"]\s*\)/.test(source) ||
    (/\bdotenv\b/.test(source) && /\.\s*(?:config|load)\s*\(/.test(source))
  );
}

/**
 * Statements parsed from the file itself: those a fix added (a parsed snippet) carry
 * offsets into their own snippet, not into `text`.
 */
function isOwnStatement(statement: AnyNode, program: AnyNode): boolean {
  return statement.loc?.lines === program.loc?.lines;
}

/** The index of the last top-level statement that loads .env, or -1. */
export function lastDotenvLoad(program: AnyNode, text: string): number {
  return (program.body as AnyNode[]).findLastIndex(
    (statement) => isOwnStatement(statement, program) && isDotenvLoad(statement, text),
  );
}

/** The text the statements recast parsed have their offsets in (new ones have none). */
function sourceText(api: FixApi): string {
  return api.parsedText;
}

/** Whether most top-level statements of the file end with `;`: new code follows the file. */
function usesSemicolons(program: AnyNode, text: string): boolean {
  let with_ = 0;
  let without = 0;
  for (const statement of program.body as AnyNode[]) {
    if (!isOwnStatement(statement, program) || typeof statement.end !== 'number') continue;
    if (statement.type === 'FunctionDeclaration') continue;
    if (/^(Class|TS\w*(Interface|Enum|Module))Declaration$/.test(statement.type)) continue;
    if (text[statement.end - 1] === ';') with_++;
    else without++;
  }
  return with_ >= without;
}

/** A snippet written with `;`, adapted to a file that does not use them. */
function inFileStyle(program: AnyNode, text: string, code: string): string {
  return usesSemicolons(program, text) ? code : code.replace(/;$/, '');
}

/**
 * Adds a top-level statement after the file's leading imports, requires and setup calls and after its
 * dotenv load (an env read above it misses .env), and always before the top-level statement that holds
 * `user` (a `const` must be declared before it is read). The rule reports instead of fixing when the
 * two cannot both hold.
 */
function insertTopLevel(api: FixApi, program: AnyNode, code: string, user: AnyNode): void {
  const text = sourceText(api);
  const dotenvIndex = lastDotenvLoad(program, text);
  let index = 0;
  while (
    index < program.body.length &&
    (isImportOrRequire(program.body[index]) || isSetupCall(program.body[index]))
  )
    index++;
  if (dotenvIndex >= 0) index = Math.max(index, dotenvIndex + 1);
  let path: any = api.pathOf(user as any);
  while (path.parent && path.parent.node.type !== 'Program') path = path.parent;
  const userIndex = program.body.indexOf(path.node);
  if (userIndex >= 0 && userIndex < index) index = userIndex;
  program.body.splice(index, 0, parseSnippet(api, inFileStyle(program, text, code))[0]);
}

/**
 * The expression naming the `settings` object of the project's config module, importing it when the
 * file does not yet (never twice). Undefined when no safe local name is left.
 */
function settingsReference(api: FixApi, configModule: string, user: AnyNode): string | undefined {
  const { j } = api;
  const program = programNode(api);

  // Reuse: import { settings } from './security/config.js' / const { settings } = require(...)
  for (const statement of program.body as AnyNode[]) {
    if (
      statement.type === 'ImportDeclaration' &&
      isConfigSpecifier(statement.source.value, api.file, configModule)
    ) {
      for (const specifier of statement.specifiers ?? []) {
        if (
          specifier.type === 'ImportSpecifier' &&
          (specifier.imported.name ?? specifier.imported.value) === 'settings'
        )
          return specifier.local.name;
        if (specifier.type === 'ImportNamespaceSpecifier') return `${specifier.local.name}.settings`;
      }
      if (statement.importKind === 'type') continue;
      const local = freeName(api, settingsNames);
      if (!local) return undefined;
      statement.specifiers = [
        ...(statement.specifiers ?? []),
        j.importSpecifier(j.identifier('settings'), j.identifier(local)),
      ];
      return local;
    }
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations as AnyNode[]) {
        if (!isRequireOf(declarator.init, api, configModule)) continue;
        if (declarator.id.type === 'Identifier') return `${declarator.id.name}.settings`;
        if (declarator.id.type === 'ObjectPattern') {
          for (const property of declarator.id.properties as AnyNode[]) {
            if (
              property.type === 'ObjectProperty' &&
              property.key.name === 'settings' &&
              property.value.type === 'Identifier'
            )
              return property.value.name;
          }
        }
      }
    }
  }

  const local = freeName(api, settingsNames);
  if (!local) return undefined;
  const quote = quoteOf(api);
  const specifier = quote + configSpecifier(api.file, configModule) + quote;
  const code = usesCommonJs(api, program)
    ? `const { settings${local === 'settings' ? '' : `: ${local}`} } = require(${specifier});`
    : `import { settings${local === 'settings' ? '' : ` as ${local}`} } from ${specifier};`;
  insertTopLevel(api, program, code, user);
  return local;
}

function programNode(api: FixApi): AnyNode {
  return (api.root.find(api.j.Program).paths()[0] as ASTPath).node as AnyNode;
}

/** A top-level `const corsOrigins = (process.env.CORS_ORIGINS || '')...`, declared once per file (`||`, not `??`: Node before 14 cannot parse it). */
function environmentAllowlist(api: FixApi, user: AnyNode): string {
  const { j } = api;
  api.envExampleVars.add(corsOriginsEnvVar);
  const program = programNode(api);
  for (const statement of program.body as AnyNode[]) {
    if (statement.type !== 'VariableDeclaration' || statement.kind !== 'const') continue;
    for (const declarator of statement.declarations as AnyNode[]) {
      if (
        declarator.id.type === 'Identifier' &&
        allowlistNames.includes(declarator.id.name) &&
        declarator.init &&
        j(declarator.init).toSource().includes(`process.env.${corsOriginsEnvVar}`)
      )
        return declarator.id.name;
    }
  }
  const q = quoteOf(api);
  const list = `(process.env.${corsOriginsEnvVar} || ${q}${q}).split(${q},${q}).map((origin) => origin.trim()).filter(Boolean)`;
  const local = freeName(api, allowlistNames);
  if (!local) return list;
  insertTopLevel(api, program, `const ${local} = ${list};`, user);
  return local;
}

/**
 * The project's origin allowlist as an expression: `settings.corsOrigins` from the generated config
 * module when there is one, else the CORS_ORIGINS environment variable split on commas.
 */
export function allowlistCode(api: FixApi, user: AnyNode): string {
  const configModule = api.project.configModule;
  if (configModule) {
    const settings = settingsReference(api, configModule, user);
    if (settings) return `${settings}.corsOrigins`;
  }
  return environmentAllowlist(api, user);
}

/** The allowlist as an expression node. */
export function allowlistExpression(api: FixApi, user: AnyNode): AnyNode {
  return expressionFrom(api, allowlistCode(api, user));
}

/** `{ origin: <allowlist> }` as an object expression node. */
export function originOptions(api: FixApi, user: AnyNode): AnyNode {
  return expressionFrom(api, `{ origin: ${allowlistCode(api, user)} }`);
}

import type { File, Node } from '@babel/types';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { walk } from '../walk.js';

/**
 * A JavaScript file keeps the module system it loads under. An `import` declaration in a CommonJS file, or a
 * `require()` / `module.exports` in an ES module, parses and then fails when Node loads it ("Cannot use
 * import statement outside a module", "require is not defined in ES module scope"). TypeScript files are
 * left to tsc and the project's compiler, which turn one into the other.
 */

type ModuleSystem = 'esm' | 'cjs';

interface ModuleSyntax {
  /** import/export declarations. */
  esm: number;
  /** require() calls and module.exports / exports.x assignments, with `require` not declared in the file. */
  cjs: number;
  firstEsmLine?: number;
  firstCjsLine?: number;
}

function syntaxOf(file: File): ModuleSyntax {
  const syntax: ModuleSyntax = { esm: 0, cjs: 0 };
  let declaresRequire = false;
  for (const statement of file.program.body)
    if (/^(Import|Export\w*)Declaration$/.test(statement.type) && !isTypeOnly(statement)) {
      syntax.esm++;
      syntax.firstEsmLine ??= statement.loc?.start.line;
    }
  const commonJs = (node: Node) => {
    syntax.cjs++;
    syntax.firstCjsLine ??= node.loc?.start.line;
  };
  walk(
    file,
    new Map([
      [
        'CallExpression',
        [
          (node: Node) => {
            if (
              node.type === 'CallExpression' &&
              node.callee.type === 'Identifier' &&
              node.callee.name === 'require'
            )
              commonJs(node);
          },
        ],
      ],
      [
        'MemberExpression',
        [
          (node: Node) => {
            if (node.type !== 'MemberExpression' || node.object.type !== 'Identifier') return;
            const isModuleExports =
              node.object.name === 'module' &&
              node.property.type === 'Identifier' &&
              node.property.name === 'exports';
            if (isModuleExports || node.object.name === 'exports') commonJs(node);
          },
        ],
      ],
      [
        'VariableDeclarator',
        [
          (node: Node) => {
            if (
              node.type === 'VariableDeclarator' &&
              node.id.type === 'Identifier' &&
              node.id.name === 'require'
            )
              declaresRequire = true;
          },
        ],
      ],
    ]),
  );
  // `const require = createRequire(import.meta.url)`: an ES module that requires on purpose.
  if (declaresRequire) syntax.cjs = 0;
  return syntax;
}

function isTypeOnly(statement: Node): boolean {
  if (statement.type === 'ImportDeclaration') return statement.importKind === 'type';
  if (statement.type === 'ExportNamedDeclaration') return statement.exportKind === 'type';
  return false;
}

/** `type` of the nearest package.json above the file, as Node reads it for a `.js` file. */
function packageType(path: string): ModuleSystem {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module'
          ? 'esm'
          : 'cjs';
      } catch {
        return 'cjs';
      }
    }
    if (dirname(dir) === dir) return 'cjs';
  }
}

/**
 * How the file loads: its extension (.mjs, .cjs); else what it already writes (a project that runs ES syntax
 * through Babel or esm under a CommonJS package.json keeps doing so); else the package's `type`.
 */
function systemOf(path: string, before: ModuleSyntax | undefined): ModuleSystem | undefined {
  if (path.endsWith('.mjs')) return 'esm';
  if (path.endsWith('.cjs')) return 'cjs';
  if (before && before.esm > 0 && before.cjs === 0) return 'esm';
  if (before && before.cjs > 0 && before.esm === 0) return 'cjs';
  if (before && before.esm > 0) return undefined;
  const type = packageType(path);
  // A new file in a CommonJS package may be meant for a compiler that reads ES syntax: only ESM is certain.
  return before === undefined && type === 'cjs' ? undefined : type;
}

/** The reason a changed JavaScript file would not load under its module system; undefined when it would. */
export function moduleSystemProblem(path: string, before: File | undefined, after: File): string | undefined {
  if (!/\.[cm]?js$/.test(path)) return undefined;
  const old = before ? syntaxOf(before) : undefined;
  const now = syntaxOf(after);
  const system = systemOf(path, old);
  if (system === 'cjs' && now.esm > (old?.esm ?? 0))
    return `the change would put an import or export declaration on line ${now.firstEsmLine} of a CommonJS file (a SyntaxError at load): it must use require`;
  if (system === 'esm' && now.cjs > (old?.cjs ?? 0))
    return `the change would use require or module.exports on line ${now.firstCjsLine} of an ES module (a ReferenceError at load): it must use import and export`;
  return undefined;
}

import { dirname, join } from 'node:path';
import type { SgNode } from '@ast-grep/napi';
import type { PythonContext, PythonDetector } from '../../src/engine/languages/index.js';
import { pathExists, readText } from '../_shared/project/dependencies.js';
import {
  at,
  callArguments,
  dottedName,
  importedNames,
  moduleAssignedValue,
  resolvedName,
  stringValue,
} from '../../src/engine/languages/python-tree.js';

/** A pattern that lets every origin through: `.*`, `.+`, `^https?://.*$`... */
const everyOrigin = /^\^?(https?(:\/\/|\?:\/\/)?|\(https\?\|http\)|https\?:\/\/)?\.[*+]\$?$/;

/** `["*"]`, `("*",)`, `"*"`. */
function holdsWildcard(value: SgNode | undefined): boolean {
  if (!value) return false;
  if (stringValue(value) === '*') return true;
  return (
    (value.kind() === 'list' || value.kind() === 'tuple') &&
    value.namedChildren().some((item) => stringValue(item) === '*')
  );
}

const isTrue = (value: SgNode | undefined) => value?.kind() === 'true';

/** The Python file a module name imports, looked up from the importing file up to the project root. */
function moduleFile(module: string, file: string, root: string): string | undefined {
  const dots = /^\.*/.exec(module)![0].length;
  const parts = module.slice(dots).split('.').filter(Boolean);
  const candidates = (dir: string) => [join(dir, ...parts) + '.py', join(dir, ...parts, '__init__.py')];
  if (dots > 0) {
    let dir = dirname(file);
    for (let level = 1; level < dots; level++) dir = dirname(dir);
    return candidates(dir).find((path) => pathExists(path));
  }
  for (let dir = dirname(file); dir.startsWith(root); dir = dirname(dir)) {
    const found = candidates(dir).find((path) => pathExists(path));
    if (found) return found;
    if (dir === dirname(dir)) break;
  }
  return undefined;
}

/** `CORS_ORIGINS: list[str] = ...` or `def cors_origins(self) -> list[str]`: a list of strings named for origins. */
const originsField =
  /^[ \t]+(?:def[ \t]+)?(\w*origins\w*)(?:\(self\)[ \t]*->|[ \t]*:)[ \t]*(?:list|List|tuple|Tuple|Sequence)\[str(?:,[ \t]*\.\.\.)?\]/im;

/** `settings.CORS_ORIGINS` when this file imports a settings object whose class has such a field. */
function settingsOrigins(context: PythonContext, imports: ReadonlyMap<string, string>): string | undefined {
  for (const [local, imported] of imports) {
    if (!/^settings$/i.test(local)) continue;
    const module = imported.slice(0, imported.lastIndexOf('.'));
    if (!module) continue;
    const path = moduleFile(module, context.file, context.project.root);
    if (!path) continue;
    let text: string;
    try {
      text = readText(path);
    } catch {
      continue;
    }
    const field = originsField.exec(text);
    // A field whose default is the wildcard would only move the problem.
    const line = field ? text.slice(field.index, text.indexOf('\n', field.index) >>> 0) : '';
    if (field && !/["']\*["']/.test(line)) return `${local}.${field[1]}`;
  }
  return undefined;
}

const noSettings =
  'this file imports no settings object with a list[str] origins field; list the allowed origins (for example settings.CORS_ORIGINS)';

function check(context: PythonContext): void {
  const { root } = context;
  const imports = importedNames(root);
  let origins: string | undefined | null = null;
  const settings = () => (origins === null ? (origins = settingsOrigins(context, imports)) : origins);
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    const { positional, keywords, open } = callArguments(call);
    const callee = resolvedName(dottedName(call.field('function')), imports) ?? '';
    const method = dottedName(call.field('function'))?.split('.').pop();
    const middleware = (node: SgNode | undefined) =>
      /(^|\.)CORSMiddleware$/.test(resolvedName(dottedName(node ?? null), imports) ?? '');
    // Handles: app.add_middleware(CORSMiddleware, ...), Middleware(CORSMiddleware, ...), CORSMiddleware(app, ...)
    const starlette =
      ((method === 'add_middleware' || /(^|\.)Middleware$/.test(callee)) && middleware(positional[0])) ||
      /(^|\.)CORSMiddleware$/.test(callee);
    if (starlette) {
      const credentials = isTrue(keywords.get('allow_credentials'));
      const also = credentials ? ', with credentials' : '';
      const list = keywords.get('allow_origins');
      const pattern = keywords.get('allow_origin_regex');
      // Handles: origins = ["*"] above, then allow_origins=origins
      if (list && holdsWildcard(moduleAssignedValue(list, root) ?? list)) {
        const replacement = settings();
        const { start, end } = list.range();
        context.report({
          ...at(list),
          message: `CORSMiddleware allows every origin${also}: any web site can call this API from its visitors' browsers`,
          ...(replacement
            ? { fix: [{ start: start.index, end: end.index, text: replacement }] }
            : { unfixableReason: noSettings }),
        });
      }
      const regex = stringValue(pattern ?? null);
      if (pattern && regex !== undefined && everyOrigin.test(regex)) {
        const replacement = settings();
        const keyword = pattern.parent()!;
        const { start, end } = keyword.range();
        context.report({
          ...at(pattern),
          message: `allow_origin_regex="${regex}" matches every origin${also}: any web site can call this API`,
          ...(replacement && !list
            ? { fix: [{ start: start.index, end: end.index, text: `allow_origins=${replacement}` }] }
            : {
                unfixableReason: list
                  ? 'replace the pattern with the allowed origins in allow_origins'
                  : noSettings,
              }),
        });
      }
      continue;
    }
    // Handles: CORS(app) and CORS(app, origins="*") from flask_cors, whose default is every origin
    if (/^flask_cors\.CORS$/.test(callee) && !open) {
      const value = keywords.get('origins');
      if (keywords.has('resources') && !value) continue;
      if (value && !holdsWildcard(value)) continue;
      context.report({
        ...at(value ?? call),
        message: `flask_cors.CORS ${value ? 'allows' : 'defaults to'} every origin${isTrue(keywords.get('supports_credentials')) ? ', with credentials' : ''}: any web site can call this API`,
        unfixableReason: 'pass origins= with the list of allowed origins (from the settings)',
      });
    }
  }
}

export default {
  prefilter: /\bCORS(?:Middleware)?\b/,
  check,
} satisfies PythonDetector;

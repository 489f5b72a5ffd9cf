import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SgNode } from '@ast-grep/napi';
import {
  callArguments,
  dottedName,
  importedNames,
  moduleAssignedValue,
  resolvedName,
  stringValue,
} from '../../engine/languages/python-tree.js';
import { parsePython } from './parse.js';
import { projectPythonFiles } from './project.js';

/**
 * What `secure add cors` / `trusted-host` do with the CORSMiddleware / TrustedHostMiddleware an app already adds:
 * never a second one. An explicit list is the app's answer (kept); a wildcard in the entry is reconfigured in
 * place to read the settings; anything else is refused with where it is and what to do.
 */
export type ExistingMiddleware =
  | { kind: 'none' }
  | { kind: 'keep'; where: string }
  | { kind: 'refuse'; where: string; reason: string }
  | { kind: 'reconfigure'; file: string; line: number; start: number; end: number };

interface MiddlewareSpec {
  /** The class, as the end of its imported name. */
  name: string;
  /** The keyword holding the list; `*` in it lets everything through. */
  list: string;
  /** The list when the keyword is absent is the wildcard (TrustedHostMiddleware's default is ["*"]). */
  absentIsWildcard: boolean;
  /** What the reconfigured keyword reads: the settings `secure add` writes, validated at start. */
  fromSettings: string;
  variable: string;
}

export const existingMiddlewareSpecs = {
  cors: {
    name: 'CORSMiddleware',
    list: 'allow_origins',
    absentIsWildcard: false,
    fromSettings: 'get_security_settings().CORS_ORIGINS',
    variable: 'CORS_ORIGINS',
  },
  'trusted-host': {
    name: 'TrustedHostMiddleware',
    list: 'allowed_hosts',
    absentIsWildcard: true,
    fromSettings: 'get_security_settings().allowed_hosts',
    variable: 'ALLOWED_HOSTS',
  },
} as const satisfies Record<string, MiddlewareSpec>;

/** `["*"]`, `("*",)`, `"*"`. */
function holdsWildcard(value: SgNode | undefined): boolean {
  if (!value) return false;
  if (stringValue(value) === '*') return true;
  return (
    (value.kind() === 'list' || value.kind() === 'tuple') &&
    value.namedChildren().some((item) => stringValue(item) === '*')
  );
}

interface MiddlewareUse {
  file: string;
  line: number;
  list: SgNode | undefined;
  wildcard: boolean;
  /** allow_origin_regex is set: a pattern we do not rewrite. */
  regex: boolean;
}

function middlewareUses(file: string, text: string, spec: MiddlewareSpec): MiddlewareUse[] {
  const root = parsePython(text);
  const imports = importedNames(root);
  const matches = (node: SgNode | undefined) =>
    (resolvedName(dottedName(node ?? null), imports) ?? '').split('.').pop() === spec.name;
  const uses: MiddlewareUse[] = [];
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    const { positional, keywords } = callArguments(call);
    const callee = call.field('function');
    const method = dottedName(callee)?.split('.').pop();
    // Handles: app.add_middleware(CORSMiddleware, ...), Middleware(CORSMiddleware, ...), CORSMiddleware(app, ...)
    const middleware =
      ((method === 'add_middleware' ||
        /(^|\.)Middleware$/.test(resolvedName(dottedName(callee), imports) ?? '')) &&
        matches(positional[0])) ||
      matches(callee ?? undefined);
    if (!middleware) continue;
    const list = keywords.get(spec.list);
    const value = list && (moduleAssignedValue(list, root) ?? list);
    uses.push({
      file,
      line: call.range().start.line + 1,
      list,
      wildcard: list ? holdsWildcard(value) : spec.absentIsWildcard,
      regex: keywords.has('allow_origin_regex'),
    });
  }
  return uses;
}

/** The app's own CORSMiddleware or TrustedHostMiddleware, and what `secure add` may do with it. */
export function existingMiddleware(
  root: string,
  module: keyof typeof existingMiddlewareSpecs,
  entry: string,
  skipDir: string,
): ExistingMiddleware {
  const spec = existingMiddlewareSpecs[module];
  const uses: MiddlewareUse[] = [];
  for (const file of projectPythonFiles(root)) {
    if (file.startsWith(`${skipDir}/`)) continue;
    const text = readFileSync(join(root, file), 'utf8');
    if (text.includes(spec.name)) uses.push(...middlewareUses(file, text, spec));
  }
  if (uses.length === 0) return { kind: 'none' };
  const where = uses.map(({ file, line }) => `${file}:${line}`).join(', ');
  if (uses.length > 1)
    return {
      kind: 'refuse',
      where,
      reason: `several ${spec.name}: keep one, with an explicit ${spec.list} list, then run secure add ${module} again`,
    };
  const [use] = uses;
  if (use.regex)
    return {
      kind: 'refuse',
      where,
      reason:
        'allow_origin_regex is set: list the exact origins in allow_origins instead (secure check reports a pattern that matches every origin)',
    };
  if (!use.wildcard) return { kind: 'keep', where };
  // The entry imports the settings package already (install_security); another file would need its own import.
  if (use.file !== entry || !use.list)
    return {
      kind: 'refuse',
      where,
      reason: use.list
        ? `${spec.list} lets everything through, outside ${entry}: read an explicit list from your settings there`
        : `${spec.name} without ${spec.list} lets every host through: pass ${spec.list} with your host names`,
    };
  const { start, end } = use.list.range();
  return { kind: 'reconfigure', file: use.file, line: use.line, start: start.index, end: end.index };
}

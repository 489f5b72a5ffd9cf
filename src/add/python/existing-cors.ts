import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SgNode } from '@ast-grep/napi';
import {
  callArguments,
  dottedName,
  importedNames,
  resolvedName,
  stringValue,
} from '../../engine/languages/python-tree.js';
import { parsePython } from './parse.js';
import { projectPythonFiles } from './project.js';

/**
 * What `secure add cors` does with the CORSMiddleware an app already adds: never a second one. Exact origins are
 * the app's answer (kept); a wildcard in the entry is reconfigured in place to read CORS_ORIGINS;
 * anything else is refused with where it is and what to do.
 */
export type ExistingCors =
  | { kind: 'none' }
  | { kind: 'keep'; where: string }
  | { kind: 'refuse'; where: string; reason: string }
  | { kind: 'reconfigure'; file: string; line: number; start: number; end: number };

/** The value the reconfigured argument reads: the settings `secure add` writes, validated at start. */
export const corsOriginsFromSettings = 'get_security_settings().CORS_ORIGINS';

/** `["*"]`, `("*",)`, `"*"`. */
function holdsWildcard(value: SgNode | undefined): boolean {
  if (!value) return false;
  if (stringValue(value) === '*') return true;
  return (
    (value.kind() === 'list' || value.kind() === 'tuple') &&
    value.namedChildren().some((item) => stringValue(item) === '*')
  );
}

/** `origins = ["*"]` at module level, for `allow_origins=origins`: the last assignment before the use. */
function moduleValue(name: SgNode, root: SgNode): SgNode | undefined {
  if (name.kind() !== 'identifier') return undefined;
  const before = name.range().start.index;
  const assignments = root
    .children()
    .map((statement) => statement.child(0))
    .filter(
      (node): node is SgNode =>
        node?.kind() === 'assignment' &&
        node.field('left')?.text() === name.text() &&
        node.range().end.index < before,
    );
  return assignments.at(-1)?.field('right') ?? undefined;
}

interface CorsUse {
  file: string;
  line: number;
  origins: SgNode | undefined;
  wildcard: boolean;
  /** allow_origin_regex is set: a pattern we do not rewrite. */
  regex: boolean;
}

function corsUses(file: string, text: string): CorsUse[] {
  const root = parsePython(text);
  const imports = importedNames(root);
  const isCors = (node: SgNode | undefined) =>
    /(^|\.)CORSMiddleware$/.test(resolvedName(dottedName(node ?? null), imports) ?? '');
  const uses: CorsUse[] = [];
  for (const call of root.findAll({ rule: { kind: 'call' } })) {
    const { positional, keywords } = callArguments(call);
    const callee = call.field('function');
    const method = dottedName(callee)?.split('.').pop();
    // Handles: app.add_middleware(CORSMiddleware, ...), Middleware(CORSMiddleware, ...), CORSMiddleware(app, ...)
    const middleware =
      ((method === 'add_middleware' ||
        /(^|\.)Middleware$/.test(resolvedName(dottedName(callee), imports) ?? '')) &&
        isCors(positional[0])) ||
      isCors(callee ?? undefined);
    if (!middleware) continue;
    const origins = keywords.get('allow_origins');
    const value = origins && (moduleValue(origins, root) ?? origins);
    uses.push({
      file,
      line: call.range().start.line + 1,
      origins,
      wildcard: holdsWildcard(value),
      regex: keywords.has('allow_origin_regex'),
    });
  }
  return uses;
}

/** The app's own CORSMiddleware, and what `secure add cors` may do with it. */
export function existingCors(root: string, entry: string, skipDir: string): ExistingCors {
  const uses: CorsUse[] = [];
  for (const file of projectPythonFiles(root)) {
    if (file.startsWith(`${skipDir}/`)) continue;
    const text = readFileSync(join(root, file), 'utf8');
    if (/\bCORSMiddleware\b/.test(text)) uses.push(...corsUses(file, text));
  }
  if (uses.length === 0) return { kind: 'none' };
  const where = uses.map(({ file, line }) => `${file}:${line}`).join(', ');
  if (uses.length > 1)
    return {
      kind: 'refuse',
      where,
      reason:
        'several CORSMiddleware: keep one, with the exact origins allowed, then run secure add cors again',
    };
  const [use] = uses;
  if (use.regex)
    return {
      kind: 'refuse',
      where,
      reason:
        'allow_origin_regex is set: list the exact origins in allow_origins instead (secure check reports a pattern that matches every origin)',
    };
  if (!use.wildcard || !use.origins) return { kind: 'keep', where };
  // The entry imports the settings package already (install_security); another file would need its own import.
  if (use.file !== entry)
    return {
      kind: 'refuse',
      where,
      reason: `allow_origins lets every origin through, outside ${entry}: read the exact origins from your settings there (secure fix does it where a settings object has an origins list)`,
    };
  const { start, end } = use.origins.range();
  return { kind: 'reconfigure', file: use.file, line: use.line, start: start.index, end: end.index };
}

import { dirname, join } from 'node:path';
import { SecureError } from '../errors.js';
import { openSource } from '../engine/wiring/wire.js';
import { toPosix } from './detect.js';

export interface RenderedModule {
  generator: string;
  text: string;
}

/** Relative imports of a rendered module, as project paths (`src/security/http-errors.ts`). */
function relativeImports(path: string, text: string): string[] {
  return openSource(path, text)
    .getImportDeclarations()
    .map((declaration) => declaration.getModuleSpecifierValue())
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => toPosix(join(dirname(path), specifier)).replace(/\.js$/, '.ts'));
}

/** Packages a rendered module imports (`jose`, `@fastify/helmet`), Node's own modules left out. */
export function packageImports(path: string, text: string): string[] {
  return openSource(path, text)
    .getImportDeclarations()
    .filter((declaration) => !declaration.isTypeOnly())
    .map((declaration) => declaration.getModuleSpecifierValue())
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

/**
 * Every relative import of a rendered module must land on a file: one rendered now, one already in the
 * project, or a module another generator renders (taken alone, with its own imports, rather than that whole
 * generator). Otherwise the project would stop compiling, so nothing is written. Adds what it takes to
 * `rendered` and returns those paths.
 */
export async function completeImports(
  rendered: Map<string, RenderedModule>,
  exists: (path: string) => boolean,
  renderedElsewhere: (path: string) => Promise<RenderedModule | undefined>,
): Promise<string[]> {
  const taken: string[] = [];
  const queue = [...rendered.keys()].filter((path) => path.endsWith('.ts'));
  while (queue.length > 0) {
    const path = queue.shift()!;
    const { generator, text } = rendered.get(path)!;
    for (const target of relativeImports(path, text)) {
      if (rendered.has(target) || exists(target) || exists(target.replace(/\.ts$/, '.js'))) continue;
      const provider = await renderedElsewhere(target);
      if (!provider)
        throw new SecureError(
          'INTERNAL',
          `generator ${generator}: ${path} imports ${target}, which no generator writes; nothing was written`,
          { hint: 'This is a bug in create-secure-app; please report it with the command you ran.' },
        );
      rendered.set(target, provider);
      taken.push(target);
      queue.push(target);
    }
  }
  return taken;
}

/**
 * The rendered module's relative imports without their `.js` suffix, for a CommonJS project that writes
 * `./x` (ts-node resolves `./x` to x.ts, and a `.js` naming a `.ts` file may not resolve). Only the
 * specifiers change.
 */
export function withoutJsSuffix(path: string, text: string): string {
  return withImportSuffix(path, text, '');
}

/**
 * The rendered module's relative `.js` imports ending in `suffix` instead: nothing (CommonJS, above) or `.ts`
 * (a project Node runs by stripping types, which loads `./x.ts` and finds no `./x.js`).
 */
export function withImportSuffix(path: string, text: string, suffix: '' | '.ts'): string {
  const sourceFile = openSource(path, text);
  const declarations = [...sourceFile.getImportDeclarations(), ...sourceFile.getExportDeclarations()];
  const edits = declarations
    .map((declaration) => declaration.getModuleSpecifier())
    .filter((literal) => literal !== undefined)
    .filter((literal) => /^\.{1,2}\/.*\.js$/.test(literal.getLiteralValue()))
    .map((literal) => ({ end: literal.getEnd() - 1, length: '.js'.length }))
    .sort((a, b) => b.end - a.end);
  let result = text;
  for (const { end, length } of edits) result = result.slice(0, end - length) + suffix + result.slice(end);
  return result;
}

/**
 * The rendered module's `node:` imports without the prefix (`node:fs` becomes `fs`), for a project that
 * targets Node 14: Node before 14.18 resolves no `node:` specifier, and neither do @types/node before 14.18
 * nor Jest before 27. Only the specifiers change.
 */
export function withoutNodeProtocol(path: string, text: string): string {
  const sourceFile = openSource(path, text);
  const declarations = [...sourceFile.getImportDeclarations(), ...sourceFile.getExportDeclarations()];
  const starts = declarations
    .map((declaration) => declaration.getModuleSpecifier())
    .filter((literal) => literal !== undefined)
    .filter((literal) => literal.getLiteralValue().startsWith('node:'))
    // After the opening quote.
    .map((literal) => literal.getStart() + 1)
    .sort((a, b) => b - a);
  let result = text;
  for (const start of starts) result = result.slice(0, start) + result.slice(start + 'node:'.length);
  return result;
}

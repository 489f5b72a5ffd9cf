import { Node, SyntaxKind, type SourceFile, type Statement } from 'ts-morph';

/**
 * lusca bundles CSRF protection with header setters. Its header setters answer the headers concern (the policy's
 * own headers would be overridden by whichever runs last); its CSRF protection answers none of ours and stays.
 */

/** lusca's options and methods that set a response header. */
const headerSetters = new Set(['csp', 'xframe', 'p3p', 'hsts', 'xssProtection', 'nosniff', 'referrerPolicy']);

/** A line that sets a header through lusca, in any file (`lusca.xframe(`, `xssProtection: true` in lusca({...})). */
export const luscaHeaderLine = new RegExp(
  `\\blusca\\s*\\.\\s*(?:${[...headerSetters].join('|')})\\s*\\(|\\blusca\\s*\\(\\s*\\{[^}]*\\b(?:${[...headerSetters].join('|')})\\s*:`,
);

export interface LuscaHeaderUse {
  /** `lusca.xframe` or `lusca({ hsts })`. */
  label: string;
  line: number;
  /** `app.use(lusca.xframe('SAMEORIGIN'))` alone in its statement on the app: it can give way to ours. */
  statement: Statement | undefined;
}

function appUseStatement(call: Node, appName: string, container: Node): Statement | undefined {
  const use = call.getParent();
  if (!use || !Node.isCallExpression(use) || use.getArguments().length !== 1) return undefined;
  const callee = use.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'use') return undefined;
  if (callee.getExpression().getText() !== appName) return undefined;
  const statement = use.getParent();
  return statement && Node.isExpressionStatement(statement) && statement.getParent() === container
    ? statement
    : undefined;
}

/** Every header lusca sets in the file, through any of the local names bound to lusca. */
export function luscaHeaderUses(
  sourceFile: SourceFile,
  luscaNames: readonly string[],
  app: { name: string; container: Node } | undefined,
): LuscaHeaderUse[] {
  const uses: LuscaHeaderUse[] = [];
  for (const call of sourceFile.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    let label: string | undefined;
    let onlyHeaders = true;
    // Handles: lusca.xframe('SAMEORIGIN')
    if (
      Node.isPropertyAccessExpression(callee) &&
      luscaNames.includes(callee.getExpression().getText()) &&
      headerSetters.has(callee.getName())
    )
      label = `lusca.${callee.getName()}`;
    // Handles: lusca({ csrf: true, xframe: 'SAMEORIGIN', hsts: { maxAge: 31536000 } })
    if (Node.isIdentifier(callee) && luscaNames.includes(callee.getText())) {
      const [options] = call.getArguments();
      if (!options || !Node.isObjectLiteralExpression(options)) continue;
      const keys = options
        .getProperties()
        .map((property) => (Node.isPropertyNamed(property) ? property.getName() : '...'));
      const headers = keys.filter((key) => headerSetters.has(key));
      if (headers.length === 0) continue;
      label = `lusca({ ${headers.join(', ')} })`;
      onlyHeaders = headers.length === keys.length;
    }
    if (!label) continue;
    uses.push({
      label,
      line: call.getStartLineNumber(),
      statement: app && onlyHeaders ? appUseStatement(call, app.name, app.container) : undefined,
    });
  }
  return uses;
}

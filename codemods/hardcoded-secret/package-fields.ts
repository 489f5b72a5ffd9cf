import type { Node } from '@babel/types';
import { findBinding, programOf, requireSource } from '../../src/engine/ast-utils.js';
import { isLibrarySecretOption } from '../_shared/secrets/detect.js';
import { literalSite } from '../_shared/secrets/locate.js';

type AnyNode = Node & Record<string, any>;

/** Fields of package.json anyone can read: on npm, in the repository, often in a response header. */
const publicFields = new Set(['name', 'version', 'description', 'homepage', 'author', 'repository']);

/** The module `name` was imported or required from: `const pkg = require('../package.json')`, `import pkg from`. */
function sourceOf(name: string, ancestors: readonly Node[]): string | undefined {
  const binding = findBinding(name, ancestors);
  if (!binding) return undefined;
  if (binding.init) return requireSource(binding.init);
  const program = programOf(ancestors);
  const declaration = program?.body.find(
    (statement: AnyNode) =>
      statement.type === 'ImportDeclaration' && (statement.specifiers as AnyNode[]).includes(binding.node),
  ) as AnyNode | undefined;
  return declaration?.source.value;
}

/**
 * Handles: session({ secret: pkg.name }), cookieParser(pkg.name), jwt.sign(payload, pkg.version): a secret taken
 * from package.json is a public constant. Returns what the finding says.
 */
export function packageFieldSecret(node: AnyNode, ancestors: readonly Node[]): string | undefined {
  if (node.computed || node.object.type !== 'Identifier' || node.property.type !== 'Identifier')
    return undefined;
  if (!publicFields.has(node.property.name)) return undefined;
  const source = sourceOf(node.object.name, ancestors);
  if (!source || !/(?:^|\/)package\.json$/.test(source)) return undefined;
  const site = literalSite(node, ancestors);
  if (!site || (site.position !== 'argument' && !isLibrarySecretOption(site, ancestors))) return undefined;
  const what = site.context ? `The ${site.context} secret` : `\`${site.name}\``;
  return `${what} is package.json's ${node.property.name}, which anyone can read`;
}

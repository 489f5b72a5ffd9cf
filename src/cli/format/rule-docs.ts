import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-info.js';

/** docs/rules.md, shipped in the package: every rule has a section whose anchor is its id. */
export const rulesDocument = join(packageRoot, 'docs', 'rules.md');

/** Where a rule is explained in the shipped docs (`…/docs/rules.md#cors-wildcard`), or undefined without it. */
export function ruleDocsPath(ruleId: string): string | undefined {
  return existsSync(rulesDocument) ? `${rulesDocument}#${ruleId}` : undefined;
}

/**
 * The rule's README (codemods/<id>/README.md, shipped in the package) as SARIF help markdown, without its
 * `# id` title (code scanning shows the rule's name above it); undefined when the rule has none.
 */
export function ruleReadme(ruleId: string): string | undefined {
  const path = join(packageRoot, 'codemods', ruleId, 'README.md');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return text.replace(/^#\s[^\n]*\n+/, '').trim();
}

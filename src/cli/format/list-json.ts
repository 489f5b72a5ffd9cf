import type { Rule } from '../../engine/rule.js';
import type { GeneratorDeclaration } from '../../engine/generator.js';

/** `secure list --format json`: the rules and generators for scripts (a CI matrix, docs, an editor plugin). */
export function formatListJson(rules: readonly Rule[], generators: readonly GeneratorDeclaration[]): string {
  return JSON.stringify(
    {
      rules: rules.map(({ meta }) => ({
        id: meta.id,
        title: meta.title,
        severity: meta.severity,
        fixable: meta.fixable,
        checklist: meta.checklist,
        cwe: meta.cwe,
        hint: meta.hint,
      })),
      generators: generators.map((generator) => ({
        name: generator.name,
        description: generator.description,
      })),
    },
    null,
    2,
  );
}

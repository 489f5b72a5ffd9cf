import type { Rule } from '../src/engine/rule.js';

/** Every rule, one line each. Adding a rule = its folder under codemods/ + one line here. */
export const rules: Rule[] = [];

export function findRule(id: string): Rule | undefined {
  return rules.find((rule) => rule.meta.id === id);
}

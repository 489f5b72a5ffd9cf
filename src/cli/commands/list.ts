import { rules } from '../../../codemods/index.js';
import { generators } from '../../../generators/index.js';
import { formatListJson } from '../format/list-json.js';
import type { Output } from '../output.js';
import { listFormats } from '../choices.js';

export { listFormats };

export function listRulesAndGenerators(
  output: Output,
  options: { format?: (typeof listFormats)[number] } = {},
): number {
  if (options.format === 'json') {
    output.out(formatListJson(rules, generators));
    return 0;
  }
  const { colors } = output;
  output.out(colors.bold('Rules (secure check / secure fix)'));
  const idWidth = Math.max(0, ...rules.map((rule) => rule.meta.id.length));
  for (const rule of rules) {
    const fix = rule.meta.fixable ? colors.green('fixable') : colors.dim('report ');
    output.out(
      `  ${rule.meta.id.padEnd(idWidth)}  ${rule.meta.severity.padEnd(8)} ${fix}  ${rule.meta.title}`,
    );
  }
  if (rules.length === 0) output.out('  (none)');
  output.out('');
  output.out(colors.bold('Generators (secure add)'));
  const nameWidth = Math.max(0, ...generators.map((generator) => generator.name.length));
  for (const generator of generators)
    output.out(`  ${generator.name.padEnd(nameWidth)}  ${generator.description}`);
  if (generators.length === 0) output.out('  (none)');
  return 0;
}

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * ast-grep gives each rule one language, and its TypeScript grammar reads neither JSX (.tsx) nor the
 * JavaScript files `secure` checks. The rules are written once, for TypeScript (ast-grep/rules, utils);
 * this writes the project the bench runs: each rule and util also as Tsx (.tsx) and JavaScript (.js, .jsx,
 * .mjs, .cjs: ast-grep's JavaScript grammar reads JSX), under an id with the language appended, so that
 * ast-grep covers exactly the files `secure` checks.
 */
const sourceDir = join(new URL('.', import.meta.url).pathname, 'ast-grep');
const languages = [
  { name: 'TypeScript', suffix: '' },
  { name: 'Tsx', suffix: '--tsx' },
  { name: 'JavaScript', suffix: '--javascript' },
];

/** The rule id as the bench reports it: `sql-injection--tsx` is the sql-injection rule on .tsx files. */
export const baseRuleId = (ruleId) => ruleId.replace(/--(tsx|javascript)$/, '');

function translate(text, language, utilIds) {
  if (!/^language: TypeScript$/m.test(text)) throw new Error('every bench ast-grep rule is written for TypeScript');
  return text
    .replace(/^language: TypeScript$/m, `language: ${language.name}`)
    .replace(/^(id|\s*matches): ([a-z0-9-]+)$/gm, (line, key, id) => (key === 'id' || utilIds.includes(id) ? `${key}: ${id}${language.suffix}` : line));
}

/** Writes the ast-grep project into `dir` (replacing it) and returns the path of its sgconfig.yml. */
export function writeAstGrepProject(dir) {
  rmSync(dir, { recursive: true, force: true });
  const read = (folder) =>
    readdirSync(join(sourceDir, folder))
      .filter((name) => name.endsWith('.yml'))
      .sort()
      .map((name) => ({ name, text: readFileSync(join(sourceDir, folder, name), 'utf8') }));
  const utils = read('utils');
  const utilIds = utils.map((util) => /^id: (\S+)$/m.exec(util.text)[1]);
  for (const [folder, files] of [['rules', read('rules')], ['utils', utils]]) {
    mkdirSync(join(dir, folder), { recursive: true });
    for (const language of languages) {
      for (const file of files) {
        const name = file.name.replace(/\.yml$/, `${language.suffix}.yml`);
        writeFileSync(join(dir, folder, name), translate(file.text, language, utilIds));
      }
    }
  }
  const config = join(dir, 'sgconfig.yml');
  writeFileSync(config, 'ruleDirs:\n  - rules\nutilDirs:\n  - utils\n');
  return config;
}

import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { rules } from '../../codemods/index.js';
import { renderRulesDoc } from '../../src/docs/rules-doc.js';
import { checklistItems } from '../../src/policy/checklist.js';
import { rulesPreset } from '../../src/policy/index.js';
import { repoRoot } from '../helpers/cli.js';

const docPath = join(repoRoot, 'docs', 'rules.md');

describe('docs/rules.md', () => {
  it('is up to date with the policy and the rule registry (run `npm run docs` after changing either)', async () => {
    const options = { ...(await prettier.resolveConfig(docPath)), filepath: docPath };
    expect(readFileSync(docPath, 'utf8')).toBe(await prettier.format(renderRulesDoc(), options));
  });

  it('has every checklist item, every rule under its item, and the policy numbers', () => {
    const doc = renderRulesDoc();
    for (const item of checklistItems) expect(doc).toContain(`. ${item.text}\n`);
    for (const rule of rules) {
      const item = checklistItems.findIndex((candidate) => candidate.id === rule.meta.checklist);
      const section = doc.split(/^## /m)[item + 2];
      expect(section, rule.meta.id).toContain(`### \`${rule.meta.id}\``);
      expect(section).toContain(
        `[codemods/${rule.meta.id}/README.md](../codemods/${rule.meta.id}/README.md)`,
      );
    }
    expect(doc).toContain(`| \`jwt.accessTokenMinutes\` | \`${rulesPreset.jwt.accessTokenMinutes}\` |`);
    expect(doc).toContain(`| \`password.hasher\` | \`bcrypt\` | \`argon2id\` |`);
  });

  it('says so for an item no rule checks', () => {
    const doc = renderRulesDoc([]);
    expect(doc).toContain('No rule checks existing code for this item yet.');
  });
});

describe('README.md', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

  it('opens with the two commands that work from a clone', () => {
    expect(readme.split('\n').slice(2, 5)).toEqual([
      '```sh',
      'npm ci && npm run demo   # scaffold a demo API into a temp folder, start it, probe it, then `secure check` a bundled legacy app',
      'npm ci && npm test       # build, lint, and run the whole test suite',
    ]);
  });

  it('links only to files inside the package, the rules to docs/rules.md', () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((match) => match[1]);
    const local = links.filter((link) => !/^https?:/.test(link));
    expect(local).toContain('docs/rules.md');
    for (const link of local) {
      expect(normalize(link).startsWith('..'), link).toBe(false);
      expect(existsSync(join(repoRoot, link)), link).toBe(true);
    }
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { findGenerator } from '../../generators/index.js';
import { planModules } from '../../src/add/index.js';
import type { Rule } from '../../src/engine/rule.js';
import { runRule } from './rule-fixtures.js';
import { rulesPreset } from '../../src/policy/index.js';

/**
 * Fixtures of generator-backed fixes (`secure fix` runs `secure add <generator>`, which edits the app's entry
 * rather than the reported line): `<situation>.wired-input.<ext>` is reported with `generatorFix`, and the entry
 * `secure add` writes for it must equal `<situation>.wired-output.<ext>`, be silent for the rule, and stay
 * unchanged when wired again. A first-line `// fixture: {"path": ..., "moduleSystem": "cjs"}` works as usual.
 */
export function wiredFixtureTests(ruleDir: string, rule: Rule, generator: string): void {
  const dir = join(ruleDir, 'fixtures');
  for (const entry of readdirSync(dir).sort()) {
    const match = /^(.+)\.wired-input\.([a-z]+)$/.exec(entry);
    if (!match) continue;
    const [, name, extension] = match;
    it(`reported and wired by secure add ${generator}: ${name}`, async () => {
      const text = readFileSync(join(dir, entry), 'utf8');
      const facts = JSON.parse(/^\/\/\s*fixture:\s*(\{.*\})/.exec(text)?.[1] ?? '{}');
      const relativePath: string = facts.path ?? `src/${name}.${extension}`;
      const cjs = facts.moduleSystem === 'cjs';
      const project = {
        root: '/virtual-project',
        policy: rulesPreset,
        moduleSystem: cjs ? 'cjs' : 'esm',
      } as const;

      const found = runRule(rule, text, relativePath, project).findings;
      expect(found.length).toBeGreaterThan(0);
      const framework = text.includes("'fastify'") ? 'fastify' : 'express';
      // Until the generator declares how to wire this framework, the finding carries the remedy instead.
      if (!findGenerator(generator)?.wiring?.[framework]) {
        expect(found.every((finding) => !finding.fixable && finding.unfixableReason)).toBe(true);
        return;
      }
      expect(found.every((finding) => finding.fixable && finding.generatorFix === generator)).toBe(true);

      const root = mkdtempSync(join(tmpdir(), `wired-${name}-`));
      writeFileSync(
        join(root, 'package.json'),
        JSON.stringify({
          name: 'fixture',
          ...(cjs ? {} : { type: 'module' }),
          dependencies: { [framework]: '*' },
        }),
      );
      if (extension === 'ts') writeFileSync(join(root, 'tsconfig.json'), '{}');
      mkdirSync(dirname(join(root, relativePath)), { recursive: true });
      writeFileSync(join(root, relativePath), text);
      const plan = await planModules(root, [generator], { yes: true, entry: relativePath });
      const wired = plan.changes.find((change) => change.path === relativePath)?.after;
      expect(wired, `secure add ${generator} did not wire ${relativePath}`).toBeDefined();

      const outputFile = join(dir, `${name}.wired-output.${extension}`);
      if (!existsSync(outputFile) && process.env.UPDATE_FIXTURES) writeFileSync(outputFile, wired!);
      expect(wired).toBe(readFileSync(outputFile, 'utf8'));
      expect(runRule(rule, wired!, relativePath, project).findings).toEqual([]);

      writeFileSync(join(root, relativePath), wired!);
      const again = await planModules(root, [generator], { yes: true, entry: relativePath });
      expect(again.changes.find((change) => change.path === relativePath)).toBeUndefined();
    });
  }
}

import { describe, expect, it } from 'vitest';
import { findRule, rules } from '../../codemods/index.js';
import { runBin, secureBin } from '../helpers/cli.js';
import { tempProject } from '../helpers/temp-repo.js';

// cors-wildcard (high) finds app.use(cors()) at line 4 of a file whose name markdown would read as emphasis.
const corsApp = `import express from 'express';\nimport cors from 'cors';\nconst app = express();\napp.use(cors());\n`;

describe('secure list and secure checklist formats (the built bin)', () => {
  it('secure list --format json lists every registered rule with its severity and fixability', async () => {
    const run = await runBin(secureBin, ['list', '--format', 'json']);
    expect(run.exitCode).toBe(0);
    const listed = JSON.parse(run.stdout) as { rules: { id: string; severity: string; fixable: boolean }[] };
    expect(listed.rules.map((rule) => rule.id)).toEqual(rules.map((rule) => rule.meta.id));
    for (const rule of listed.rules) expect(['critical', 'high', 'medium', 'low']).toContain(rule.severity);
    const wrong = await runBin(secureBin, ['list', '--format', 'xml']);
    expect(wrong.exitCode).toBe(2);
  });

  it.runIf(findRule('cors-wildcard'))(
    'secure checklist --format markdown is a task list with the failed item open and its finding under it',
    async () => {
      const dir = tempProject({ 'package.json': '{}', 'src/my_app.ts': corsApp });
      const run = await runBin(secureBin, ['checklist', '--format', 'markdown'], { cwd: dir });
      expect(run.exitCode).toBe(1);
      const lines = run.stdout.split('\n');
      expect(lines).toContain('- [ ] CORS restricted to known origins: **1 finding**');
      expect(lines).toContain(
        '  - cors-wildcard  src/my\\_app.ts:4  cors without options allows every origin',
      );
      // No item is ticked without a rule that ran clean on some file.
      for (const line of lines.filter((text) => text.startsWith('- [x]')))
        expect(line).toMatch(/\(no findings from `[a-z-]+` in \d+ files?/);
      expect(lines.filter((text) => /^- \[[ x]\] /.test(text))).toHaveLength(8);
    },
  );

  it.runIf(findRule('cors-wildcard'))(
    'secure checklist --format json gives each item its state and reasons',
    async () => {
      const dir = tempProject({ 'package.json': '{}', 'src/a.ts': corsApp });
      const run = await runBin(secureBin, ['checklist', '--format', 'json'], { cwd: dir });
      expect(run.exitCode).toBe(1);
      const items = (JSON.parse(run.stdout) as { items: { id: string; state: string; reasons?: string[] }[] })
        .items;
      const cors = items.find((item) => item.id === 'cors');
      expect(cors?.state).toBe('fail');
      expect(cors?.reasons).toEqual(['cors-wildcard  src/a.ts:4  cors without options allows every origin']);
    },
  );
});

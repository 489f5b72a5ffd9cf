import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../codemods/index.js';
import type { Answers } from '../../src/engine/generator.js';
import { runCheck } from '../../src/engine/run-check.js';
import { renderProject } from '../../src/scaffold/render-project.js';

const variants: Answers[] = [
  { framework: 'fastapi', db: 'sqlite', ws: 'none', redis: false, preset: 'rules' },
  { framework: 'fastapi', db: 'postgres', ws: 'socket.io', redis: true, preset: 'asvs' },
];

describe('the generated FastAPI app under secure check', () => {
  it.each(variants.map((answers) => [Object.values(answers).join(' '), answers] as const))(
    '%s: every .py file is read, the Python detectors run, and nothing is reported',
    async (_label, answers) => {
      const root = mkdtempSync(join(tmpdir(), 'secure-fastapi-check-'));
      try {
        for (const file of renderProject(answers, 'my-api')) {
          mkdirSync(dirname(join(root, file.path)), { recursive: true });
          writeFileSync(join(root, file.path), file.content);
        }
        const result = await runCheck({ cwd: root, paths: ['.'], rules, cache: false, toolVersion: 'test' });
        expect(result.findings.map((finding) => `${finding.file}:${finding.line} ${finding.rule}`)).toEqual(
          [],
        );
        expect(result.parseErrors).toEqual([]);
        for (const id of ['sql-injection', 'cors-wildcard', 'jwt-algorithm'])
          expect(result.rulesRun.get(id), `${id} read some Python`).toBeGreaterThan(0);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );
});

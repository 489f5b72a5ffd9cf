import { describe, expect, it } from 'vitest';
import type { Answers } from '../../src/engine/generator.js';
import { resolvePolicy } from '../../src/policy/index.js';
import { renderProject } from '../../src/scaffold/render-project.js';
import { pythonDetectors } from './detectors.js';
import { runPython } from './helpers.js';

/** The scaffolded FastAPI app holds every rule: no Python detector may report anything in it. */
const variants: Answers[] = [
  { framework: 'fastapi', db: 'sqlite', ws: 'socket.io', redis: false, preset: 'rules' },
  { framework: 'fastapi', db: 'postgres', ws: 'socket.io', redis: true, preset: 'asvs' },
  { framework: 'fastapi', db: 'postgres', ws: 'none', redis: false, preset: 'rules' },
];

describe.each(variants.map((answers) => [Object.values(answers).join(' '), answers] as const))(
  'the generated FastAPI app (%s)',
  (_label, answers) => {
    const policy = resolvePolicy({ preset: answers.preset });
    const files = renderProject(answers, 'my-api').filter((file) => file.path.endsWith('.py'));

    it('renders Python files to check', () => {
      expect(files.map((file) => file.path)).toContain('backend/app/main.py');
    });

    it.each(pythonDetectors.map(([id, detector]) => [id, detector] as const))(
      'is clean for %s',
      (_id, detector) => {
        const findings = files.flatMap((file) =>
          runPython(detector, file.content, file.path, policy).reports.map(
            (report) => `${file.path}:${report.line} ${report.message}`,
          ),
        );
        expect(findings).toEqual([]);
      },
    );
  },
);

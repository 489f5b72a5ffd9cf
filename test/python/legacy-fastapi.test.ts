import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../codemods/index.js';
import { runCheck } from '../../src/engine/run-check.js';

const example = join(import.meta.dirname, '..', '..', 'examples', 'legacy-fastapi');
const readsPython = new Set(
  rules.filter((rule) => rule.kind === 'source' && rule.python).map((rule) => rule.meta.id),
);

/** `# rule: id[, id]` comments: where the example breaks a rule on purpose, by file. */
function markers(): { file: string; line: number; rule: string }[] {
  const dir = join(example, 'app');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.py'))
    .flatMap((name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .flatMap((text, index) => {
          const match = /#\s*rule:\s*([\w, -]+?)\s*(\(|$)/.exec(text);
          return match
            ? match[1].split(/,\s*/).map((rule) => ({ file: `app/${name}`, line: index + 1, rule }))
            : [];
        }),
    );
}

describe('examples/legacy-fastapi', () => {
  it('is reported by every rule that reads Python where it breaks that rule, and nowhere else', async () => {
    const result = await runCheck({ cwd: example, paths: ['.'], rules, cache: false, toolVersion: 'test' });
    const expected = markers().filter((marker) => readsPython.has(marker.rule));
    const found = result.findings.map((finding) => ({
      file: relative(example, finding.file),
      line: finding.line,
      rule: finding.rule,
    }));
    // A finding sits on the marked line or a few lines below it (or at the function a marker inside it names).
    const near = (a: { file: string; line: number; rule: string }, b: typeof a) =>
      a.file === b.file && a.rule === b.rule && Math.abs(a.line - b.line) <= 6;
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(expected.filter((marker) => !found.some((finding) => near(marker, finding)))).toEqual([]);
    expect(found.filter((finding) => !markers().some((marker) => near(marker, finding)))).toEqual([]);
    expect(result.parseErrors).toEqual([]);
  });
});

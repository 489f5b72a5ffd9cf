import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixCommand } from '../../src/cli/commands/fix.js';
import { memoryOutput } from '../../src/cli/output.js';
import { tempProject } from '../helpers/temp-repo.js';
import { debugRule } from './toy-rules.js';

const options = { rule: [], dryRun: false, force: false, cache: false };
const files = { 'src/a.js': 'debug(u.token);\n', 'src/broken.js': 'debug(x,\n  oops(\n' };

describe('secure fix on a project with a file that does not parse (as ESLint --fix)', () => {
  it('fixes what parses, names the broken file with its line in one line, and exits 2', async () => {
    const dir = tempProject(files);
    const output = memoryOutput();
    expect(await fixCommand(output, dir, [], options, [debugRule])).toBe(2);
    expect(readFileSync(join(dir, 'src/a.js'), 'utf8')).toBe("debug('***');\n");
    const errors = output.stderr.filter((line) => line.includes('broken.js'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: src\/broken\.js:3:1 does not parse/);
    expect(output.stderr.join('\n')).toContain('--allow-skipped');
  });

  it('with --allow-skipped reports the broken file as a warning and ends as the fixes do', async () => {
    const dir = tempProject(files);
    const output = memoryOutput();
    expect(await fixCommand(output, dir, [], { ...options, allowSkipped: true }, [debugRule])).toBe(0);
    expect(readFileSync(join(dir, 'src/a.js'), 'utf8')).toBe("debug('***');\n");
    expect(output.stderr.filter((line) => line.includes('broken.js'))).toEqual([
      expect.stringMatching(/^warning: src\/broken\.js:3:1 does not parse/),
    ]);
  });
});

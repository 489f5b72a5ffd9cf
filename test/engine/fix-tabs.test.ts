import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../codemods/index.js';
import { runCheck, selectRules } from '../../src/engine/run-check.js';
import { runFix } from '../../src/engine/run-fix.js';
import { git, tempProject } from '../helpers/temp-repo.js';

// dvna's core/appHandler.js, written here: a tab-indented CommonJS handler building Sequelize SQL by concatenation.
const handler = [
  "var db = require('../models')",
  '',
  'module.exports.userSearch = function (req, res) {',
  '\tvar query = "SELECT name,id FROM Users WHERE login=\'" + req.body.login + "\'";',
  '\tdb.sequelize.query(query, {',
  '\t\tmodel: db.User',
  '\t}).then(user => {',
  '\t\tres.json(user)',
  '\t})',
  '}',
  '',
].join('\n');

const project = () => {
  const dir = tempProject({
    'package.json': JSON.stringify({ name: 'tabs', dependencies: { sequelize: '^6.0.0', mysql2: '^2.0.0' } }),
    'core/appHandler.js': handler,
  });
  expect(git(dir, 'status', '--porcelain')).toBe('');
  return dir;
};

describe('secure fix on a tab-indented file', () => {
  it('fixes the SQL finding check calls fixable, in the same place check reported it', async () => {
    const dir = project();
    const selected = selectRules(rules, ['sql-injection']);
    const common = { cwd: dir, paths: [], rules: selected, cache: false, toolVersion: 'test' };
    const check = await runCheck(common);
    expect(check.findings.map((finding) => [finding.line, finding.column, finding.fixable])).toEqual([
      [5, 21, true],
    ]);
    const outcome = await runFix({ ...common, dryRun: false, force: false });
    expect(outcome.unfixed).toEqual([]);
    expect(outcome.changes.flatMap((change) => change.applied.map((finding) => finding.line))).toEqual([5]);
    const fixed = readFileSync(join(dir, 'core/appHandler.js'), 'utf8');
    expect(fixed).toContain('replacements: [req.body.login]');
    expect(fixed).toContain('\tdb.sequelize.query(query, {\n');
    // Lines the fix did not change keep their tabs.
    expect(fixed).toContain('\t\tres.json(user)\n\t})\n}\n');
  });
});

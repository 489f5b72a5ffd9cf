import { describePrefilter } from '../../test/helpers/prefilter-suite.js';
import rule from './rule.js';

const reportedShapes: Record<string, string> = {
  'a short name':
    "const crypto = require('crypto');\nexports.hash = (pass) => crypto.createHash('md5').update(pass).digest('hex');\n",
  'an upper-case name':
    "const md5 = require('md5');\nexports.hash = (ADMIN_PASSWORD) => md5(ADMIN_PASSWORD);\n",
  'a comparison with brackets and a cast':
    "exports.ok = (user, req) => (user['password'] as string) === req.body['password'];\n".replace(
      ' as string',
      '',
    ),
  'a lookup by typed password':
    'exports.login = (User, req) => User.findOne({ email: req.body.email, password: req.body.password });\n',
  'SQL built with +':
    "exports.sql = (name, password) =>\n  'SELECT * FROM users WHERE name = \\'' + name + '\\' AND password = \\'' + password + '\\'';\n",
  'an SQL UPDATE of the password column':
    "exports.set = (pool, newPassword, id) => pool.query('UPDATE users SET password = $1 WHERE id = $2', [newPassword, id]);\n",
  'an SQL INSERT with a password column':
    "exports.add = (db, name, password) => db.query('INSERT INTO users (name, password) VALUES (?, ?)', [name, password]);\n",
  'a plain comparison': 'exports.ok = (user, req) => user.pwd === req.body.pwd;\n',
};

const cleanFiles: Record<string, string> = {
  'compiler passes': [
    'function bypass(node) {',
    '  return node;',
    '}',
    'exports.compile = (ast, passes) => passes.reduce((tree, run) => run(bypass(tree)), ast);',
    '',
  ].join('\n'),
  'an optimiser that counts its passes': [
    'exports.optimise = (tree, options) => {',
    '  let pass = 0;',
    '  while (pass < options.passes) tree = step(tree, pass++);',
    '  return tree;',
    '};',
    '',
  ].join('\n'),
  'a stored hash only': 'exports.keep = (user, passwordHash) => ({ ...user, passwordHash });\n',
};

describePrefilter(rule, {
  dir: import.meta.dirname,
  path: 'src/users.js',
  moduleSystem: 'cjs',
  minReportedFixtures: 3,
  reported: reportedShapes,
  clean: cleanFiles,
});

import { describe, expect, it } from 'vitest';
import { planModules } from '../../src/add/index.js';
import { changed, project } from './small-project.js';

const passportLocal = `const passport = require('passport');
const { Strategy: LocalStrategy } = require('passport-local');
const User = require('../models/User');

passport.use(new LocalStrategy({ usernameField: 'email' }, (email, password, done) => {
  User.findOne({ email }).then((user) => done(null, user), done);
}));
exports.isAuthenticated = (req, res, next) => (req.isAuthenticated() ? next() : res.redirect('/login'));
`;

describe('secure add auth beside the login the app already has', () => {
  it('refuses auth next to passport-local session logins, naming where and what to do', async () => {
    const root = project({
      'package.json': JSON.stringify({
        dependencies: { express: '^4.21.2', passport: '^0.7.0', 'passport-local': '^1.0.0' },
      }),
      'app.js': `const express = require('express');\nconst passport = require('passport');\nrequire('./config/passport');\n\nconst app = express();\napp.use(passport.initialize());\napp.use(passport.session());\nmodule.exports = app;\n`,
      'config/passport.js': passportLocal,
    });
    const plan = await planModules(root, ['auth'], { yes: true });
    expect(plan.refused).toEqual([
      {
        generator: 'auth',
        reason: expect.stringMatching(
          /passport-local in config\/passport\.js:2\).*second auth system: keep your login and protect each route with it/,
        ),
      },
    ]);
    expect(changed(plan, 'app.js')).toBeUndefined();
    expect(plan.changes.map((change) => change.path).filter((path) => path.includes('auth'))).toEqual([]);
  });

  it('gives the token advice when passport-local signs in users who then carry a JWT', async () => {
    const root = project({
      'package.json': JSON.stringify({
        dependencies: { express: '^4.21.2', 'passport-local': '^1.0.0', jsonwebtoken: '^9.0.2' },
      }),
      'app.js': `const express = require('express');\nrequire('./config/passport');\nconst app = express();\nmodule.exports = app;\n`,
      'config/passport.js': `${passportLocal}const jwt = require('jsonwebtoken');\n`,
    });
    const plan = await planModules(root, ['auth'], { yes: true });
    expect(plan.refused).toEqual([
      {
        generator: 'auth',
        reason: expect.stringContaining('`secure check` reports where your tokens break'),
      },
    ]);
  });
});

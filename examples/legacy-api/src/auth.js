const crypto = require('crypto');
const jwt = require('jsonwebtoken');
const config = require('./config');

function hashPassword(password) {
  return crypto.createHash('md5').update(password).digest('hex');
}

function issueToken(user) {
  return jwt.sign({ sub: user.id, email: user.email }, config.jwtSecret);
}

function requireAuth(req, res, next) {
  const token = (req.headers.authorization || '').replace('Bearer ', '');
  try {
    req.user = jwt.verify(token, config.jwtSecret);
    next();
  } catch (err) {
    console.log('rejected token', token);
    res.status(401).json({ error: 'unauthorized' });
  }
}

module.exports = { hashPassword, issueToken, requireAuth };

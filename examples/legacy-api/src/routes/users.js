const express = require('express');
const db = require('../db');
const { hashPassword, issueToken, requireAuth } = require('../auth');

const router = express.Router();

router.post('/login', async (req, res) => {
  console.log('login attempt', req.body);
  const user = await db.findUserByEmail(req.body.email);
  if (!user || user.password_hash !== hashPassword(req.body.password)) {
    return res.status(401).json({ error: 'invalid credentials' });
  }
  res.json({ token: issueToken(user) });
});

router.get('/products', requireAuth, async (req, res) => {
  res.json(await db.searchProducts(req.query.q || '', req.query.sort || 'name'));
});

module.exports = router;

const mysql = require('mysql2/promise');
const config = require('./config');

const pool = mysql.createPool(config.db);

async function findUserByEmail(email) {
  const [rows] = await pool.query(`SELECT * FROM users WHERE email = '${email}'`);
  return rows[0];
}

async function searchProducts(term, sort) {
  const sql = "SELECT id, name, price FROM products WHERE name LIKE '%" + term + "%' ORDER BY " + sort;
  const [rows] = await pool.query(sql);
  return rows;
}

async function createUser(email, passwordHash) {
  await pool.execute('INSERT INTO users (email, password_hash) VALUES (?, ?)', [email, passwordHash]);
}

module.exports = { pool, findUserByEmail, searchProducts, createUser };

// Settings for every environment, in one place (2019).
module.exports = {
  port: process.env.PORT || 8080,
  jwtSecret: process.env.JWT_SECRET || 'changeme',
  db: {
    host: process.env.DB_HOST || 'localhost',
    user: 'api',
    password: 'Winter2019!',
    database: 'shop',
  },
  paymentsApi: 'http://payments.internal.example.com/v1',
};

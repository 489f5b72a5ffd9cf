/**
 * The violations planted in a small share of the synthetic files. Each is a self-contained block (its own
 * imports, structural parameter types) appended to an ordinary file, so the file still parses. `line` is the
 * 1-based line, inside the block, of the node a checker should report; the generator turns it into the
 * file's line for the manifest.
 */
const secretAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

function fakeKey(random, length) {
  let out = '';
  for (let index = 0; index < length; index++) out += secretAlphabet[random.int(0, secretAlphabet.length - 1)];
  return out;
}

export const violations = [
  // cors-wildcard
  {
    kind: 'cors-no-options',
    rule: 'cors-wildcard',
    imports: [`import cors from 'cors';`],
    body: () => [`export function allowBrowsers(router: { use(handler: unknown): void }): void {`, `  router.use(cors());`, `}`],
    line: 2,
  },
  {
    kind: 'cors-origin-star',
    rule: 'cors-wildcard',
    imports: [`import cors from 'cors';`],
    body: () => [`export const publicCors = cors({`, `  origin: '*',`, `  methods: ['GET', 'POST'],`, `});`],
    line: 2,
  },
  {
    kind: 'cors-origin-true',
    rule: 'cors-wildcard',
    imports: [`import cors from 'cors';`],
    body: () => [`export const partnerCors = cors({ origin: true, credentials: true });`],
    line: 1,
  },
  {
    kind: 'fastify-cors-star',
    rule: 'cors-wildcard',
    imports: [`import fastifyCors from '@fastify/cors';`],
    body: () => [
      `export async function registerCors(app: { register(plugin: unknown, options: object): Promise<unknown> }) {`,
      `  await app.register(fastifyCors, { origin: '*' });`,
      `}`,
    ],
    line: 2,
  },
  {
    kind: 'socketio-cors-star',
    rule: 'cors-wildcard',
    imports: [`import { Server as RealtimeServer } from 'socket.io';`],
    body: () => [
      `export function createRealtime(httpServer: import('node:http').Server): RealtimeServer {`,
      `  return new RealtimeServer(httpServer, {`,
      `    cors: { origin: '*' },`,
      `  });`,
      `}`,
    ],
    line: 3,
  },
  {
    kind: 'acao-header',
    rule: 'cors-wildcard',
    imports: [],
    body: () => [
      `export function openCors(_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) {`,
      `  res.setHeader('Access-Control-Allow-Origin', '*');`,
      `  next();`,
      `}`,
    ],
    line: 2,
  },
  // sql-injection
  {
    kind: 'sql-template-pg',
    rule: 'sql-injection',
    imports: [],
    body: (random, model) => [
      `export async function legacySearch(pool: { query(text: string): Promise<{ rows: unknown[] }> }, term: string) {`,
      `  const result = await pool.query(\`SELECT * FROM ${model.table} WHERE name = '\${term}'\`);`,
      `  return result.rows;`,
      `}`,
    ],
    line: 2,
  },
  {
    kind: 'sql-concat-mysql',
    rule: 'sql-injection',
    imports: [],
    body: (random, model) => [
      `export async function legacyFind(connection: { execute(sql: string): Promise<unknown> }, id: string) {`,
      `  return connection.execute('SELECT * FROM ${model.table} WHERE id = ' + id);`,
      `}`,
    ],
    line: 2,
  },
  {
    kind: 'sql-knex-raw',
    rule: 'sql-injection',
    imports: [],
    body: (random, model) => [
      `export function legacyFilter(knex: { raw(sql: string): Promise<unknown> }, status: string) {`,
      `  return knex.raw(\`UPDATE ${model.table} SET status = '\${status}' WHERE archived = false\`);`,
      `}`,
    ],
    line: 2,
  },
  {
    kind: 'sql-prisma-unsafe',
    rule: 'sql-injection',
    imports: [],
    body: (random, model) => [
      `export function legacyCount(prisma: { $queryRawUnsafe(sql: string): Promise<unknown> }, owner: string) {`,
      `  return prisma.$queryRawUnsafe(\`SELECT count(*) FROM ${model.table} WHERE owner_id = \${owner}\`);`,
      `}`,
    ],
    line: 2,
  },
  {
    kind: 'sql-sqlite-prepare',
    rule: 'sql-injection',
    imports: [],
    body: (random, model) => [
      `export function legacyLookup(db: { prepare(sql: string): { all(): unknown[] } }, slug: string) {`,
      `  return db.prepare("SELECT * FROM ${model.table} WHERE slug = '" + slug + "'").all();`,
      `}`,
    ],
    line: 2,
  },
  {
    kind: 'sql-variable',
    rule: 'sql-injection',
    imports: [],
    body: (random, model) => [
      `export async function legacyDelete(pool: { query(text: string): Promise<unknown> }, id: string) {`,
      `  const sql = \`DELETE FROM ${model.table} WHERE id = \${id}\`;`,
      `  await pool.query(sql);`,
      `}`,
    ],
    line: 3,
  },
  {
    kind: 'sql-order-by',
    rule: 'sql-injection',
    imports: [],
    body: (random, model) => [
      `export function legacySorted(sequelize: { query(sql: string): Promise<unknown> }, column: string) {`,
      `  return sequelize.query(\`SELECT * FROM ${model.table} ORDER BY \${column} DESC\`);`,
      `}`,
    ],
    line: 2,
  },
  // the other rules
  {
    kind: 'hardcoded-secret',
    rule: 'hardcoded-secret',
    imports: [],
    body: (random) => [`export const stripeSecretKey = 'sk_live_${fakeKey(random, 24)}';`],
    line: 1,
  },
  {
    kind: 'default-password',
    rule: 'default-password',
    imports: [],
    body: () => [`export const databasePassword = process.env.DATABASE_PASSWORD || 'changeme';`],
    line: 1,
  },
  {
    kind: 'log-secret',
    rule: 'log-secret',
    imports: [],
    body: () => [
      `export function traceLogin(body: { email: string; password: string }): void {`,
      `  console.log('login attempt', body.email, body.password);`,
      `}`,
    ],
    line: 2,
  },
  {
    kind: 'jwt-expiry',
    rule: 'jwt-expiry',
    imports: [`import jwt from 'jsonwebtoken';`],
    body: () => [
      `export function issueToken(userId: string, secret: string): string {`,
      `  return jwt.sign({ sub: userId }, secret);`,
      `}`,
    ],
    line: 2,
  },
  {
    kind: 'jwt-unverified',
    rule: 'jwt-unverified',
    imports: [`import jwt from 'jsonwebtoken';`],
    body: () => [
      `export function currentUserId(token: string): string | undefined {`,
      `  const payload = jwt.decode(token) as { sub?: string } | null;`,
      `  return payload?.sub;`,
      `}`,
    ],
    line: 2,
  },
  {
    kind: 'weak-password-hash',
    rule: 'weak-password-hash',
    imports: [`import { createHash } from 'node:crypto';`],
    body: () => [
      `export function hashPassword(password: string): string {`,
      `  return createHash('md5').update(password).digest('hex');`,
      `}`,
    ],
    line: 2,
  },
  {
    kind: 'insecure-transport',
    rule: 'insecure-transport',
    imports: [`import https from 'node:https';`],
    body: () => [`export const legacyAgent = new https.Agent({ rejectUnauthorized: false });`],
    line: 1,
  },
];

/** The two rules the bench compares against jscodeshift and ast-grep take two thirds of the plants. */
export function pickViolation(random) {
  const focus = violations.filter((entry) => entry.rule === 'cors-wildcard' || entry.rule === 'sql-injection');
  return random.chance(0.66) ? random.pick(focus) : random.pick(violations.filter((v) => !focus.includes(v)));
}

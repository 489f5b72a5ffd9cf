import { describePrefilter } from '../../test/helpers/prefilter-suite.js';
import { filesWithoutSecrets } from '../../test/helpers/secret-free-files.js';
import rule from './rule.js';

const reportedShapes: Record<string, string> = {
  'a typed constant': "export const apiKey: string = 'f8Kq2LmZ7xW4pR9tVb3N';\n",
  'a secret compared with a literal':
    "export function allowed(headers: Record<string, string>) {\n  return headers['x-admin-key'] !== undefined && headers.adminKey === 'adm-7Qz!export';\n}\n",
  'a quoted key in an object': "export const config = {\n  'x-api-key': 'f8Kq2LmZ7xW4pR9tVb3N',\n};\n",
  'a member assignment with a comment':
    "export const settings: Record<string, string> = {};\nsettings['DB_PASSWORD'] /* prod */ =\n  // rotate me\n  'Xk29fLq7WmQ3';\n",
  'a destructuring default':
    "export function connect({ password = 'Xk29fLq7WmQ3' }: { password?: string }) {\n  return password;\n}\n",
  'a class field with a multi-line type':
    "export class Client {\n  private readonly signingKey:\n    | string\n    | undefined = 'f8Kq2LmZ7xW4pR9tVb3N';\n}\n",
  'a trailing qualifier': "export const JWT_SECRET_DEV = 'a9f3kLq0Zr7uWx2m';\n",
  'a jwt.sign argument':
    "import jwt from 'jsonwebtoken';\nexport const sign = (sub: string) => (jwt as any).sign({ sub }, 'shhhhh-not-secret');\n",
  'a URL with a password': "export const url = 'postgres://app:Xk29fLq7Wm@db.acme.io/app';\n",
  'a known key format': "export const aws = { id: 'AKIAZ7Q3MRT5LWX2KPBN' };\n",
  'a name spelled with an escape': "export const config = { 'pass\\x77ord': 'Xk29fLq7WmQ3' };\n",
  'a short express-session secret':
    "import session from 'express-session';\nexport const middleware = session({ secret: 'conduit' });\n",
  'a secret word first': "export const SECRET_JWT = 'q8Vz3mTr0pLw9xKc';\n",
  'a cipher keyed with a literal under a neutral name':
    "import { createCipheriv } from 'crypto';\nconst material = 'q8Vz3mTr0pLw9xKc';\nexport const seal = (iv: Buffer) => createCipheriv('aes-128-cbc', Buffer.from(material), iv);\n",
  'a compound pass': "export const db = { dbpass: 'Xk29fLq7WmQ3' };\n",
  'a base64 qualifier': "export const secretBase64 = 'bm90LWEtcmVhbC1rZXktNDQ3Mg==';\n",
};

describePrefilter(rule, {
  dir: import.meta.dirname,
  path: 'src/server/config.ts',
  moduleSystem: 'esm',
  minReportedFixtures: 10,
  reported: reportedShapes,
  clean: filesWithoutSecrets,
});

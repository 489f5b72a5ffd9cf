import { describePrefilter } from '../../test/helpers/prefilter-suite.js';
import { filesWithoutSecrets } from '../../test/helpers/secret-free-files.js';
import rule from './rule.js';

const reportedShapes: Record<string, string> = {
  'a literal in a component':
    'export function Map() {\n  return <Widget apiKey="f8Kq2LmZ7xW4pR9tVb3N" />;\n}\n',
  'a secret word first in a component':
    "export function Login() {\n  const SECRET_JWT = 'q8Vz3mTr0pLw9xKc';\n  return <Form secret={SECRET_JWT} />;\n}\n",
  'a Vite secret': 'export const secret = import.meta.env.VITE_API_SECRET;\n',
  'a destructured Next variable':
    'const { NEXT_PUBLIC_STRIPE_SECRET_KEY } = process.env;\nexport default NEXT_PUBLIC_STRIPE_SECRET_KEY;\n',
  'a computed env read': "export const token = process.env['REACT_APP_GITHUB_TOKEN'];\n",
  'a service-role key': 'export const key = import.meta.env.VITE_SUPABASE_SERVICE_ROLE_KEY;\n',
};

const cleanFiles: Record<string, string> = {
  ...filesWithoutSecrets,
  'bundle variables that name no secret':
    'export const url = import.meta.env.VITE_API_URL;\nexport const mode = process.env.NEXT_PUBLIC_MODE;\nexport const keys = Object.keys({ a: 1 });\n',
};

describePrefilter(rule, {
  dir: import.meta.dirname,
  path: 'src/components/app.tsx',
  moduleSystem: 'esm',
  minReportedFixtures: 5,
  reported: reportedShapes,
  clean: cleanFiles,
});

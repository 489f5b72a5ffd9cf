import { describePrefilter } from '../../test/helpers/prefilter-suite.js';
import rule from './rule.js';

const reportedShapes: Record<string, string> = {
  'a request URL in a template':
    'export const load = (id: string) => fetch(`http://api.acme.io/v1/items/${id}`);\n',
  'a client option': "export const client = { apiUrl: 'http://billing.acme.io' };\n",
  'a WebSocket endpoint': "export const socket = new WebSocket('ws://events.acme.io/feed');\n",
  'certificate checks turned off': 'export const agentOptions = { rejectUnauthorized: false };\n',
};

const cleanFiles: Record<string, string> = {
  'URLs in a licence header and doc comments': [
    '/**',
    ' * Licensed under the Apache License, Version 2.0: http://www.apache.org/licenses/LICENSE-2.0',
    ' * See http://example.com/docs for the format.',
    ' */',
    '// spec: http://json-schema.org/draft-07/schema',
    "export const name = 'parser';",
    '',
  ].join('\n'),
  'local addresses': "export const dev = { apiUrl: 'http://localhost:3000', db: 'http://127.0.0.1:5984' };\n",
};

describePrefilter(rule, {
  dir: import.meta.dirname,
  path: 'src/server/client.ts',
  moduleSystem: 'esm',
  minReportedFixtures: 3,
  reported: reportedShapes,
  clean: cleanFiles,
});

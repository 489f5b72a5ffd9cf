import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../src/engine/analyze-source.js';
import { matchesPrefilter, type ProjectInfo } from '../../src/engine/rule.js';
import { rulesPreset } from '../../src/policy/index.js';
import { loadFixtures } from '../../test/helpers/rule-fixtures.js';
import rule from './rule.js';

const project: ProjectInfo = { root: '/p', policy: rulesPreset, moduleSystem: 'esm' };
const parsed = (text: string) => matchesPrefilter(rule.prefilter, text);
/** The findings with no prefilter at all: what the prefilter must never hide. */
const findings = (text: string, relativePath: string, on = project) =>
  checkSource(text, join(on.root, relativePath), [{ ...rule, prefilter: /(?:)/ }], on).findings;

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

describe('insecure-transport prefilter', () => {
  it('lets through every fixture the rule reports on', () => {
    const reported = loadFixtures(import.meta.dirname).filter(
      (fixture) => findings(fixture.text, fixture.relativePath, fixture.project).length > 0,
    );
    expect(reported.length).toBeGreaterThanOrEqual(3);
    for (const fixture of reported) expect(parsed(fixture.text), fixture.name).toBe(true);
  });

  it.each(Object.entries(reportedShapes))('lets through %s', (_, text) => {
    expect(findings(text, 'src/server/client.ts').length).toBeGreaterThan(0);
    expect(parsed(text)).toBe(true);
  });

  // Files the former prefilter parsed for any `http://` in them although nothing here can be reported.
  it.each(Object.entries(cleanFiles))('skips %s', (_, text) => {
    expect(findings(text, 'src/server/client.ts')).toEqual([]);
    expect(parsed(text)).toBe(false);
  });
});

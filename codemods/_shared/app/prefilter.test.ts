import { describe, expect, it } from 'vitest';
import { checkSource } from '../../../src/engine/analyze-source.js';
import { matchesPrefilter, type ProjectInfo, type SourceRule } from '../../../src/engine/rule.js';
import { rulesPreset } from '../../../src/policy/index.js';
import headers from '../../missing-security-headers/rule.js';
import rateLimit from '../../missing-rate-limit/rule.js';

const project: ProjectInfo = { root: '/p', policy: rulesPreset, moduleSystem: 'cjs' };
const findings = (rule: SourceRule, text: string) =>
  checkSource(text, '/p/src/server.js', [{ ...rule, prefilter: /(?:)/ }], project).findings;

// Apps made in the ways legacy code makes them, without helmet or a rate limit: both rules report them.
const apps: Record<string, string> = {
  'require(fastify) called at once':
    "const fastify = require('fastify')({ logger: true });\nfastify.get('/', async () => 'ok');\nfastify.listen({ port: 3000 });\n",
  'require(express) called at once':
    "const app = require('express')();\napp.get('/', (req, res) => res.send('ok'));\napp.listen(3000);\n",
  'NestFactory.create':
    "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nconst app = await NestFactory.create(AppModule);\nawait app.listen(3000);\n",
  'an imported factory':
    "import Fastify from 'fastify';\nconst app = Fastify();\napp.get('/', async () => 'ok');\napp.listen({ port: 3000 });\n",
};

describe('app rules prefilter (mayCreateApp)', () => {
  for (const rule of [headers, rateLimit] as SourceRule[]) {
    it.each(Object.entries(apps))(`${rule.meta.id} parses a file with %s`, (_, text) => {
      expect(findings(rule, text).length).toBeGreaterThan(0);
      expect(matchesPrefilter(rule.prefilter, text)).toBe(true);
    });
    it(`${rule.meta.id} skips a file that only names the framework`, () => {
      const text = "export const frameworks = ['express', 'fastify'];\n";
      expect(findings(rule, text)).toEqual([]);
      expect(matchesPrefilter(rule.prefilter, text)).toBe(false);
    });
  }
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSource } from '../../../src/engine/analyze-source.js';
import type { ProjectInfo, SourceRule } from '../../../src/engine/rule.js';
import { rulesPreset } from '../../../src/policy/index.js';
import headers from '../../missing-security-headers/rule.js';
import rateLimit from '../../missing-rate-limit/rule.js';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A project on disk whose package.json lists `dependencies`, with `text` as its src/main.ts. */
function findings(rule: SourceRule, text: string, dependencies: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'app-instances-'));
  roots.push(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'app', dependencies }));
  const project: ProjectInfo = { root, policy: rulesPreset, moduleSystem: 'esm' };
  return checkSource(text, join(root, 'src/main.ts'), [rule], project).findings;
}

const nestMain = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await app.listen(3000);
}
bootstrap();
`;

describe('Nest apps: controls wired in their modules', () => {
  it('reports a Nest app when the project has no limiter package', () => {
    const found = findings(rateLimit, nestMain, { '@nestjs/core': '11.0.0' });
    expect(found.map((finding) => [finding.line, finding.message])).toEqual([
      [5, 'NestJS app `app` has no rate limit'],
    ]);
    expect(found[0].fixable).toBe(false);
  });

  it('trusts @nestjs/throttler in package.json (ThrottlerModule lives in AppModule)', () => {
    expect(findings(rateLimit, nestMain, { '@nestjs/core': '11.0.0', '@nestjs/throttler': '6.4.0' })).toEqual(
      [],
    );
  });

  it('trusts helmet in package.json (consumer.apply(helmet()) in a module)', () => {
    expect(findings(headers, nestMain, { '@nestjs/core': '11.0.0' })).toHaveLength(1);
    expect(findings(headers, nestMain, { '@nestjs/core': '11.0.0', helmet: '8.1.0' })).toEqual([]);
  });

  it('judges an Express app by its file even when helmet is a dependency', () => {
    const express = `import express from 'express';
const app = express();
app.get('/', (_req, res) => res.send('ok'));
app.listen(3000);
`;
    expect(findings(headers, express, { express: '5.1.0', helmet: '8.1.0' })).toHaveLength(1);
  });
});

describe('middleware that names headers without setting them', () => {
  // Handles: cors({ allowedHeaders, exposedHeaders }) and req.headers in a handler: no security headers
  it('reports an Express app whose only middleware is cors with header options', () => {
    const text = `import express from 'express';
import cors from 'cors';
const app = express();
app.use(cors({ origin: ['https://app.example.com'], allowedHeaders: ['Content-Type'], exposedHeaders: [] }));
app.use((req, _res, next) => next(req.headers.authorization ? undefined : new Error('no token')));
app.get('/', (_req, res) => res.send('ok'));
app.listen(3000);
`;
    expect(findings(headers, text, { express: '5.1.0' }).map((finding) => finding.line)).toEqual([3]);
  });

  it('keeps a local headers middleware called as a member (security.headers())', () => {
    const text = `import express from 'express';
import * as security from './security/index.js';
const app = express();
app.use(security.headers());
app.get('/', (_req, res) => res.send('ok'));
app.listen(3000);
`;
    expect(findings(headers, text, { express: '5.1.0' })).toEqual([]);
  });
});

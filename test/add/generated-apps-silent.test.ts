import { describe, expect, it } from 'vitest';
import { rules } from '../../codemods/index.js';
import { generators, versions } from '../../generators/index.js';
import { checkSource } from '../../src/engine/check-source.js';
import type { SourceRule } from '../../src/engine/rule.js';
import { renderGenerators } from '../../src/engine/render.js';
import { rulesPreset } from '../../src/policy/index.js';

/** The rules that `secure add headers / rate-limit / ws-auth` answer must stay silent on what we generate. */
const appRules = rules.filter((rule) =>
  ['missing-security-headers', 'missing-rate-limit', 'ws-unauthenticated'].includes(rule.meta.id),
) as SourceRule[];
const project = { root: '/p', policy: rulesPreset, moduleSystem: 'esm' as const };

function findingsIn(path: string, text: string): string[] {
  return checkSource(text, `/p/${path}`, appRules, project).findings.map(
    (finding) => `${path}:${finding.line} ${finding.rule}`,
  );
}

describe('the app rules on generated apps', () => {
  it('are registered', () => {
    expect(appRules).toHaveLength(3);
  });

  it('report a bare app (the control: these rules can fire)', () => {
    const bare = `import express from 'express';\nimport { Server } from 'socket.io';\nconst app = express();\napp.get('/', (_q, r) => r.send('ok'));\nconst io = new Server(app.listen(3000));\nio.on('connection', (s) => s.emit('hi'));\n`;
    expect(
      findingsIn('src/app.ts', bare)
        .map((line) => line.split(' ')[1])
        .sort(),
    ).toEqual(['missing-rate-limit', 'missing-security-headers', 'ws-unauthenticated']);
  });

  for (const framework of ['express', 'fastify'] as const)
    for (const ws of ['socket.io', 'ws', 'none'] as const)
      it(`stay silent on a ${framework} app with ws=${ws}`, () => {
        const context = {
          policy: rulesPreset,
          framework,
          express: framework === 'express',
          fastify: framework === 'fastify',
          db: 'sqlite' as const,
          ws,
          redis: false,
          preset: 'rules' as const,
          appName: 'generated',
          moduleSystem: 'esm' as const,
          versions,
        };
        const files = renderGenerators(
          // The Python stack (templates/fastapi) renders only for --framework fastapi.
          generators.filter((generator) => generator.name !== 'fastapi').map((generator) => generator.name),
          context,
          { srcDir: 'src' },
        );
        const checked = [...files.values()].filter((file) => /\.[jt]s$/.test(file.path));
        expect(checked.length).toBeGreaterThan(5);
        expect(checked.flatMap((file) => findingsIn(file.path, file.content))).toEqual([]);
      });
});

import { describe, expect, it } from 'vitest';
import { findGenerator } from '../../generators/index.js';
import { versionsFor } from '../../generators/versions.js';
import { renderGenerator } from '../../src/engine/render.js';
import { facts, moduleContext } from './module-context.js';

const allowlists = (project: ReturnType<typeof facts>) =>
  [...renderGenerator('config', moduleContext('express', project)).entries()].find(([path]) =>
    path.endsWith('allowlists.ts'),
  )![1];

describe('the proxy trust test on the Node the project targets', () => {
  it('uses proxy-addr, declared with its types, where @types/node 14 has no BlockList', () => {
    const node14 = facts({ nodeMajor: 14, installed: { '@types/node': '14.18.63' } });
    const text = allowlists(node14);
    expect(text).not.toContain('BlockList');
    expect(text).toContain(`import { compile } from 'proxy-addr';`);
    const context = moduleContext('express', node14);
    const config = findGenerator('config')!;
    expect(config.dependencies?.(context)).toContain('proxy-addr');
    expect(config.devDependencies?.(context)).toEqual(['@types/proxy-addr']);
    expect(versionsFor(context)['proxy-addr']).toMatch(/^2\./);
  });

  it("keeps node:net's BlockList and adds no package on Node 15 and later", () => {
    const text = allowlists(facts({ nodeMajor: 18 }));
    expect(text).toContain(`import { BlockList, isIP } from 'node:net';`);
    expect(text).not.toContain(`from 'proxy-addr'`);
    expect(findGenerator('config')!.dependencies?.(moduleContext('express', facts()))).toEqual(['zod']);
  });
});

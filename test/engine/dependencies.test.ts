import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dependenciesUnchanged,
  readTextIfAny,
  recordDependencies,
} from '../../codemods/_shared/project/dependencies.js';
import { projectSources } from '../../codemods/_shared/project/files.js';
import { relativeModulePackage } from '../../codemods/_shared/sql/project-modules.js';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
const folder = () => {
  const root = mkdtempSync(join(tmpdir(), 'secure-deps-'));
  roots.push(root);
  return root;
};

describe('the dependency recorder', () => {
  it('notes a file absent when read, and sees it appear', () => {
    const root = folder();
    const { value, dependencies } = recordDependencies(() => readTextIfAny(join(root, 'tsconfig.json')));
    expect(value).toBeUndefined();
    expect(dependencies).toEqual([{ path: join(root, 'tsconfig.json'), size: -1, mtimeMs: -1 }]);
    expect(dependenciesUnchanged(dependencies as [])).toBe(true);
    writeFileSync(join(root, 'tsconfig.json'), '{}');
    expect(dependenciesUnchanged(dependencies as [])).toBe(false);
  });

  it('still notes what a per-process memo serves: the second analysis depends on the same files', () => {
    const root = folder();
    writeFileSync(join(root, 'db.js'), "module.exports = require('knex')({});\n");
    writeFileSync(join(root, 'a.js'), '');
    const packages = { knex: true };
    const first = recordDependencies(() => relativeModulePackage('./db', join(root, 'a.js'), packages));
    const second = recordDependencies(() => relativeModulePackage('./db', join(root, 'a.js'), packages));
    expect(first.value).toBe('knex');
    expect(second.value).toBe('knex');
    expect(second.dependencies).toEqual(first.dependencies);
    expect((first.dependencies as { path: string }[]).map((d) => d.path)).toContain(join(root, 'db.js'));

    const walked = recordDependencies(() => projectSources(root));
    const again = recordDependencies(() => projectSources(root));
    expect(walked.dependencies).toBe('project');
    expect(again.dependencies).toBe('project');
    // Nothing is noted outside a recording, and a recording leaves nothing behind.
    expect(recordDependencies(() => 1).dependencies).toEqual([]);
  });
});

describe('rules read other files only through the recorder', () => {
  // Each of these notes what it reads itself (a stamp before the read, or the whole project for a walk);
  // env-committed is a project rule, which the per-file cache never holds.
  const allowed = new Set([
    '_shared/project/dependencies.ts',
    '_shared/project/files.ts',
    '_shared/python/project.ts',
    '_shared/secrets/replacement.ts',
    '_shared/sql/project-modules.ts',
    'env-committed/rule.ts',
    'env-committed/template.ts',
  ]);

  it('no other rule source imports node:fs (its reads would leave cached analyses stale)', () => {
    const codemods = join(import.meta.dirname, '..', '..', 'codemods');
    const offenders = readdirSync(codemods, { recursive: true, encoding: 'utf8' }).filter(
      (path) =>
        /\.ts$/.test(path) &&
        !/\.test\.ts$|(?:^|\/)fixtures\//.test(path) &&
        !allowed.has(path) &&
        /from ['"](?:node:)?fs(?:\/promises)?['"]/.test(readFileSync(join(codemods, path), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProject } from '../../src/scaffold/write.js';

// Two entries that cannot both exist: a file `src/server.ts` and a folder of the same name.
const impossible = [
  { path: 'README.md', content: 'generated' },
  { path: 'src/server.ts', content: 'x' },
  { path: 'src/server.ts/inner.ts', content: 'y' },
];

describe('writeProject', () => {
  it('creates nothing when any file fails to write', () => {
    const parent = mkdtempSync(join(tmpdir(), 'csa-write-'));
    const target = join(parent, 'app');
    // The error names the file in the target the user asked for, never the staging folder.
    expect(() => writeProject(target, impossible)).toThrow(
      /^.*\/app\/src\/server\.ts(\/inner\.ts)?: .* \((EEXIST|ENOTDIR)\)$/,
    );
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('removes the parent folders it created when a file fails to write', () => {
    const parent = mkdtempSync(join(tmpdir(), 'csa-write-'));
    expect(() => writeProject(join(parent, 'a', 'b', 'app'), impossible)).toThrow();
    expect(readdirSync(parent)).toEqual([]);
  });

  it('reports the topmost folder it created, and nothing for a folder that existed', () => {
    const parent = mkdtempSync(join(tmpdir(), 'csa-write-'));
    expect(writeProject(join(parent, 'a', 'b', 'app'), [{ path: 'x.ts', content: 'x' }])).toEqual({
      created: join(parent, 'a'),
      replaced: [],
    });
    expect(writeProject(join(parent, 'new'), [{ path: 'x.ts', content: 'x' }]).created).toBe(
      join(parent, 'new'),
    );
    expect(writeProject(join(parent, 'new'), [{ path: 'x.ts', content: 'y' }])).toEqual({
      replaced: ['x.ts'],
    });
  });

  it('leaves an existing folder as it was when a file fails to write', () => {
    const parent = mkdtempSync(join(tmpdir(), 'csa-write-'));
    const target = join(parent, 'app');
    mkdirSync(target);
    writeFileSync(join(target, 'README.md'), 'mine');
    expect(() => writeProject(target, impossible)).toThrow();
    expect(readFileSync(join(target, 'README.md'), 'utf8')).toBe('mine');
    expect(readdirSync(target)).toEqual(['README.md']);
    expect(readdirSync(parent)).toEqual(['app']);
  });

  it('replaces same-named files and keeps the others in an existing folder', () => {
    const parent = mkdtempSync(join(tmpdir(), 'csa-write-'));
    const target = join(parent, 'app');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'mine');
    writeProject(target, [{ path: 'src/server.ts', content: 'x' }]);
    expect(readdirSync(target).sort()).toEqual(['notes.txt', 'src']);
    expect(readFileSync(join(target, 'src', 'server.ts'), 'utf8')).toBe('x');
  });
});

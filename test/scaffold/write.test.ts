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
    expect(() => writeProject(target, impossible)).toThrow(/Nothing was changed|could not write/);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
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

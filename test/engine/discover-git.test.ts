import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { discoverFiles, type DiscoverOptions } from '../../src/engine/discover.js';
import { trackedFiles } from '../../src/engine/git.js';
import { workTreeListing, workTreeView, type WorkTreeView } from '../../src/engine/work-tree.js';
import { git, tempProject, writeFiles } from '../helpers/temp-repo.js';

/**
 * In a git work tree, discovery asks git what it ignores instead of matching every path against the
 * .gitignore files: the files found and the skips reported (with their reasons) must be the same either way.
 */
let root: string;

beforeAll(() => {
  root = tempProject({
    '.gitignore': 'logs/\n*.generated.ts\n/notes.js\nvendor/keep/\nempty-ish/*.js\n',
    '.secureignore': 'legacy/\n',
    'package.json': '{"name":"api"}',
    'src/app.ts': 'export const app = 1;\n',
    'src/a.generated.ts': 'export const a = 1;\n',
    'src/nested/.gitignore': 'local-*.ts\n!local-keep.ts\n',
    'src/nested/local-x.ts': 'x\n',
    'src/nested/local-keep.ts': 'x\n',
    'src/nested/ok.ts': 'x\n',
    'logs/debug.js': 'x\n',
    'notes.js': 'x\n',
    'sub/notes.js': 'x\n',
    'legacy/old.js': 'x\n',
    'vendor/keep/tracked.js': 'x\n',
    'empty-ish/only.js': 'x\n',
    'dist/bundle.js': 'x\n',
    'node_modules/dep/index.js': 'x\n',
  });
  // Tracked although ignored: git keeps tracking them, and so does discovery.
  git(root, 'add', '-f', 'vendor/keep/tracked.js', 'src/a.generated.ts');
  git(root, 'commit', '-q', '-m', 'tracked though ignored');
  writeFiles(root, {
    'src/new.ts': 'untracked, not ignored\n',
    'src/b.generated.ts': 'untracked, ignored\n',
    'vendor/keep/untracked.js': 'untracked, ignored\n',
    'inner/.gitignore': 'built/\n',
    'inner/index.js': 'x\n',
    'inner/built/out.js': 'x\n',
    'scratch/x.js': 'x\n',
  });
  // A repository inside the work tree: git lists none of its files, its own .gitignore decides.
  git(join(root, 'inner'), 'init', '-q', '-b', 'main');
  writeFileSync(join(root, '.git', 'info', 'exclude'), 'scratch/\n');
  mkdirSync(join(root, 'links'));
  symlinkSync(join(root, 'src', 'app.ts'), join(root, 'links', 'app.ts'));
});

afterEach(() => {
  delete process.env.GIT_CONFIG_GLOBAL;
});

function discover(paths: string[], withGit: boolean, extra: Partial<DiscoverOptions> = {}) {
  let asked = 0;
  let view: WorkTreeView | undefined;
  const result = discoverFiles({
    cwd: root,
    paths,
    gitRoot: root,
    trackedFiles: () => trackedFiles(root),
    ...(withGit
      ? {
          workTree: () => {
            asked++;
            return (view ??= workTreeView(root, workTreeListing(root)!.visible));
          },
        }
      : {}),
    ...extra,
  });
  const relativeTo = (path: string) => path.slice(root.length + 1);
  return {
    files: result.files.map((file) => relativeTo(file.path)),
    skipped: result.skipped.map(
      (entry) => `${relativeTo(entry.path)}${entry.folder ? '/' : ''} ${entry.reason}`,
    ),
    asked,
  };
}

describe("discovery with git's own listing", () => {
  it('finds the same files and skips as matching the ignore files, and git was asked', () => {
    const byIgnoreFiles = discover([], false);
    const byGit = discover([], true);
    expect(byGit.asked).toBe(1);
    expect(byGit.files).toEqual(byIgnoreFiles.files);
    expect(byGit.skipped).toEqual(byIgnoreFiles.skipped);
    expect(byGit.files).toEqual(
      expect.arrayContaining([
        'src/a.generated.ts',
        'src/new.ts',
        'src/nested/local-keep.ts',
        'sub/notes.js',
        'vendor/keep/tracked.js',
        'inner/index.js',
      ]),
    );
    for (const hidden of [
      'src/b.generated.ts',
      'src/nested/local-x.ts',
      'notes.js',
      'vendor/keep/untracked.js',
    ])
      expect(byGit.files).not.toContain(hidden);
    expect(byGit.skipped).toEqual(
      expect.arrayContaining([
        'logs/ ignored',
        'legacy/ ignored',
        'scratch/ ignored',
        'inner/built/ ignored',
        'dist/ build-output',
        'node_modules/ dependencies',
        'links/app.ts ignored',
        'vendor/keep/untracked.js ignored',
      ]),
    );
  });

  it('agrees on a folder the user names, ignored ones included, and with --ignore-pattern', () => {
    for (const paths of [['src'], ['logs'], ['vendor/keep'], ['src/nested', 'empty-ish'], ['inner']]) {
      const byGit = discover(paths, true, { ignorePatterns: ['src/nested/ok.ts'] });
      const byIgnoreFiles = discover(paths, false, { ignorePatterns: ['src/nested/ok.ts'] });
      expect(byGit, paths.join(' ')).toEqual({ ...byIgnoreFiles, asked: byGit.asked });
    }
    // A folder an ignore line hides is walked whatever that line says, which git cannot list.
    expect(discover(['logs'], true).files).toEqual(['logs/debug.js']);
    expect(discover(['vendor/keep'], true).files).toEqual([
      'vendor/keep/tracked.js',
      'vendor/keep/untracked.js',
    ]);
  });

  it("leaves the user's global excludes file out, as matching the ignore files does", () => {
    const config = join(root, '..', `${root.split('/').pop()}-gitconfig`);
    const excludes = `${config}-ignore`;
    writeFileSync(excludes, '*.ts\n');
    writeFileSync(config, `[core]\n\texcludesFile = ${excludes}\n`);
    process.env.GIT_CONFIG_GLOBAL = config;
    const byGit = discover([], true);
    expect(byGit.files).toContain('src/new.ts');
    expect(byGit.files).toEqual(discover([], false).files);
  });
});

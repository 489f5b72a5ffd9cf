import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real projects arrive as bare git directories (the search tool's `fetch` puts them under /work/.mirror);
 * scripts cannot download. A project is `{ name, mirror: 'owner+name', commit }`: the mirror folder is looked
 * up under MIRRORS (default /work/.mirror), and the pinned commit is exported into a fresh temp folder, never
 * into this repository.
 */
export const mirrorsRoot = process.env.MIRRORS ?? '/work/.mirror';

/** The git directory of a fetched repository, or undefined when it has not been fetched on this machine. */
export function mirrorGitDir(mirror) {
  const base = join(mirrorsRoot, mirror);
  if (!existsSync(base)) return undefined;
  if (existsSync(join(base, 'HEAD'))) return base;
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    const candidate = join(base, entry.name);
    if (entry.isDirectory() && existsSync(join(candidate, 'HEAD'))) return candidate;
  }
  return undefined;
}

/**
 * Exports `commit` of the project into `<parent>/<name>` (a new temp folder unless given) and returns the path.
 * `project.paths` (optional) limits the export to those files and folders: a monorepo whose other parts are outside
 * the product, or whose mirror lacks a large file elsewhere in the tree (git archive of the whole tree fails then).
 */
export function exportProject(project, parent = mkdtempSync(join(tmpdir(), 'secure-real-'))) {
  const gitDir = mirrorGitDir(project.mirror);
  if (!gitDir)
    throw new Error(
      `${project.mirror} is not fetched under ${mirrorsRoot}: fetch github:${project.mirror.replace('+', '/')} first`,
    );
  const dest = join(parent, project.name);
  mkdirSync(dest, { recursive: true });
  const pathspec = project.paths?.length ? ['--', ...project.paths] : [];
  const archive = execFileSync(
    'git',
    ['--git-dir', gitDir, 'archive', '--format=tar', project.commit, ...pathspec],
    {
      maxBuffer: 1024 * 1024 * 1024,
    },
  );
  execFileSync('tar', ['-x', '-C', dest], { input: archive });
  return dest;
}

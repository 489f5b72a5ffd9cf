import { execa } from 'execa';

async function git(cwd: string, args: string[], env?: Record<string, string>) {
  return execa('git', args, { cwd, reject: false, stdin: 'ignore', env });
}

export type GitOutcome = 'committed' | 'inside-repository' | 'git-missing' | 'failed';

/**
 * `git init` and a first commit, unless the folder already belongs to a repository (a monorepo keeps its
 * own history). .env is in the generated .gitignore, so the secret never enters the commit.
 */
export async function initializeRepository(target: string): Promise<GitOutcome> {
  const inside = await git(target, ['rev-parse', '--is-inside-work-tree']);
  if (inside.exitCode === 0 && inside.stdout.trim() === 'true') return 'inside-repository';
  const init = await git(target, ['init', '--quiet']);
  if (init.failed) return (init as { code?: string }).code === 'ENOENT' ? 'git-missing' : 'failed';
  // A machine without a git identity (CI, containers) still gets its first commit, under a neutral name.
  const identity = (await git(target, ['config', 'user.email'])).stdout.trim()
    ? undefined
    : {
        GIT_AUTHOR_NAME: 'create-secure-app',
        GIT_AUTHOR_EMAIL: 'create-secure-app@localhost',
        GIT_COMMITTER_NAME: 'create-secure-app',
        GIT_COMMITTER_EMAIL: 'create-secure-app@localhost',
      };
  const add = await git(target, ['add', '--all']);
  const commit = await git(
    target,
    ['commit', '--quiet', '-m', 'Initial commit from create-secure-app'],
    identity,
  );
  return add.failed || commit.failed ? 'failed' : 'committed';
}

import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { SecureError } from '../errors.js';
import { verifyStaged, type TypeScriptVerifier } from '../engine/verify/index.js';
import type { FileChange } from './plan.js';

/** Writes through a temporary file in the same folder and a rename, so a file is never half-written. */
function writeAtomically(file: string, text: string): void {
  const temporary = join(dirname(file), `.${randomBytes(6).toString('hex')}.secure-tmp`);
  const mode = existsSync(file) ? statSync(file).mode : undefined;
  try {
    writeFileSync(temporary, text, mode === undefined ? undefined : { mode });
    renameSync(temporary, file);
  } catch (error) {
    if (existsSync(temporary)) unlinkSync(temporary);
    throw error;
  }
}

/**
 * The same verification as `secure fix` before anything is written: every file parses, nothing is used
 * before its declaration at module level, and in a TypeScript project tsc reports nothing new. The reason
 * per failing file, by path relative to the root.
 */
export function verificationProblems(
  root: string,
  changes: readonly FileChange[],
  typescript?: TypeScriptVerifier | null,
): Map<string, string> {
  const problems = verifyStaged(
    changes.map((change) => ({ path: join(root, change.path), before: change.before, after: change.after })),
    { root, typescript },
  );
  return new Map(
    [...problems].map(([path, reason]) => [relative(root, path).split(sep).join('/') || path, reason]),
  );
}

function assertVerified(root: string, changes: readonly FileChange[]): void {
  const problems = verificationProblems(root, changes);
  const [first] = problems;
  if (!first) return;
  const more =
    problems.size > 1 ? ` (and ${problems.size - 1} more file${problems.size > 2 ? 's' : ''})` : '';
  throw new SecureError('REFUSED', `${first[0]}: ${first[1]}${more}; secure add wrote nothing`, {
    hint: 'Run `secure add --dry-run` to see the change, and report the problem to create-secure-app.',
  });
}

/** The folders `mkdir -p` would create for `dir`, outermost first. */
function missingFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let current = dir; !existsSync(current); current = dirname(current)) missing.unshift(current);
  return missing;
}

/**
 * Writes every change or none: each file atomically; when one write fails, the files already written are
 * put back as they were, new files and folders removed, and the error is raised.
 */
export function writeChanges(
  root: string,
  changes: FileChange[],
  hooks: { beforeWrite?: (path: string) => void; verified?: boolean } = {},
): void {
  if (!hooks.verified) assertVerified(root, changes);
  const written: FileChange[] = [];
  const createdFolders: string[] = [];
  try {
    for (const change of changes) {
      const file = join(root, change.path);
      hooks.beforeWrite?.(change.path);
      const folders = missingFolders(dirname(file));
      mkdirSync(dirname(file), { recursive: true });
      createdFolders.push(...folders);
      writeAtomically(file, change.after);
      written.push(change);
    }
  } catch (error) {
    const failures: string[] = [];
    for (const change of written.reverse()) {
      const file = join(root, change.path);
      try {
        if (change.before === undefined) unlinkSync(file);
        else writeAtomically(file, change.before);
      } catch {
        failures.push(change.path);
      }
    }
    for (const folder of createdFolders.reverse())
      if (existsSync(folder) && readdirSync(folder).length === 0) rmdirSync(folder);
    const message = error instanceof Error ? error.message : String(error);
    throw new SecureError(
      'IO',
      failures.length === 0
        ? `could not write the changes (${message}); the project is as it was`
        : `could not write the changes (${message}) nor restore ${failures.join(', ')}`,
      { cause: error, hint: failures.length === 0 ? undefined : 'Restore those files from git.' },
    );
  }
}

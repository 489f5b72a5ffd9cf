import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProjectRule } from '../../src/engine/rule.js';
import { writeFileAtomic } from '../../src/engine/atomic-write.js';
import { hasRealValue, parseDotenv, type DotenvEntry } from '../_shared/secrets/dotenv.js';
import { isSecretName } from '../_shared/secrets/names.js';
import { isTestPath } from '../_shared/secrets/paths.js';
import { knownKeyFormat, urlPassword } from '../_shared/secrets/values.js';

/** Files meant to be committed: templates without values, and dotenv-vault's encrypted file. */
const templateFile =
  /^\.env\.(?:example|sample|template|dist|defaults|default|schema|vault|keys|tpl|skeleton)(?:\.|$)|\.(?:example|sample|template|dist|tpl)$/i;
/** Test and CI env files commonly hold fake values on purpose; only real key formats count there. */
const testFile = /^\.env\.(?:test|testing|ci|e2e|spec)(?:\.|$)/i;

/** `example.env`, `sample.env`, `app.env.template`: the `NAME.env` spelling of a template. */
const namedTemplateFile = /^(?:example|sample|template|default|defaults|dist)\.env$/i;

/** `.env`, `.env.production`, and the `NAME.env` files docker compose's env_file points at (`db.env`, `vars.env`). */
export function isDotenvFile(path: string): boolean {
  const name = basename(path);
  if (/^[\w.-]+\.env$/.test(name) && !name.startsWith('.')) return !namedTemplateFile.test(name);
  return /^\.env(?:\.|$)/.test(name) && !templateFile.test(name);
}

/** The first line that holds a secret, or (in `.env` / `*.local`, never meant for git) any real value. */
function leakedEntry(path: string, text: string): { first: DotenvEntry; secrets: string[] } | undefined {
  const name = basename(path);
  const entries = parseDotenv(text).filter(hasRealValue);
  const secrets = entries.filter((entry) =>
    testFile.test(name)
      ? knownKeyFormat(entry.value) !== undefined
      : isSecretName(entry.name) ||
        urlPassword(entry.value) !== undefined ||
        knownKeyFormat(entry.value) !== undefined,
  );
  const localOnly = name === '.env' || /\.local$/.test(name);
  const first = secrets[0] ?? (localOnly && !testFile.test(name) ? entries[0] : undefined);
  return first ? { first, secrets: secrets.map((entry) => entry.name) } : undefined;
}

function git(root: string, args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr ?? '' };
}

/** Appends the path to the project's .gitignore unless a rule already ignores it. */
function ignore(root: string, path: string): void {
  if (git(root, ['check-ignore', '-q', '--', path]).status === 0) return;
  const gitignore = join(root, '.gitignore');
  const current = existsSync(gitignore) ? readFileSync(gitignore, 'utf8') : '';
  const eol = current.includes('\r\n') ? '\r\n' : '\n';
  const line = path.includes('/') ? `/${path}` : path;
  if (current.split(/\r?\n/).some((existing) => existing.trim() === line)) return;
  const separator = current === '' || current.endsWith('\n') ? '' : eol;
  writeFileAtomic(gitignore, `${current}${separator}${line}${eol}`);
}

const rule: ProjectRule = {
  kind: 'project',
  meta: {
    id: 'env-committed',
    title: '.env files tracked by git',
    description:
      'A committed .env file publishes every secret in it to everyone who can clone the repository, and the ' +
      'values stay in git history after the file is deleted.',
    checklist: 'secrets',
    severity: 'critical',
    cwe: [538, 798],
    fixable: true,
    hint: 'Untrack the file (git rm --cached), ignore it, commit .env.example with names only, and rotate its secrets.',
  },
  async check(context) {
    for (const path of context.trackedFiles) {
      if (!isDotenvFile(path) || path.includes('node_modules/') || isTestPath(path)) continue;
      const absolute = join(context.project.root, path);
      if (!existsSync(absolute)) continue;
      const leaked = leakedEntry(path, readFileSync(absolute, 'utf8'));
      if (!leaked) continue;
      const held = leaked.secrets.length > 0 ? ` (${leaked.secrets.join(', ')})` : '';
      context.report({
        file: path,
        line: leaked.first.line,
        message: `${path} is tracked by git: rotate the secrets it holds${held}, they are in the history`,
        fixDescription: `untrack ${path} (git rm --cached, the file stays on disk) and add it to .gitignore`,
        async fix() {
          const removed = git(context.project.root, ['rm', '--cached', '--quiet', '--', path]);
          if (removed.status !== 0)
            throw new Error(`git rm --cached ${path} failed: ${removed.stderr.trim()}`);
          ignore(context.project.root, path);
        },
      });
    }
  },
};

export default rule;

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ProjectRule } from '../../src/engine/rule.js';
import { writeFileAtomic } from '../../src/engine/atomic-write.js';
import { entropy, matchKeyFormat, redact } from '../_shared/key-formats.js';
import { secretAssignment } from '../_shared/secrets/assignment.js';
import { hasRealValue, parseDotenv, type DotenvEntry } from '../_shared/secrets/dotenv.js';
import { isSecretName } from '../_shared/secrets/names.js';
import { isTestPath } from '../_shared/secrets/paths.js';
import { projectDependencies } from '../_shared/project/files.js';
import { isHighEntropy, urlPassword } from '../_shared/secrets/values.js';

/** Files meant to be committed: templates without values, and dotenv-vault's encrypted file. */
const templateFile =
  /^\.env\.(?:example|sample|template|dist|defaults|default|schema|vault|keys|tpl|skeleton)(?:\.|$)|\.(?:example|sample|template|dist|tpl)$/i;
/** Test and CI env files commonly hold fake values on purpose; only real key formats count there. */
const testFile = /^\.env\.(?:test|testing|ci|e2e|spec)(?:\.|$)/i;

/** `example.env`, `sample.env`, `app.env.template`: the `NAME.env` spelling of a template. */
const namedTemplateFile = /^(?:example|sample|template|default|defaults|dist)\.env$/i;

/** `.env.example`, `example.env`: committed on purpose, with names and placeholder values. */
export function isDotenvTemplate(path: string): boolean {
  const name = basename(path);
  if (/^[\w.-]+\.env$/.test(name) && !name.startsWith('.')) return namedTemplateFile.test(name);
  return /^\.env\./.test(name) && templateFile.test(name) && !/vault|keys/i.test(name);
}

/** `.env`, `.env.production`, and the `NAME.env` files docker compose's env_file points at (`db.env`, `vars.env`). */
export function isDotenvFile(path: string): boolean {
  const name = basename(path);
  if (/^[\w.-]+\.env$/.test(name) && !name.startsWith('.')) return !namedTemplateFile.test(name);
  return /^\.env(?:\.|$)/.test(name) && !templateFile.test(name);
}

/** A committed file's line that gives a secret away, with what the finding may say about it. */
interface Leak {
  entry: DotenvEntry;
  /** The redacted value, or why the line is reported without one. */
  shown: string;
  /** The value is a placeholder now: the file is where the real secret will be written. */
  placeholder?: boolean;
}

/** `changethis`, `change-me`: a value a template tells the user to replace, not a secret yet. */
const replaceMe = /^(?:please[-_ ]?)?change[-_ ]?(?:this|me|it)(?:[-_ ]?(?:please|now))?$/i;

/**
 * Frameworks that document a committed `.env` for public, non-secret defaults (and `.env.local` for the rest):
 * Vite, Next.js, Create React App, Nuxt, SvelteKit, Astro.
 */
const committedEnvFrameworks = ['vite', 'next', 'react-scripts', 'nuxt', '@sveltejs/kit', 'astro'];

function usesCommittedEnvFramework(root: string, path: string): boolean {
  const dependencies = projectDependencies(join(root, dirname(path)));
  return committedEnvFrameworks.some((name) => dependencies.has(name));
}

/**
 * The lines that hold a secret: each named secret, URL password or key format (in test env files only key
 * formats). A `.env` / `*.local` file (never meant for git) with no such line is still reported once: at its
 * first secret's placeholder (the real value will be written into the tracked file), or else at its first real
 * value, unless a front-end framework documents a committed `.env` for public defaults.
 */
function leakedEntries(root: string, path: string, text: string): Leak[] {
  const name = basename(path);
  const entries = parseDotenv(text).filter(hasRealValue);
  const leaks: Leak[] = [];
  let placeholderSecret: DotenvEntry | undefined;
  for (const entry of entries) {
    const format = matchKeyFormat(entry.value);
    if (format) leaks.push({ entry, shown: redact(entry.value, format) });
    else if (testFile.test(name)) continue;
    else if (isSecretName(entry.name) && replaceMe.test(entry.value)) placeholderSecret ??= entry;
    else if (isSecretName(entry.name) || urlPassword(entry.value) !== undefined)
      leaks.push({ entry, shown: redact(entry.value) });
  }
  const localOnly = name === '.env' || /\.local$/.test(name);
  if (leaks.length > 0 || !localOnly || testFile.test(name)) return leaks;
  if (placeholderSecret)
    return [{ entry: placeholderSecret, placeholder: true, shown: 'a placeholder today' }];
  if (entries[0] && !usesCommittedEnvFramework(root, path))
    leaks.push({ entry: entries[0], shown: 'a value meant to stay on one machine' });
  return leaks;
}

/** Generated, not typed: mixed classes with high entropy, or a long hex string (OAuth client secrets, tokens). */
function looksRandom(value: string): boolean {
  return isHighEntropy(value) || (/^[0-9a-f]{24,}$/i.test(value) && /\d/.test(value) && entropy(value) >= 3);
}

/**
 * A committed template (`.env.example`) is meant for git: only a value that is really someone's secret is a leak
 * there, a provider's key, a URL password, or a random-looking value under a secret's name, never a placeholder.
 */
function leakedTemplateEntries(text: string): Leak[] {
  return parseDotenv(text)
    .filter(hasRealValue)
    .flatMap((entry) => {
      const found = secretAssignment(entry.name, entry.value);
      if (!found) return [];
      if (!found.format && found.kind !== 'url-password' && !looksRandom(entry.value)) return [];
      return [{ entry, shown: found.redacted }];
    });
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
      if (path.includes('node_modules/') || isTestPath(path)) continue;
      const template = isDotenvTemplate(path);
      if (!template && !isDotenvFile(path)) continue;
      const absolute = join(context.project.root, path);
      if (!existsSync(absolute)) continue;
      const text = readFileSync(absolute, 'utf8');
      const leaks = template ? leakedTemplateEntries(text) : leakedEntries(context.project.root, path, text);
      // One git rm for the file, however many of its lines are reported.
      let untracked: Promise<void> | undefined;
      const untrack = () => {
        untracked ??= (async () => {
          const removed = git(context.project.root, ['rm', '--cached', '--quiet', '--', path]);
          if (removed.status !== 0)
            throw new Error(`git rm --cached ${path} failed: ${removed.stderr.trim()}`);
          ignore(context.project.root, path);
        })();
        return untracked;
      };
      for (const { entry, shown, placeholder } of leaks) {
        const base = { file: path, line: entry.line };
        if (template) {
          context.report({
            ...base,
            message: `${path} is a committed template, but ${entry.name} holds a real secret (${shown}): it is in the history`,
            unfixableReason: `blank ${entry.name}'s value in ${path} (keep the name) and rotate the secret`,
          });
          continue;
        }
        context.report({
          ...base,
          message: placeholder
            ? `${path} is tracked by git: ${entry.name} is a placeholder today, but the real secret will be written into this tracked file`
            : `${path} is tracked by git: ${entry.name} gives away ${shown}; rotate it, it is in the history`,
          fixDescription: `untrack ${path} (git rm --cached, the file stays on disk) and add it to .gitignore`,
          fix: untrack,
        });
      }
    }
  },
};

export default rule;

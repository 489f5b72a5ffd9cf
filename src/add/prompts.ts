import { SecureError } from '../errors.js';
import type { PromptDeclaration } from './generator-source.js';

export type Answers = Record<string, string | boolean>;

export interface AnswerOptions {
  /** Values from flags, keyed by prompt name. */
  answers?: Answers;
  /** Take every default. */
  yes?: boolean;
  /** Ask on the terminal; only when stdin and stdout are TTYs and CI is unset. */
  interactive?: boolean;
}

/** Stdin and stdout are terminals and CI is unset: the only case where `secure add` asks. */
export function canPrompt(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !env.CI;
}

async function ask(prompt: PromptDeclaration): Promise<string | boolean> {
  // Loaded only when a question is asked: most runs answer by flags and never need it.
  const { confirm, select } = await import('@inquirer/prompts');
  if (!prompt.choices) return confirm({ message: prompt.message, default: Boolean(prompt.default) });
  return select({
    message: prompt.message,
    choices: (prompt.choices ?? []).map((value) => ({ value, name: value })),
    default: String(prompt.default),
  });
}

export function flagOf(prompt: PromptDeclaration): string {
  return `--${prompt.flag.replace(/^-+/, '')}`;
}

function checked(prompt: PromptDeclaration, value: string | boolean): string | boolean {
  if (prompt.choices && !prompt.choices.includes(String(value)))
    throw new SecureError(
      'USAGE',
      `${flagOf(prompt)} ${String(value)}: must be one of ${prompt.choices.join(', ')}`,
    );
  return value;
}

/** Flag values first, then defaults with --yes, then the terminal; otherwise a one-line usage error. */
export async function resolveAnswers(
  prompts: readonly PromptDeclaration[],
  options: AnswerOptions,
  known: Answers = {},
): Promise<Answers> {
  const answers: Answers = { ...known };
  const asked = new Set<string>();
  for (const prompt of prompts) {
    if (asked.has(prompt.name)) continue;
    asked.add(prompt.name);
    const given = options.answers?.[prompt.name];
    if (given !== undefined) answers[prompt.name] = checked(prompt, given);
    else if (prompt.name in known) continue;
    else if (options.yes) answers[prompt.name] = prompt.default;
    else if (options.interactive) answers[prompt.name] = checked(prompt, await ask(prompt));
    else
      throw new SecureError(
        'NO_TTY',
        `no terminal to ask "${prompt.message}": pass ${flagOf(prompt)}${prompt.choices ? ` <${prompt.choices.join('|')}>` : ''}, or --yes for the default (${String(prompt.default)})`,
      );
  }
  return answers;
}

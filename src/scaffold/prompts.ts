import type { Answers } from '../engine/generator.js';
import { SecureError } from '../errors.js';
import { defaultAnswers } from './context.js';
import { choiceFlags } from './options.js';

export interface PromptEnvironment {
  /** stdin and stdout are terminals and CI is unset. */
  interactive: boolean;
  /** --yes: take the defaults, ask nothing. */
  yes: boolean;
  /** Aborted on Ctrl-C sent as a signal (`kill -INT`): the open prompt closes. */
  signal?: AbortSignal;
}

/** True only when a person can answer: both ends are terminals and no CI variable is set. */
export function canPrompt(
  streams: { stdinIsTTY: boolean; stdoutIsTTY: boolean },
  env: NodeJS.ProcessEnv,
): boolean {
  return streams.stdinIsTTY && streams.stdoutIsTTY && !env.CI;
}

/**
 * Choices without which we refuse to guess in a script. The preset and Redis are opt-ins whose default
 * (`rules`, no Redis) is the rules' own choice, so they are asked on a terminal but never required.
 */
const requiredWithoutTty = ['framework', 'db', 'ws'] as const;

const questions: Record<keyof typeof choiceFlags, string> = {
  framework: 'Web framework',
  db: 'Database',
  ws: 'WebSocket library',
  preset: 'Security preset (rules = the security rules; asvs = OWASP ASVS 5: argon2id, no composition rule)',
};

export async function completeAnswers(
  given: Partial<Answers>,
  environment: PromptEnvironment,
): Promise<Answers> {
  if (environment.yes) return { ...defaultAnswers, ...given };
  if (!environment.interactive) {
    const missing = requiredWithoutTty.find((name) => given[name] === undefined);
    if (missing) {
      const { flag, choices } = choiceFlags[missing];
      throw new SecureError(
        'NO_TTY',
        `no terminal to ask on: pass ${flag} ${choices.join('|')} (or --yes for the defaults)`,
      );
    }
    return { ...defaultAnswers, ...given };
  }
  // Loaded only when a person is there to answer.
  const { select, confirm } = await import('@inquirer/prompts');
  const answers: Answers = { ...defaultAnswers, ...given };
  const context = { signal: environment.signal };
  for (const name of Object.keys(choiceFlags) as (keyof typeof choiceFlags)[]) {
    if (given[name] !== undefined) continue;
    const value = await select(
      {
        message: questions[name],
        choices: choiceFlags[name].choices.map((choice) => ({ value: choice })),
        default: defaultAnswers[name],
      },
      context,
    );
    Object.assign(answers, { [name]: value });
  }
  if (given.redis === undefined) {
    answers.redis = await confirm(
      {
        message: 'Keep rate-limit counters in Redis (for several replicas)?',
        default: defaultAnswers.redis,
      },
      context,
    );
  }
  return answers;
}

/**
 * The project folder, asked for on a terminal; without one it must be on the command line. `problem`
 * says why a typed name cannot be used, and the prompt asks again instead of accepting it.
 */
export async function askDirectory(
  environment: PromptEnvironment,
  problem: (typed: string) => string | undefined,
): Promise<string> {
  if (!environment.interactive || environment.yes) {
    throw new SecureError(
      'NO_TTY',
      'no project folder given: pass it as the first argument, e.g. `create-secure-app my-api`',
    );
  }
  const { input } = await import('@inquirer/prompts');
  return input(
    {
      message: 'Project folder',
      default: 'my-secure-api',
      validate: (typed) => problem(typed) ?? true,
    },
    { signal: environment.signal },
  );
}

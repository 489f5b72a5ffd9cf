import { Command, Option } from 'commander';
import type { Output } from './output.js';
import { packageVersion } from './package-info.js';
import { scaffold, type ScaffoldFlags } from '../scaffold/pipeline.js';
import { canPrompt } from '../scaffold/prompts.js';
import { choiceFlags, packageManagers } from '../scaffold/options.js';

export interface CreateProgramEnvironment {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdinIsTTY?: boolean;
  /** Aborted on Ctrl-C (SIGINT/SIGTERM): the install stops and a folder this run created is removed. */
  signal?: AbortSignal;
}

/** The `create-secure-app` command line. */
export function createProgram(output: Output, environment: CreateProgramEnvironment = {}): Command {
  const env = environment.env ?? process.env;
  return new Command('create-secure-app')
    .description(
      'Scaffold a Node backend (Express 5 or Fastify 5) in which every security rule already holds.',
    )
    .version(packageVersion, '-v, --version')
    .argument('[dir]', 'the folder to create (. for the current folder)')
    .addOption(new Option('--framework <name>', 'web framework').choices(choiceFlags.framework.choices))
    .addOption(new Option('--db <name>', 'database').choices(choiceFlags.db.choices))
    .addOption(new Option('--ws <name>', 'WebSocket library').choices(choiceFlags.ws.choices))
    .option('--redis', 'keep rate-limit counters (and the socket.io adapter) in Redis')
    .option('--no-redis', 'keep rate-limit counters in memory (one replica)')
    .addOption(new Option('--preset <name>', 'security preset').choices(choiceFlags.preset.choices))
    .addOption(
      new Option('-p, --package-manager <name>', 'package manager for the install').choices(packageManagers),
    )
    .option('--skip-install', 'do not install dependencies')
    .option('--skip-git', 'do not create a git repository')
    .option('-y, --yes', 'take the defaults (express, sqlite, socket.io) instead of asking')
    .option('-d, --dry-run', 'list the files that would be created and write nothing')
    .option('-f, --force', 'write into a non-empty folder (same-named files are replaced, and listed)')
    .option('--keep-on-failure', 'keep the new folder when the install fails or is interrupted')
    .action(async (dir: string | undefined, flags: ScaffoldFlags) => {
      await scaffold(dir, flags, {
        cwd: environment.cwd ?? process.cwd(),
        env,
        interactive: canPrompt(
          {
            stdinIsTTY: environment.stdinIsTTY ?? Boolean(process.stdin.isTTY),
            stdoutIsTTY: output.interactive,
          },
          env,
        ),
        output,
        signal: environment.signal,
      });
    });
}

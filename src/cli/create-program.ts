import { Command } from 'commander';
import { SecureError } from '../errors.js';
import type { Output } from './output.js';
import { packageVersion } from './package-info.js';

/** The `create-secure-app` command line. The scaffolding pipeline fills in the action. */
export function createProgram(_output: Output): Command {
  return new Command('create-secure-app')
    .description(
      'Scaffold a Node backend (Express 5 or Fastify 5) in which every security rule already holds.',
    )
    .version(packageVersion, '-v, --version')
    .argument('[dir]', 'the folder to create (. for the current folder)')
    .action(() => {
      throw new SecureError('USAGE', 'scaffolding is not available in this version', {
        hint: 'Run `create-secure-app --help` to see what this version supports.',
      });
    });
}

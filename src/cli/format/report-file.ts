import { resolve } from 'node:path';
import { createColors } from 'picocolors';
import { writeFileAtomic } from '../../engine/atomic-write.js';
import { fromSystemError } from '../../errors.js';
import { forcedColor, type Output } from '../output.js';

/**
 * Where a report goes: stdout, or with `-o/--output-file` a file written in one piece once the run ends (a
 * crash or Ctrl-C never leaves half a report for CI to upload). Messages still go to stderr.
 */
export function reportDestination(
  output: Output,
  cwd: string,
  outputFile: string | undefined,
  colorsOn: boolean,
): { report: Output; finish(): void } {
  if (outputFile === undefined)
    return { report: { ...output, colors: createColors(colorsOn) }, finish: () => undefined };
  const lines: string[] = [];
  return {
    report: {
      out: (text) => void lines.push(text.endsWith('\n') ? text : `${text}\n`),
      err: output.err,
      // A file is read by tools and editors, never a terminal: no escape codes unless asked with --color.
      colors: createColors(colorsOn),
      interactive: false,
    },
    finish() {
      const path = resolve(cwd, outputFile);
      try {
        writeFileAtomic(path, lines.join(''));
      } catch (error) {
        throw fromSystemError(error, outputFile) ?? error;
      }
    },
  };
}

/**
 * Colours for a report: `--color`/`--no-color` first, then FORCE_COLOR (as chalk and Node read it: `0` or
 * `false` turn colours off, any other value on), then the terminal's own answer.
 */
export function colorsWanted(
  flag: boolean | undefined,
  env: NodeJS.ProcessEnv,
  terminal: boolean,
  toFile: boolean,
): boolean {
  if (flag !== undefined) return flag;
  return forcedColor(env) ?? (toFile ? false : terminal);
}

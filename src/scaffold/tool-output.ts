/** Lines a package manager prints around every failure that say nothing about this one. */
const noise = [
  /^\s*at\s/, // stack frames
  /^\s*[{}]\s*$/, // the braces of an inspected error object
  /^\s+[\w$]+: .*,?$/, // the fields inside it (code: 'ECONNREFUSED', port: 9, ...)
  /^(syscall|errno)\b/, // npm repeats the code as errno and adds the syscall
  /^\d+$/, // a bare status (npm prints `404` alone before the sentence about it)
  /behind a proxy|proxy config|npm help config|network settings/i,
  /complete log of this run|debug-\d+\.log|verbose output|--loglevel/i,
];

const prefixes = /^(npm (error|ERR!)|npm warn|yarn error|error|ERR!)\s?/i;
// Error codes are upper case (ECONNREFUSED, E404, ERR_PNPM_FETCH_404); the words may be any case.
const errorCode = /\bE[A-Z0-9]{3,}\b|\bERR_[A-Z0-9_]+\b/;
const errorWord = /\b(error|failed|not found|40[134])\b/i;
const telling = (line: string) => errorCode.test(line) || errorWord.test(line);

/**
 * The last lines of a package manager's output that name the cause (ECONNREFUSED, E404, a failed
 * build script), without its stack traces, log location and proxy advice.
 */
export function meaningfulLines(output: string, count = 3): string[] {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.replace(prefixes, '').trimEnd())
    .filter((line) => line.trim() !== '' && !noise.some((pattern) => pattern.test(line)))
    .map((line) => line.trim());
  const unique = lines.filter((line, index) => lines.indexOf(line) === index);
  const named = unique.filter(telling);
  return (named.length > 0 ? named : unique).slice(-count);
}

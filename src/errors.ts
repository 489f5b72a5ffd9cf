/**
 * Errors are values: a stable code, a one-line message, a hint saying what to do, and the exit code the
 * CLI maps them to. Only src/bin/ turns them into process exits.
 */
export const ExitCode = {
  ok: 0,
  /** Findings were reported, or an action was refused (dirty git tree, edited file, ...). */
  findings: 1,
  /** Bad usage or bad configuration. */
  usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT), as shells and create-vite report it. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'NO_TTY'
  | 'REFUSED'
  | 'NOT_FOUND'
  | 'PARSE'
  | 'IO'
  | 'INTERRUPTED'
  | 'INTERNAL';

const defaultExit: Record<ErrorCode, ExitCode> = {
  USAGE: ExitCode.usage,
  CONFIG_INVALID: ExitCode.usage,
  CONFIG_UNREADABLE: ExitCode.usage,
  NO_TTY: ExitCode.usage,
  REFUSED: ExitCode.findings,
  NOT_FOUND: ExitCode.findings,
  PARSE: ExitCode.findings,
  IO: ExitCode.usage,
  INTERRUPTED: ExitCode.interrupted,
  INTERNAL: ExitCode.usage,
};

export class SecureError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly exitCode: ExitCode;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; exitCode?: ExitCode; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SecureError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? defaultExit[code];
  }
}

export function usageError(message: string, hint?: string): SecureError {
  return new SecureError('USAGE', message, { hint });
}

export function isSecureError(value: unknown): value is SecureError {
  return value instanceof SecureError;
}

/** What a Node file-system error code means, and what the user can do about it. */
const systemErrors: Record<string, { cause: string; hint: string }> = {
  EROFS: { cause: 'the file system is read-only', hint: 'Choose a folder on a writable disk.' },
  EACCES: { cause: 'permission denied', hint: 'Check the folder permissions, or choose another folder.' },
  EPERM: {
    cause: 'operation not permitted',
    hint: 'Check the folder permissions, or choose another folder.',
  },
  ENOENT: { cause: 'no such file or folder', hint: 'Check the path, or create the folder first.' },
  ENOTDIR: {
    cause: 'a part of the path is a file, not a folder',
    hint: 'Check the path: one of its parents is a file.',
  },
  EEXIST: { cause: 'a file is in the way', hint: 'Check the path: one of its parents is a file.' },
  EISDIR: { cause: 'it is a folder, not a file', hint: 'Give the path of a file.' },
  ENOSPC: { cause: 'no space left on the device', hint: 'Free some space and run it again.' },
  EDQUOT: { cause: 'the disk quota is exceeded', hint: 'Free some space and run it again.' },
  EMFILE: { cause: 'too many open files', hint: 'Raise the open-file limit (ulimit -n) and run it again.' },
  ENAMETOOLONG: { cause: 'the path is too long', hint: 'Choose a shorter path.' },
  ELOOP: { cause: 'too many symbolic links in the path', hint: 'Check the path for a symlink loop.' },
  EBUSY: { cause: 'the file is busy', hint: 'Close the program using it and run it again.' },
};

/** The file the user named, for the temporary sibling an atomic write (src/engine/atomic-write.ts) failed on. */
function userPath(path: string | undefined): string | undefined {
  return path?.replace(/(^|[\\/])\.([^\\/]+)\.secure-\d+-\d+\.tmp$/, '$1$2');
}

type SystemError = Error & { code: string; path?: string; dest?: string; syscall?: string };

function isSystemError(value: unknown): value is SystemError {
  return value instanceof Error && typeof (value as { code?: unknown }).code === 'string';
}

/**
 * A Node file-system error (EROFS, EACCES, ENOTDIR, ...) as a one-line SecureError naming the path and
 * the cause (exit 2); undefined for anything else, which stays a bug report. `path` names the file the
 * user asked for when the error itself names a temporary one.
 */
export function fromSystemError(error: unknown, path?: string): SecureError | undefined {
  if (!isSystemError(error)) return undefined;
  const known = systemErrors[error.code];
  if (!known) return undefined;
  const where = path ?? userPath(error.path ?? error.dest);
  const subject = where ? `${where}: ` : '';
  return new SecureError('IO', `${subject}${known.cause} (${error.code})`, {
    hint: known.hint,
    cause: error,
  });
}

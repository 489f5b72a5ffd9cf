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

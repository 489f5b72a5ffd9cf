import { createColors } from 'picocolors';

export type Colors = ReturnType<typeof createColors>;

/** Where a command writes. Commands never touch process.stdout directly, so tests can capture them. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  colors: Colors;
  /** True when stdout is an interactive terminal (progress bars, prompts). */
  interactive: boolean;
}

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Colours only on a TTY, never with NO_COLOR (https://no-color.org) or TERM=dumb. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

export function createOutput(streams: Streams): Output {
  return {
    out: (text) => void streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void streams.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    colors: createColors(colorEnabled(streams.stdout, streams.env)),
    interactive: Boolean(streams.stdout.isTTY),
  };
}

/** An Output that collects what a command printed (for tests and for JSON modes). */
export function memoryOutput(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => void stdout.push(text),
    err: (text) => void stderr.push(text),
    colors: createColors(false),
    interactive: false,
  };
}

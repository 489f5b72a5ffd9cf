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

/**
 * FORCE_COLOR first, as Node and chalk read it (`0` or `false` off, any other value on: CI logs that render
 * colour set it); otherwise colours only on a TTY, never with NO_COLOR (https://no-color.org) or TERM=dumb.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return forcedColor(env) ?? (Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb');
}

/** What FORCE_COLOR asks for, or undefined when it is not set. */
export function forcedColor(env: NodeJS.ProcessEnv): boolean | undefined {
  const force = env.FORCE_COLOR;
  return force === undefined ? undefined : force !== '0' && force.toLowerCase() !== 'false';
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

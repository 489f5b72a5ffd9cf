/** How a file is written, so that code a fix adds looks like the code around it. */
export interface SourceStyle {
  /** `\t`, or a number of spaces. */
  indent: string;
  quote: 'single' | 'double';
  semicolons: boolean;
  /** The most common line terminator; an edit uses the one of the line it starts on. */
  eol: '\n' | '\r\n';
}

/** Tabs when most indented lines start with one; else the most common step between indentation depths. */
function indentUnit(text: string): string {
  let tabs = 0;
  let spaces = 0;
  const steps = new Map<number, number>();
  let previous = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const leading = /^[ \t]*/.exec(line)![0];
    if (leading.startsWith('\t')) tabs++;
    else if (leading.length > 0) spaces++;
    if (!leading.includes('\t')) {
      const step = Math.abs(leading.length - previous);
      if (step > 0 && step <= 8) steps.set(step, (steps.get(step) ?? 0) + 1);
      previous = leading.length;
    }
  }
  if (tabs > spaces) return '\t';
  const [width] = [...steps].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [2];
  return ' '.repeat(width);
}

/** `written` comes from the parsed file (see writtenStyle): its statements' semicolons and its quotes. */
export function sourceStyle(
  text: string,
  written: { semicolons: boolean; quote: 'single' | 'double' },
): SourceStyle {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const lf = (text.match(/\n/g)?.length ?? 0) - crlf;
  return {
    indent: indentUnit(text),
    ...written,
    eol: crlf > lf ? '\r\n' : '\n',
  };
}

/** The start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The whitespace that starts the line holding `offset`. */
export function indentationAt(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];
}

/** The terminator of the line holding `offset` (the file's own when it is the last line). */
export function eolAt(text: string, offset: number, style: SourceStyle): string {
  const end = text.indexOf('\n', offset);
  if (end < 0) return style.eol;
  return text[end - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * A small Dockerfile reader for the docker-* rules: logical instructions with their offsets, across
 * line continuations (the escape character, `\` or the `# escape=` directive's), comment and empty
 * lines inside continuations, heredocs (`RUN <<EOF ... EOF`), and build stages (`FROM x AS name`).
 */

export interface Token {
  /** The token as the builder reads it: quotes removed, escapes resolved. */
  value: string;
  /** Offsets of the raw token in the file's text. */
  start: number;
  end: number;
}

export interface Instruction {
  /** Upper-case: FROM, RUN, USER, ENV... */
  keyword: string;
  /** The arguments with continuations joined by a space and inner comment lines dropped. */
  args: string;
  /** Offset of the first character of the keyword (after indentation). */
  start: number;
  /** Offset of the start of the instruction's first line (its indentation included). */
  lineStart: number;
  /** Offset just past the last character of the instruction (heredoc bodies included), before the newline. */
  end: number;
  /** Offset just past the instruction's final line terminator (the end of the text when there is none). */
  endWithNewline: number;
  /** 1-based lines. */
  line: number;
  endLine: number;
  /** Column (1-based) of the keyword. */
  column: number;
  /** Offset where the arguments start in the text. */
  argsStart: number;
  /** Index of the build stage the instruction belongs to; -1 before the first FROM (global ARGs). */
  stage: number;
}

export interface Stage {
  index: number;
  /** The `AS name`, lower-cased as the builder compares it. */
  name?: string;
  /** The image or stage this stage starts from, as written. */
  base: string;
  from: Instruction;
  instructions: Instruction[];
}

export interface Dockerfile {
  text: string;
  escape: string;
  eol: string;
  instructions: Instruction[];
  stages: Stage[];
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index++) if (text[index] === '\n') starts.push(index + 1);
  return starts;
}

/** The escape character from a `# escape=` parser directive at the top of the file. */
function escapeDirective(text: string): string {
  for (const line of text.split(/\r?\n/)) {
    const directive = /^\s*#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!directive) return '\\';
    if (directive[1].toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\'))
      return directive[2];
  }
  return '\\';
}

export function parseDockerfile(text: string): Dockerfile {
  const escape = escapeDirective(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const starts = lineStarts(text);
  const lines = starts.map((start, index) => {
    const next = index + 1 < starts.length ? starts[index + 1] : text.length;
    let end = next;
    if (text[end - 1] === '\n') end--;
    if (text[end - 1] === '\r') end--;
    return { start, end, next, content: text.slice(start, end) };
  });
  const continues = (content: string) => content.replace(/\s+$/, '').endsWith(escape);
  const isComment = (content: string) => /^\s*#/.test(content);

  const instructions: Instruction[] = [];
  const stages: Stage[] = [];
  let index = 0;
  while (index < lines.length) {
    const first = lines[index];
    if (isComment(first.content) || first.content.trim() === '') {
      index++;
      continue;
    }
    const keywordMatch = /^(\s*)([A-Za-z]+)(\s*)/.exec(first.content);
    if (!keywordMatch) {
      index++;
      continue;
    }
    const start = first.start + keywordMatch[1].length;
    const argsStart = first.start + keywordMatch[0].length;
    const parts: string[] = [];
    let lastLine = index;
    let current = first.content.slice(keywordMatch[0].length);
    for (;;) {
      if (!continues(current) || lastLine + 1 >= lines.length) {
        parts.push(current.trim());
        break;
      }
      parts.push(current.replace(/\s+$/, '').slice(0, -1).trim());
      lastLine++;
      // Comment and empty lines inside a continuation are skipped by the builder.
      while (
        lastLine + 1 < lines.length &&
        (isComment(lines[lastLine].content) || lines[lastLine].content.trim() === '')
      )
        lastLine++;
      current = lines[lastLine].content;
    }
    const args = parts.filter((part) => part !== '').join(' ');
    // Heredocs: the body runs from the next line to the delimiter line.
    for (const heredoc of args.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) {
      const [, dash, , delimiter] = heredoc;
      while (lastLine + 1 < lines.length) {
        lastLine++;
        const body = dash ? lines[lastLine].content.replace(/^\t+/, '') : lines[lastLine].content;
        if (body === delimiter) break;
      }
    }
    const keyword = keywordMatch[2].toUpperCase();
    const instruction: Instruction = {
      keyword,
      args,
      start,
      lineStart: first.start,
      end: lines[lastLine].end,
      endWithNewline: lines[lastLine].next,
      line: index + 1,
      endLine: lastLine + 1,
      column: keywordMatch[1].length + 1,
      argsStart,
      stage: stages.length - (keyword === 'FROM' ? 0 : 1),
    };
    instructions.push(instruction);
    if (keyword === 'FROM') {
      const words = args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const asIndex = words.findIndex((word) => word.toLowerCase() === 'as');
      stages.push({
        index: stages.length,
        base: words[0] ?? '',
        ...(asIndex > 0 && words[asIndex + 1] ? { name: words[asIndex + 1].toLowerCase() } : {}),
        from: instruction,
        instructions: [instruction],
      });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    }
    index = lastLine + 1;
  }
  return { text, escape, eol, instructions, stages };
}

/**
 * The arguments of an instruction split into words with their raw offsets, for ENV/ARG/EXPOSE:
 * whitespace and line continuations separate words, quotes group them.
 */
export function argumentTokens(file: Dockerfile, instruction: Instruction): Token[] {
  const { text, escape } = file;
  const tokens: Token[] = [];
  let position = instruction.argsStart;
  const end = instruction.end;
  let token: Token | undefined;
  const finish = () => {
    if (token) tokens.push(token);
    token = undefined;
  };
  while (position < end) {
    const char = text[position];
    if (char === escape) {
      const rest = /^[ \t]*\r?\n/.exec(text.slice(position + 1, end + 2));
      if (rest) {
        finish();
        position += 1 + rest[0].length;
        // Skip comment and empty lines inside the continuation.
        for (;;) {
          const line = /^[ \t]*(#[^\n]*)?\r?\n/.exec(text.slice(position, end + 2));
          if (!line || position + line[0].length > end + 2) break;
          position += line[0].length;
        }
        continue;
      }
      token ??= { value: '', start: position, end: position };
      token.value += text[position + 1] ?? '';
      position += 2;
      token.end = position;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      finish();
      position++;
      continue;
    }
    token ??= { value: '', start: position, end: position };
    if (char === '"' || char === "'") {
      const close = text.indexOf(char, position + 1);
      const stop = close === -1 || close > end ? end : close;
      token.value += text.slice(position + 1, stop);
      position = stop + 1;
    } else {
      token.value += char;
      position++;
    }
    token.end = Math.min(position, end);
  }
  finish();
  return tokens;
}

/** The stage a stage builds on, when its base is an earlier stage's name. */
export function parentStage(file: Dockerfile, stage: Stage): Stage | undefined {
  const base = stage.base.toLowerCase();
  return file.stages.slice(0, stage.index).find((other) => other.name === base);
}

/** The final stage and the stages it is built on, nearest first. */
export function finalStageChain(file: Dockerfile): Stage[] {
  const chain: Stage[] = [];
  let stage: Stage | undefined = file.stages[file.stages.length - 1];
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    stage = parentStage(file, stage);
  }
  return chain;
}

/** `node` for `node:22-alpine`, `docker.io/library/node@sha256:...`; the repository's last path segment. */
export function imageRepository(image: string): { path: string; name: string } {
  const withoutDigest = image.split('@')[0].toLowerCase();
  const segments = withoutDigest.split('/');
  const last = segments.pop() ?? '';
  const name = last.split(':')[0];
  return { path: [...segments, name].join('/'), name };
}

/** Paths the Dockerfile rules read: `Dockerfile`, `Dockerfile.prod`, `Dockerfile-dev`, `api.Dockerfile`, `Containerfile`. */
export function isDockerfilePath(relativePath: string): boolean {
  const base = relativePath.split('/').pop() ?? '';
  // Dockerfile.md, dockerfile.ts, Dockerfile.dockerignore: files about Dockerfiles, not Dockerfiles.
  if (/\.(dockerignore|md|txt|[cm]?[jt]sx?|json|ya?ml|sh|ps1|py|rb|go|toml|lock|bak|orig|swp)$/i.test(base))
    return false;
  return (
    /^(Dockerfile|Containerfile)([.\-_][\w.-]+)?$/i.test(base) || /\.(dockerfile|containerfile)$/i.test(base)
  );
}

/** 1-based line and column of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text[index] === '\n') {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** `${NODE_IMAGE}` in a FROM line, replaced by the default of a global ARG (declared before the first FROM). */
export function expandGlobalArgs(file: Dockerfile, value: string): string {
  const defaults = new Map<string, string>();
  for (const instruction of file.instructions) {
    if (instruction.stage !== -1 || instruction.keyword !== 'ARG') continue;
    for (const token of argumentTokens(file, instruction)) {
      const [name, ...rest] = token.value.split('=');
      if (rest.length > 0) defaults.set(name, rest.join('='));
    }
  }
  return value.replace(
    /\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}?/g,
    (whole, name: string, fallback?: string) => defaults.get(name) ?? fallback ?? whole,
  );
}

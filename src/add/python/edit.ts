import { findAppCreation } from './project.js';
import { parsePython } from './parse.js';

const importKinds = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

function lineEnding(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The offset just past the end of the line holding `index` (after its line break), or the text's end. */
function endOfLine(text: string, index: number): number {
  const newline = text.indexOf('\n', index);
  return newline === -1 ? text.length : newline + 1;
}

/**
 * The entry with install_security imported (after its last top-level import, else after its docstring) and
 * called on the line after the app is created (or after the app's own middleware), at that statement's indentation. Only insertions: every
 * other byte of the file stays as it was. Unchanged when the entry already calls it.
 */
export function wireEntry(text: string, importLine: string): string {
  const creation = findAppCreation(text);
  if (!creation || /^\s*install_security\(/m.test(text)) return text;
  const eol = lineEnding(text);
  const withBreak = (at: number) => (at > 0 && text[at - 1] !== '\n' ? eol : '');
  const statementStart = creation.statement.range().start;
  const lineStart = text.lastIndexOf('\n', statementStart.index - 1) + 1;
  const indent = text.slice(lineStart, statementStart.index);
  // The last middleware added is the outermost: the call goes after the app's own add_middleware and
  // @app.middleware in the same block, so its headers, Host check and limit also cover what those answer.
  const addsMiddleware = new RegExp(`\\b${creation.appName}\\.(add_middleware|middleware)\\(`);
  const siblings = creation.statement.parent()?.children() ?? [];
  const later = siblings.filter((node) => node.range().start.index > statementStart.index);
  const lastMiddleware = later.filter((node) => addsMiddleware.test(node.text())).at(-1);
  const callAt = endOfLine(text, (lastMiddleware ?? creation.statement).range().end.index);
  const call = `${withBreak(callAt)}${indent}install_security(${creation.appName})${eol}`;

  const topLevel = parsePython(text).children();
  // Apps often import their routes below `app = FastAPI()` (they import the app back): only imports above it count.
  const imports = topLevel.filter(
    (node) => importKinds.has(String(node.kind())) && node.range().end.index <= statementStart.index,
  );
  const docstring =
    topLevel[0]?.kind() === 'expression_statement' && topLevel[0].child(0)?.kind() === 'string'
      ? topLevel[0]
      : undefined;
  const after = imports.at(-1) ?? docstring;
  const importAt = after ? endOfLine(text, after.range().end.index) : 0;
  const importText = `${withBreak(importAt)}${importLine}${eol}`;
  return text.slice(0, importAt) + importText + text.slice(importAt, callAt) + call + text.slice(callAt);
}

export interface Requirement {
  /** The distribution name as PyPI spells it (`pydantic-settings`). */
  name: string;
  version: string;
}

/** `pydantic_settings`, `Pydantic-Settings` and `pydantic.settings` are one distribution (PEP 503). */
function normalized(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function declaredIn(text: string, requirement: Requirement, quoted: boolean): boolean {
  const names = [
    ...text.matchAll(quoted ? /["']([A-Za-z0-9][A-Za-z0-9._-]*)/g : /^[ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)/gm),
  ];
  return names.some((match) => normalized(match[1]) === normalized(requirement.name));
}

/** requirements.txt with the missing requirements appended, pinned; its own lines untouched. */
export function addToRequirements(text: string, requirements: readonly Requirement[]): string {
  const missing = requirements.filter((requirement) => !declaredIn(text, requirement, false));
  if (missing.length === 0) return text;
  const eol = lineEnding(text);
  const lead = text === '' || text.endsWith('\n') ? '' : eol;
  return `${text}${lead}${missing.map(({ name, version }) => `${name}==${version}`).join(eol)}${eol}`;
}

/** Just past the last character of TOML that is neither blank nor comment in [from, to), or undefined. */
function lastValueEnd(text: string, from: number, to: number): number | undefined {
  let last: number | undefined;
  for (let index = from; index < to; index++) {
    const char = text[index];
    if (char === '"' || char === "'") {
      const end = text.indexOf(char, index + 1);
      index = end === -1 ? to : end;
      last = index + 1;
    } else if (char === '#') {
      const end = text.indexOf('\n', index);
      index = end === -1 ? to : end;
    } else if (!/\s/.test(char)) last = index + 1;
  }
  return last;
}

/** The `]` closing a TOML array that opens just before `from`: brackets inside strings (`fastapi[standard]`) and comments do not count. */
function closingBracket(text: string, from: number): number | undefined {
  let depth = 0;
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (char === '"' || char === "'") {
      const end = text.indexOf(char, index + 1);
      if (end === -1) return undefined;
      index = end;
    } else if (char === '#') {
      const end = text.indexOf('\n', index);
      if (end === -1) return undefined;
      index = end;
    } else if (char === '[') depth++;
    else if (char === ']') {
      if (depth === 0) return index;
      depth--;
    }
  }
  return undefined;
}

/**
 * pyproject.toml with the missing requirements added to `[project] dependencies` (PEP 621) or
 * `[tool.poetry.dependencies]`; undefined when it declares dependencies neither way (the caller says what to add).
 */
export function addToPyproject(text: string, requirements: readonly Requirement[]): string | undefined {
  const eol = lineEnding(text);
  const table = (name: string) => {
    const header = new RegExp(`^\\[${name.replace(/\./g, '\\.')}\\][ \\t]*\\r?$`, 'm').exec(text);
    if (!header) return undefined;
    const start = header.index + header[0].length;
    const next = /^\[/m.exec(text.slice(start));
    return { start, end: next ? start + next.index : text.length };
  };
  const project = table('project');
  if (project) {
    const body = text.slice(project.start, project.end);
    const list = /^dependencies[ \t]*=[ \t]*\[/m.exec(body);
    if (!list) return undefined;
    const open = project.start + list.index + list[0].length;
    const close = closingBracket(text, open);
    if (close === undefined) return undefined;
    const inside = text.slice(open, close);
    const missing = requirements.filter((requirement) => !declaredIn(inside, requirement, true));
    if (missing.length === 0) return text;
    const entries = missing.map(({ name, version }) => `"${name}==${version}"`);
    if (!inside.includes('\n')) {
      const items = inside.trim().replace(/,$/, '');
      return `${text.slice(0, open)}${[items, ...entries].filter(Boolean).join(', ')}${text.slice(close)}`;
    }
    // One entry per line, indented like the list's own entries, before the closing bracket's line; the last
    // entry gets its comma right after its value, never inside its comment.
    const indent = /\n([ \t]+)\S/.exec(inside)?.[1] ?? '    ';
    const closeLine = text.lastIndexOf('\n', close - 1) + 1;
    const last = lastValueEnd(text, open, closeLine);
    const comma = last === undefined || /[,[]/.test(text[last - 1]) ? '' : ',';
    const at = last ?? open;
    const lineEnd =
      text.indexOf('\n', at) === -1 || text.indexOf('\n', at) >= closeLine
        ? closeLine
        : text.indexOf('\n', at) + 1;
    return `${text.slice(0, at)}${comma}${text.slice(at, lineEnd).replace(/\r?\n$/, '')}${entries.map((entry) => `${eol}${indent}${entry},`).join('')}${eol}${text.slice(closeLine)}`;
  }
  const poetry = table('tool.poetry.dependencies');
  if (poetry) {
    const body = text.slice(poetry.start, poetry.end);
    const missing = requirements.filter(
      (requirement) =>
        !new RegExp(`^${requirement.name.replace(/[-_.]/g, '[-_.]')}[ \\t]*=`, 'im').test(body),
    );
    if (missing.length === 0) return text;
    const lines = missing.map(({ name, version }) => `${name} = "${version}"`).join(eol);
    const insertAt = poetry.start + body.trimEnd().length;
    return `${text.slice(0, insertAt)}${eol}${lines}${text.slice(insertAt)}`;
  }
  return undefined;
}

/** .env.example with the variables it lacks appended, each with its comment; its own lines untouched. */
export function addToEnvExample(
  text: string | undefined,
  variables: readonly { name: string; description: string; example: string }[],
): string {
  const current = text ?? '';
  const declared = new Set(
    [...current.matchAll(/^[ \t]*(?:export[ \t]+)?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]),
  );
  const missing = variables.filter((variable) => !declared.has(variable.name));
  if (missing.length === 0) return current;
  const eol = lineEnding(current);
  const lead = current === '' || current.endsWith('\n') ? '' : eol;
  const block = missing
    .map(({ name, description, example }) => `# ${description}${eol}${name}=${example}`)
    .join(eol);
  return `${current}${lead}${block}${eol}`;
}

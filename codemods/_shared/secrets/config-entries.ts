/**
 * `name: value` pairs of config files, read line by line (a reviewer's grep, not a full parser): the value with
 * its quotes removed and where it starts, so a finding points at it. Multi-line values (YAML block scalars) are
 * left to the key-format scan, which reads the whole text.
 */
export interface ConfigEntry {
  name: string;
  value: string;
  /** 1-based. */
  line: number;
  /** 1-based columns of the value as written (quotes included). */
  column: number;
  endColumn: number;
}

export type ConfigSyntax = 'yaml' | 'json' | 'ini';

export function configSyntax(relativePath: string): ConfigSyntax | undefined {
  if (/\.ya?ml$/i.test(relativePath)) return 'yaml';
  if (/\.json$/i.test(relativePath)) return 'json';
  if (/(?:^|\/)\.(?:npmrc|pypirc)$/.test(relativePath)) return 'ini';
  return undefined;
}

/** `"quoted"`, `'quoted'`, or plain up to a ` #` comment. */
function unquote(raw: string): { value: string; length: number } {
  const quoted = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')/.exec(raw);
  if (quoted) {
    const text = quoted[1];
    const value = text.startsWith('"')
      ? text.slice(1, -1).replace(/\\(.)/g, '$1')
      : text.slice(1, -1).replace(/''/g, "'");
    return { value, length: text.length };
  }
  const plain = raw.replace(/\s+#.*$/, '').trimEnd();
  return { value: plain, length: plain.length };
}

function entry(name: string, raw: string, line: number, offset: number): ConfigEntry {
  const { value, length } = unquote(raw);
  return { name, value, line, column: offset + 1, endColumn: offset + length + 1 };
}

/** YAML mappings (`key: value`), compose's list form (`- KEY=value`) and Kubernetes' `- name: X` / `value: Y`. */
function yamlEntries(lines: string[]): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  let pending: { name: string; indent: number } | undefined;
  let blockIndent = -1;
  lines.forEach((text, index) => {
    const indent = /^\s*/.exec(text)![0].length;
    if (blockIndent >= 0) {
      if (text.trim() === '' || indent > blockIndent) return;
      blockIndent = -1;
    }
    if (/^\s*(?:#|$)/.test(text)) return;
    // Handles: - POSTGRES_PASSWORD=s3cret (compose environment as a list)
    const listed = /^(\s*-\s+)(["']?)([A-Za-z_][\w.]*)=(.*?)\2\s*$/.exec(text);
    if (listed) {
      const offset = listed[1].length + listed[2].length + listed[3].length + 1;
      entries.push(entry(listed[3], listed[4], index + 1, offset));
      return;
    }
    const mapping =
      /^(\s*(?:-\s+)?)(?:"([^"]+)"|'([^']+)'|([^\s#'"{}[\],&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?))\s*:(?:\s+(.*?))?\s*$/d.exec(
        text,
      );
    if (!mapping) return;
    const name = mapping[2] ?? mapping[3] ?? mapping[4];
    const raw = mapping[5] ?? '';
    const keyIndent = mapping[1].length;
    if (/^[|>][-+0-9]*$/.test(raw)) {
      blockIndent = indent;
      return;
    }
    const offset = mapping.indices![5]?.[0] ?? text.length;
    // Handles: - name: DB_PASSWORD / value: "..." (a Kubernetes container's env)
    if (name === 'name' && mapping[1].includes('-')) {
      pending = { name: unquote(raw).value, indent: keyIndent };
      return;
    }
    if (name === 'value' && pending && keyIndent === pending.indent) {
      entries.push(entry(pending.name, raw, index + 1, offset));
      pending = undefined;
      return;
    }
    if (raw !== '') entries.push(entry(name, raw, index + 1, offset));
  });
  return entries;
}

/** `"key": "value"` pairs, several per line in minified JSON. */
function jsonEntries(lines: string[]): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  const pair = /"((?:[^"\\\n]|\\.)*)"\s*:\s*("(?:[^"\\\n]|\\.)*")/g;
  lines.forEach((text, index) => {
    for (const match of text.matchAll(pair)) {
      let value: string;
      try {
        value = JSON.parse(match[2]) as string;
      } catch {
        continue;
      }
      const offset = match.index + match[0].length - match[2].length;
      entries.push({
        name: match[1],
        value,
        line: index + 1,
        column: offset + 1,
        endColumn: offset + match[2].length + 1,
      });
    }
  });
  return entries;
}

/** `//registry.npmjs.org/:_authToken=...`, `password = ...`: the name is the last `:` segment of the key. */
function iniEntries(lines: string[]): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  lines.forEach((text, index) => {
    const match = /^(\s*)([^=\s#;[][^=]*?)(\s*=\s*)(.*?)\s*$/.exec(text);
    if (!match) return;
    const name = match[2].split(':').pop()!;
    entries.push(entry(name, match[4], index + 1, match[1].length + match[2].length + match[3].length));
  });
  return entries;
}

export function configEntries(text: string, syntax: ConfigSyntax): ConfigEntry[] {
  const lines = text.split(/\r?\n/);
  if (syntax === 'yaml') return yamlEntries(lines);
  if (syntax === 'json') return jsonEntries(lines);
  return iniEntries(lines);
}

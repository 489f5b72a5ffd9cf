import { isPlaceholder } from './values.js';

export interface DotenvEntry {
  name: string;
  value: string;
  /** 1-based. */
  line: number;
}

/** `KEY=value`, `export KEY="value"`, with quotes and trailing comments removed; comments and blanks skipped. */
export function parseDotenv(text: string): DotenvEntry[] {
  const entries: DotenvEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(raw);
    if (!match) return;
    let value = match[2].trim();
    const quoted = /^(["'`])(.*)\1\s*(?:#.*)?$/.exec(value);
    value = quoted ? quoted[2] : value.replace(/\s+#.*$/, '').trim();
    entries.push({ name: match[1], value, line: index + 1 });
  });
  return entries;
}

/** A value that configures something: not empty, not a placeholder, not a reference to another variable. */
export function hasRealValue(entry: DotenvEntry): boolean {
  return entry.value !== '' && !isPlaceholder(entry.value) && !/^\$\{?[A-Za-z_]/.test(entry.value);
}

#!/usr/bin/env node
/**
 * How selective each rule's text prefilter is on a corpus: the share of files it lets through to the parser,
 * and how many files at least one rule lets through (those are parsed). Uses the built rules (npm run build).
 *
 *   node scripts/bench/prefilter-stats.mjs <corpus dir> [--list-file FILE]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { listScannedFiles } from './corpora.mjs';

const root = join(new URL('.', import.meta.url).pathname, '..', '..');
// dist/ (run `npm run build` first), else the bench's private build (see snapshotSecure in tools.mjs),
// which is only as fresh as the last bench run.
const built = [join(root, 'dist'), join(root, 'bench', 'results', 'secure-dist')].find((dir) =>
  existsSync(join(dir, 'codemods', 'index.js')),
);
const { rules } = await import(join(built, 'codemods', 'index.js'));

/** A prefilter is a RegExp or a function of the text (src/engine/rule.ts). */
function passes(prefilter, text) {
  if (typeof prefilter === 'function') return prefilter(text);
  prefilter.lastIndex = 0;
  return prefilter.test(text);
}

export function prefilterStats(dir) {
  const { files } = listScannedFiles(dir);
  const sourceRules = rules.filter((rule) => rule.kind === 'source');
  const counts = new Map(sourceRules.map((rule) => [rule.meta.id, { files: 0, ms: 0 }]));
  const compared = new Set(['cors-wildcard', 'sql-injection']);
  let anyRule = 0;
  let comparedRules = 0;
  const bytes = { all: 0, anyRule: 0, comparedRules: 0 };
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    let any = false;
    let pair = false;
    for (const rule of sourceRules) {
      const started = performance.now();
      const hit = (!rule.appliesTo || rule.appliesTo(file)) && passes(rule.prefilter, text);
      const entry = counts.get(rule.meta.id);
      entry.ms += performance.now() - started;
      if (!hit) continue;
      entry.files++;
      any = true;
      if (compared.has(rule.meta.id)) pair = true;
    }
    bytes.all += text.length;
    if (any) {
      anyRule++;
      bytes.anyRule += text.length;
    }
    if (pair) {
      comparedRules++;
      bytes.comparedRules += text.length;
    }
  }
  return { files: files.length, anyRule, comparedRules, bytes, perRule: Object.fromEntries(counts) };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const dir = process.argv[2];
  const stats = prefilterStats(dir);
  const share = (count) => `${((count / stats.files) * 100).toFixed(1)}%`;
  console.log(`${stats.files} files; parsed with all rules: ${stats.anyRule} (${share(stats.anyRule)}); with cors-wildcard + sql-injection: ${stats.comparedRules} (${share(stats.comparedRules)})`);
  const byteShare = (count) => `${((count / stats.bytes.all) * 100).toFixed(1)}%`;
  console.log(
    `share of the bytes parsed: ${byteShare(stats.bytes.anyRule)} with all rules, ${byteShare(stats.bytes.comparedRules)} with the two`,
  );
  for (const [id, entry] of Object.entries(stats.perRule).sort((a, b) => b[1].files - a[1].files)) {
    console.log(`  ${id.padEnd(22)} ${String(entry.files).padStart(7)} files ${share(entry.files).padStart(7)}  ${entry.ms.toFixed(0).padStart(5)} ms`);
  }
}

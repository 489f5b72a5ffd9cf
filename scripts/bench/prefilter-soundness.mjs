#!/usr/bin/env node
/**
 * The "prefilters off" comparison: every file a source rule's prefilter turns away is checked by that rule
 * with no prefilter at all; a finding there is a finding the prefilter loses. A file the prefilter lets
 * through is checked the same either way, so the findings of a run with and without prefilters are equal
 * exactly when this reports nothing. Uses the built rules (npm run build); exits 1 on a lost finding.
 *
 *   node scripts/bench/prefilter-soundness.mjs <corpus dir> [--rule ID ...]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listScannedFiles } from './corpora.mjs';

const root = join(new URL('.', import.meta.url).pathname, '..', '..');
const { rules } = await import(join(root, 'dist', 'codemods', 'index.js'));
const { checkSource } = await import(join(root, 'dist', 'src', 'engine', 'check-source.js'));
const { matchesPrefilter } = await import(join(root, 'dist', 'src', 'engine', 'rule.js'));
const { ProjectResolver } = await import(join(root, 'dist', 'src', 'engine', 'project.js'));

export function lostFindings(dir, ruleIds = []) {
  const sourceRules = rules.filter(
    (rule) => rule.kind === 'source' && (ruleIds.length === 0 || ruleIds.includes(rule.meta.id)),
  );
  const unfiltered = new Map(sourceRules.map((rule) => [rule, { ...rule, prefilter: /(?:)/ }]));
  const projects = new ProjectResolver(dir, dir);
  const lost = [];
  let turnedAway = 0;
  const { files } = listScannedFiles(dir);
  for (const file of files) {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    const rejected = sourceRules.filter(
      (rule) => (!rule.appliesTo || rule.appliesTo(file)) && !matchesPrefilter(rule.prefilter, text),
    );
    if (rejected.length === 0) continue;
    turnedAway += rejected.length;
    const project = projects.info(projects.rootOf(path));
    const { findings } = checkSource(text, path, rejected.map((rule) => unfiltered.get(rule)), project);
    for (const finding of findings) lost.push({ file, line: finding.line, rule: finding.rule, message: finding.message });
  }
  return { files: files.length, turnedAway, lost };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [dir, ...rest] = process.argv.slice(2);
  const ruleIds = rest.flatMap((arg, index) => (rest[index - 1] === '--rule' ? [arg] : []));
  const { files, turnedAway, lost } = lostFindings(dir, ruleIds);
  console.log(`${files} files; ${turnedAway} (file, rule) pairs turned away by a prefilter and checked without it`);
  for (const entry of lost) console.log(`  LOST ${entry.rule} ${entry.file}:${entry.line} ${entry.message}`);
  console.log(lost.length === 0 ? 'no finding lost: the findings with and without prefilters are identical' : `${lost.length} findings lost`);
  process.exitCode = lost.length === 0 ? 0 : 1;
}

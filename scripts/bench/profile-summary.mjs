#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by package or source file, and by function.
 *
 *   node scripts/bench/profile-summary.mjs FILE.cpuprofile [packages=16] [functions=20]
 */
import { readFileSync } from 'node:fs';

/**
 * The engine's phases, told apart by the frame that was on the CPU (self time): the question a profile of
 * `secure check` answers is which of these a change should go after.
 */
const phases = [
  ['idle', (url, name) => name === '(idle)' || name === '(program)'],
  ['garbage collection', (url, name) => name === '(garbage collector)'],
  ['parse (Babel)', (url) => url.includes('@babel/parser')],
  ['prefilters and text rules (regular expressions)', (url, name) => name.startsWith('RegExp:') || /prefilter\.js$/.test(url)],
  ['discovery (walk, ignore files, git)', (url, name) => /engine\/(discover|git|project)\.js$|node_modules\/ignore\//.test(url) || /^(readdir|lstat|stat|scandir)/.test(name)],
  ['read (open, read, decode)', (url, name) => /^(read|open|openFileHandle|close|fstat)$/.test(name) || url === 'node:buffer' || /internal\/fs\//.test(url)],
  ['hash and cache', (url, name) => /engine\/cache\.js$/.test(url) || /crypto|hash/i.test(url) || /^(digest|update)$/.test(name)],
  ['rules (AST walks)', (url) => /codemods\/|engine\/(walk|ast-utils|analyze-source|analyze-file|check-source|suppress)\.js$/.test(url)],
  ['start-up (module loading)', (url) => /modules\/(esm|cjs)|bootstrap\/realm|internal\/modules/.test(url)],
];

function phaseOf(url, name) {
  return phases.find(([, matches]) => matches(url, name))?.[0] ?? 'other';
}

export function summariseProfile(profile) {
  const self = new Map();
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const byFunction = new Map();
  const byPackage = new Map();
  const byPhase = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const micros = self.get(node.id);
    if (!micros) continue;
    total += micros;
    const frame = node.callFrame;
    const url = frame.url.replace(/^file:\/\//, '');
    const functionKey = `${frame.functionName || '(anonymous)'} ${url.split('/').slice(-3).join('/')}:${frame.lineNumber + 1}`;
    byFunction.set(functionKey, (byFunction.get(functionKey) ?? 0) + micros);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const packageKey = pkg ?? (url ? url.split('/').slice(-3).join('/') : frame.functionName);
    byPackage.set(packageKey, (byPackage.get(packageKey) ?? 0) + micros);
    const phase = phaseOf(url, frame.functionName);
    byPhase.set(phase, (byPhase.get(phase) ?? 0) + micros);
  }
  return { totalMs: total / 1000, byFunction, byPackage, byPhase };
}

function top(map, total, count) {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => `${(micros / 1000).toFixed(0).padStart(7)} ms ${((micros / total) * 100).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.mjs')) {
  const [file, packages = '16', functions = '20'] = process.argv.slice(2);
  const { totalMs, byFunction, byPackage, byPhase } = summariseProfile(JSON.parse(readFileSync(file, 'utf8')));
  console.log(`${file}: ${totalMs.toFixed(0)} ms sampled`);
  console.log('by phase (self time):');
  console.log(top(byPhase, totalMs * 1000, phases.length + 1));
  console.log('by package or file:');
  console.log(top(byPackage, totalMs * 1000, Number(packages)));
  console.log('by function:');
  console.log(top(byFunction, totalMs * 1000, Number(functions)));
}

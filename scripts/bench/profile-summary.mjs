#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by package or source file, and by function.
 *
 *   node scripts/bench/profile-summary.mjs FILE.cpuprofile [packages=16] [functions=20]
 */
import { readFileSync } from 'node:fs';

export function summariseProfile(profile) {
  const self = new Map();
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const byFunction = new Map();
  const byPackage = new Map();
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
  }
  return { totalMs: total / 1000, byFunction, byPackage };
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
  const { totalMs, byFunction, byPackage } = summariseProfile(JSON.parse(readFileSync(file, 'utf8')));
  console.log(`${file}: ${totalMs.toFixed(0)} ms sampled`);
  console.log('by package or file:');
  console.log(top(byPackage, totalMs * 1000, Number(packages)));
  console.log('by function:');
  console.log(top(byFunction, totalMs * 1000, Number(functions)));
}

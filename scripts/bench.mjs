#!/usr/bin/env node
/**
 * `npm run bench`: times `secure check` against jscodeshift and ast-grep running equivalent detections of
 * cors-wildcard and sql-injection: first on a real TypeScript monorepo exported from its fetched mirror (the
 * headline), then on a seeded synthetic corpus (~1M lines, and its scaling curve) and on real code copied
 * from node_modules. Prints a table per corpus and writes everything to bench/results/.
 *
 *   node scripts/bench.mjs [--quick] [--lines N] [--real-lines N] [--seed N] [--runs N] [--no-monorepo]
 *                          [--no-synth] [--no-real] [--no-jscodeshift] [--no-scaling] [--no-fix]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listScannedFiles, prepareMonorepo, prepareReal, prepareSynth } from './bench/corpora.mjs';
import { measureTool } from './bench/measure.mjs';
import { accuracy, cpuRatios, formatTable, targets } from './bench/report.mjs';
import {
  astGrep,
  availableSecureRules,
  comparedRules,
  jscodeshift,
  readAll,
  secureCheck,
  secureFixDryRun,
  snapshotSecure,
} from './bench/tools.mjs';

const root = join(new URL('.', import.meta.url).pathname, '..');
const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    lines: { type: 'string' },
    'real-lines': { type: 'string' },
    seed: { type: 'string', default: '20260601' },
    runs: { type: 'string' },
    'no-monorepo': { type: 'boolean', default: false },
    'no-synth': { type: 'boolean', default: false },
    'no-real': { type: 'boolean', default: false },
    'no-jscodeshift': { type: 'boolean', default: false },
    'no-scaling': { type: 'boolean', default: false },
    'no-fix': { type: 'boolean', default: false },
  },
});
const settings = {
  seed: Number(options.seed),
  synthLines: Number(options.lines ?? (options.quick ? 200_000 : 1_000_000)),
  realLines: Number(options['real-lines'] ?? (options.quick ? 200_000 : 1_000_000)),
  runs: Number(options.runs ?? (options.quick ? 2 : 3)),
};
const log = (message) => process.stderr.write(`${message}\n`);
const started = Date.now();
const resultsDir = join(root, 'bench', 'results');
const runsDir = join(resultsDir, 'runs');

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', cwd: root }).trim();
const secureBuild = snapshotSecure(log);
const execute = (command, args) => execFileSync(command, args, { encoding: 'utf8', cwd: root });
const secureRules = availableSecureRules(execute);
const twoRules = comparedRules.filter((rule) => secureRules.includes(rule));
const missingRules = comparedRules.filter((rule) => !secureRules.includes(rule));
if (missingRules.length > 0)
  log(`note: secure has no rule ${missingRules.join(', ')} yet; its 2-rule run uses ${twoRules.join(', ')}`);

const corpusRoot = join(root, 'bench', 'corpus');
const corpora = [];
const monorepo = options['no-monorepo'] ? undefined : prepareMonorepo({ corpusRoot, log });
if (monorepo) corpora.push(monorepo);
if (!options['no-synth'])
  corpora.push(prepareSynth({ corpusRoot, seed: settings.seed, lines: settings.synthLines, log }));
if (!options['no-real']) {
  corpora.push(
    prepareReal({
      corpusRoot,
      nodeModules: join(root, 'node_modules'),
      lines: settings.realLines,
      seed: settings.seed,
      log,
    }),
  );
}

function benchCorpus(corpus) {
  const outDir = join(runsDir, corpus.recipe.kind);
  mkdirSync(outDir, { recursive: true });
  const scanned = listScannedFiles(corpus.dir);
  corpus.scanned = { files: scanned.files.length, lines: scanned.lines, bytes: scanned.bytes };
  const listFile = join(outDir, `${corpus.recipe.kind}-files.txt`);
  writeFileSync(listFile, `${scanned.files.join('\n')}\n`);
  log(
    `\n${corpus.name}: ${scanned.files.length} files, ${scanned.lines} lines, ${(scanned.bytes / 1e6).toFixed(1)} MB`,
  );
  const cwd = corpus.dir;
  const measure = (tool, runs = settings.runs, warmup = 1) => {
    const result = measureTool({ ...tool, cwd }, { runs, warmup, outDir, log });
    delete result.findings?.locations;
    return result;
  };
  const withAccuracy = (tool, rules, runs = settings.runs, warmup = 1) => {
    const result = measureTool({ ...tool, cwd }, { runs, warmup, outDir, log });
    result.accuracy = accuracy(result.findings, corpus.planted ?? [], rules);
    delete result.findings?.locations;
    return result;
  };
  // The warm-cache row starts from an empty cache: its warm-up run fills it.
  rmSync(join(outDir, `cache-${corpus.recipe.kind}`), { recursive: true, force: true });
  const results = [measure(readAll({ cwd, listFile }), 1, 1)];
  results.push(
    withAccuracy(
      secureCheck({ id: 'secure-2-rules', name: `secure check (${twoRules.length} rules)`, rules: twoRules }),
      twoRules,
    ),
  );
  // Test files are not read by default: this row shows what reading them costs, for an honest comparison
  // with ast-grep, which reads every file.
  results.push(
    withAccuracy(
      secureCheck({
        id: 'secure-2-rules-tests',
        name: `secure check (${twoRules.length} rules, --include-tests)`,
        rules: twoRules,
        flags: ['--include-tests'],
      }),
      twoRules,
    ),
  );
  results.push(
    withAccuracy(
      secureCheck({ id: 'secure-all-rules', name: `secure check (all ${secureRules.length} rules)` }),
      secureRules,
    ),
  );
  results.push(
    measure(
      secureCheck({
        id: 'secure-cached',
        name: 'secure check (all rules, warm cache)',
        cacheDir: join(outDir, `cache-${corpus.recipe.kind}`),
      }),
      settings.runs,
      1,
    ),
  );
  results.push(withAccuracy(astGrep({ cwd }), comparedRules));
  if (!options['no-jscodeshift']) {
    // jscodeshift is ~50x slower than the rest: one timed run; the files are already in the page cache.
    results.push(withAccuracy(jscodeshift({ cwd, files: scanned.files, outDir }), comparedRules, 1, 0));
  }
  if (!options['no-fix']) results.push(measure(secureFixDryRun({ cwd }), 1, 0));
  return results;
}

/** secure check (2 rules) on growing prefixes of the synthetic corpus: time should grow with the lines. */
function scaling(corpus) {
  const points = [];
  for (const share of [0.25, 0.5, 1]) {
    const packages = [];
    let lines = 0;
    for (const pkg of corpus.stats.packages) {
      if (lines >= corpus.stats.lines * share) break;
      packages.push(pkg.path);
      lines += pkg.lines;
    }
    const tool = secureCheck({
      id: `secure-scaling-${share * 100}`,
      name: `secure check ${share * 100}%`,
      rules: twoRules,
      paths: packages,
    });
    const outDir = join(runsDir, corpus.recipe.kind);
    const result = measureTool({ ...tool, cwd: corpus.dir }, { runs: settings.runs, warmup: 0, outDir, log });
    delete result.findings?.locations;
    points.push({
      share,
      lines,
      wallSeconds: result.wallSeconds,
      cpuSeconds: result.cpuSeconds,
      peakRssMb: result.peakRssMb,
      secondsPerMillionLines: (result.wallSeconds / lines) * 1e6,
    });
  }
  return { points, fit: linearFit(points) };
}

/** Least squares over (lines, CPU seconds): a fixed start-up cost plus a cost per million lines. */
function linearFit(points) {
  const xs = points.map((point) => point.lines / 1e6);
  const ys = points.map((point) => point.cpuSeconds);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope =
    xs.reduce((sum, x, index) => sum + (x - meanX) * (ys[index] - meanY), 0) /
    xs.reduce((sum, x) => sum + (x - meanX) ** 2, 0);
  const intercept = meanY - slope * meanX;
  const worst = Math.max(...xs.map((x, index) => Math.abs(intercept + slope * x - ys[index]) / ys[index]));
  return {
    fixedCpuSeconds: Number(intercept.toFixed(2)),
    cpuSecondsPerMillionLines: Number(slope.toFixed(2)),
    worstDeviation: Number(worst.toFixed(3)),
  };
}

const machine = {
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model,
  memoryGb: Math.round(totalmem() / 1e9),
  node: process.version,
  loadAtStart: loadavg()[0],
};
const report = {
  date: new Date().toISOString(),
  commit,
  secureBuild,
  settings,
  machine,
  secureRules,
  corpora: [],
};
for (const corpus of corpora) {
  const results = benchCorpus(corpus);
  const entry = {
    name: corpus.name,
    dir: corpus.dir,
    recipe: corpus.recipe,
    generated: corpus.stats,
    scanned: corpus.scanned,
    plantedViolations: corpus.planted?.length ?? 0,
    results,
    targets: targets(results, corpus.scanned.lines),
    cpuRatios: cpuRatios(results),
  };
  if (corpus.recipe.kind === 'synth' && !options['no-scaling']) entry.scaling = scaling(corpus);
  delete entry.generated?.packages;
  report.corpora.push(entry);
  console.log(`\n${formatTable(corpus, results)}`);
  for (const check of entry.targets) {
    console.log(
      `  ${check.met ? 'MET ' : 'MISS'} ${check.target}: ${check.value}${check.unit === 'MB' ? ' MB' : 'x'} (target <= ${check.limit}${check.unit === 'MB' ? ' MB' : 'x'})`,
    );
  }
  const ratios = Object.entries(entry.cpuRatios).filter(([, value]) => value !== undefined);
  if (ratios.length > 0)
    console.log(`  CPU-time ratios: ${ratios.map(([name, value]) => `${name} ${value}x`).join('; ')}`);
  for (const point of entry.scaling?.points ?? []) {
    console.log(
      `  scaling ${point.share * 100}%: ${point.lines} lines, ${point.wallSeconds.toFixed(2)} s wall, ${point.cpuSeconds.toFixed(2)} s CPU, ${point.peakRssMb.toFixed(0)} MB`,
    );
  }
  if (entry.scaling) {
    const { fixedCpuSeconds, cpuSecondsPerMillionLines, worstDeviation } = entry.scaling.fit;
    console.log(
      `  scaling fit: CPU = ${fixedCpuSeconds} s + ${cpuSecondsPerMillionLines} s per 1M lines (worst point off by ${(worstDeviation * 100).toFixed(1)}%)`,
    );
  }
  const fix = results.find((r) => r.id === 'secure-fix-dry-run');
  const all = results.find((r) => r.id === 'secure-all-rules');
  if (fix && all) {
    console.log(
      `  fix --dry-run diffed ${fix.findings.total} source files (+${fix.findings.byRule['other files']} others); check found fixable findings in ${all.findings.filesWithFixableFindings} files (of ${corpus.scanned.files})`,
    );
  }
  for (const result of results.filter((r) => r.findings?.summary)) {
    const { files, parsed, parseErrors, ruleErrors, workers } = result.findings.summary;
    console.log(
      `  ${result.name}: ${files} files, ${parsed} parsed, ${parseErrors} parse failures, ${ruleErrors} rule errors, ${workers} worker(s)`,
    );
  }
  for (const result of results.filter((r) => r.accuracy?.missed.length)) {
    console.log(`  ${result.name} missed: ${result.accuracy.missed.slice(0, 6).join('; ')}`);
  }
}
report.totalSeconds = (Date.now() - started) / 1000;
const stamp = report.date.replace(/[:.]/g, '-');
const json = `${JSON.stringify(report, null, 2)}\n`;
writeFileSync(join(resultsDir, `bench-${stamp}.json`), json);
writeFileSync(join(resultsDir, 'latest.json'), json);
console.log(`\nbench took ${report.totalSeconds.toFixed(0)} s; results in bench/results/bench-${stamp}.json`);

import { availableParallelism } from 'node:os';

/** Turns measurements into the printed table and the recall figures against the planted violations. */
const machineCores = availableParallelism();

/**
 * How many planted violations of the tool's rules it found (one plant per file, so file + rule identify
 * it), and how many findings of those rules fall in files where nothing was planted.
 */
export function accuracy(findings, planted, rules) {
  if (!findings?.locations || planted.length === 0) return undefined;
  const relevant = planted.filter((plant) => rules.includes(plant.rule));
  const plantedKeys = new Set(relevant.map((plant) => `${plant.file}\0${plant.rule}`));
  const foundKeys = new Set(
    findings.locations.filter((f) => rules.includes(f.rule)).map((f) => `${f.file}\0${f.rule}`),
  );
  const found = [...plantedKeys].filter((key) => foundKeys.has(key)).length;
  const missed = relevant
    .filter((plant) => !foundKeys.has(`${plant.file}\0${plant.rule}`))
    .map((plant) => `${plant.kind} ${plant.file}:${plant.line}`);
  const extra = findings.locations.filter((f) => rules.includes(f.rule) && !plantedKeys.has(`${f.file}\0${f.rule}`));
  return {
    planted: relevant.length,
    found,
    missed,
    extraFindings: extra.length,
    extraSamples: extra.slice(0, 5).map((f) => `${f.rule} ${f.file}:${f.line}`),
  };
}

function pad(text, width, right = false) {
  const value = String(text);
  return right ? value.padStart(width) : value.padEnd(width);
}

const columns = [
  ['tool', 44],
  ['wall s', 8, true],
  ['cpu s', 8, true],
  ['files/s', 9, true],
  ['MB/s', 7, true],
  ['RSS MB', 7, true],
  ['findings', 9, true],
  ['parsed', 7, true],
  ['recall', 8, true],
  ['vs jscs', 8, true],
  ['vs sg', 7, true],
];

export function formatTable(corpus, results) {
  const jscodeshiftWall = results.find((r) => r.id === 'jscodeshift')?.wallSeconds;
  const astGrepWall = results.find((r) => r.id === 'ast-grep')?.wallSeconds;
  const ratio = (wall, reference) => (reference ? `${(wall / reference).toFixed(3)}x` : '-');
  const lines = [
    `${corpus.name}: ${corpus.scanned.files} files, ${corpus.scanned.lines.toLocaleString('en-US')} lines, ${(corpus.scanned.bytes / 1e6).toFixed(1)} MB`,
    columns.map(([name, width, right]) => pad(name, width, right)).join(' '),
  ];
  const loads = results.flatMap((result) => result.runs.map((run) => run.loadBefore));
  if (loads.length > 0) {
    // Other work on the machine inflates wall time; the load says how much to trust it.
    lines.splice(1, 0, `load average before the runs: ${Math.min(...loads)} to ${Math.max(...loads)} (${machineCores} cores)`);
  }
  for (const result of results) {
    const files = result.files ?? corpus.scanned.files;
    const recall = result.accuracy ? `${result.accuracy.found}/${result.accuracy.planted}` : '-';
    const cells = [
      result.name,
      result.wallSeconds.toFixed(2),
      result.cpuSeconds.toFixed(2),
      Math.round(files / result.wallSeconds),
      ((result.bytes ?? corpus.scanned.bytes) / 1e6 / result.wallSeconds).toFixed(1),
      result.peakRssMb.toFixed(0),
      result.findings?.total ?? '-',
      result.findings?.summary?.parsed ?? '-',
      recall,
      ratio(result.wallSeconds, jscodeshiftWall),
      ratio(result.wallSeconds, astGrepWall),
    ];
    lines.push(cells.map((cell, index) => pad(cell, columns[index][1], columns[index][2])).join(' '));
  }
  return lines.join('\n');
}

/** The targets, judged on one corpus's results. */
export function targets(results, lines) {
  const wall = (id) => results.find((r) => r.id === id)?.wallSeconds;
  const rss = (id) => results.find((r) => r.id === id)?.peakRssMb;
  const checks = [];
  const add = (name, value, limit, unit = 'x') => {
    if (value === undefined || Number.isNaN(value)) return;
    checks.push({ target: name, value: Number(value.toFixed(3)), limit, unit, met: value <= limit });
  };
  if (wall('jscodeshift')) add('secure (2 rules) / jscodeshift', wall('secure-2-rules') / wall('jscodeshift'), 0.05);
  if (wall('ast-grep')) {
    add('secure (2 rules) / ast-grep', wall('secure-2-rules') / wall('ast-grep'), 0.5);
    add('secure (all rules) / ast-grep (2 rules)', wall('secure-all-rules') / wall('ast-grep'), 1.0);
    add('secure (all rules, warm cache) / ast-grep (2 rules)', wall('secure-cached') / wall('ast-grep'), 0.25);
  }
  const peak = Math.max(rss('secure-2-rules') ?? 0, rss('secure-all-rules') ?? 0);
  if (peak) add(`secure peak RSS at ${(lines / 1e6).toFixed(2)}M lines`, peak, 300, 'MB');
  return checks;
}

/** The same ratios on CPU time (user + system): steadier than wall time when other work shares the cores. */
export function cpuRatios(results) {
  const cpu = (id) => results.find((r) => r.id === id)?.cpuSeconds;
  const ratio = (a, b) => (cpu(a) && cpu(b) ? Number((cpu(a) / cpu(b)).toFixed(3)) : undefined);
  return {
    'secure (2 rules) / jscodeshift': ratio('secure-2-rules', 'jscodeshift'),
    'secure (2 rules) / ast-grep': ratio('secure-2-rules', 'ast-grep'),
    'secure (all rules) / ast-grep (2 rules)': ratio('secure-all-rules', 'ast-grep'),
  };
}

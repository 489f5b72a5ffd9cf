import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs one command under GNU time (`/usr/bin/time -v -o FILE`) and returns wall time, CPU time, peak RSS
 * and exit status. The command's stdout and stderr go to files, so a tool pays for writing its output
 * but the bench never holds it in memory.
 */
export function runTimed({ command, args, cwd, outDir, label, env }) {
  const statsFile = join(outDir, `${label}.time`);
  const stdoutFile = join(outDir, `${label}.stdout`);
  const stderrFile = join(outDir, `${label}.stderr`);
  rmSync(statsFile, { force: true });
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  const script = `exec /usr/bin/time -v -o "$0" "$@" > "${stdoutFile}" 2> "${stderrFile}"`;
  const result = spawnSync('sh', ['-c', script, statsFile, command, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  if (!existsSync(statsFile)) throw new Error(`${label}: /usr/bin/time wrote no statistics (${result.error ?? ''})`);
  const stats = parseTimeOutput(readFileSync(statsFile, 'utf8'));
  return { ...stats, loadBefore: Number(load), stdoutFile, stderrFile, exitCode: stats.exitStatus };
}

function clockToSeconds(text) {
  return text
    .trim()
    .split(':')
    .reduce((total, part) => total * 60 + Number(part), 0);
}

/** Parses `/usr/bin/time -v` output. */
export function parseTimeOutput(text) {
  const field = (name) => {
    const line = text.split('\n').find((candidate) => candidate.trim().startsWith(name));
    return line ? line.slice(line.lastIndexOf(': ') + 2).trim() : undefined;
  };
  const signal = /Command terminated by signal (\d+)/.exec(text);
  return {
    wallSeconds: clockToSeconds(field('Elapsed (wall clock) time') ?? '0'),
    userSeconds: Number(field('User time (seconds)') ?? 0),
    systemSeconds: Number(field('System time (seconds)') ?? 0),
    peakRssMb: Number(field('Maximum resident set size (kbytes)') ?? 0) / 1024,
    exitStatus: signal ? 128 + Number(signal[1]) : Number(field('Exit status') ?? 0),
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs a tool `runs` times (after `warmup` unrecorded runs) and summarises: median wall time, the run with
 * that median's RSS and CPU, and the best wall time. `count(run)` turns a run's output into findings.
 */
export function measureTool(tool, { runs, warmup, outDir, log }) {
  const results = [];
  for (let index = 0; index < warmup + runs; index++) {
    const label = `${tool.id}-${index}`;
    const run = runTimed({ ...tool, outDir, label });
    if (!tool.acceptExit.includes(run.exitCode)) {
      const stderr = readFileSync(run.stderrFile, 'utf8').trim().split('\n').slice(-5).join('\n');
      throw new Error(`${tool.name} exited with ${run.exitCode}:\n${stderr}`);
    }
    if (index < warmup) continue;
    run.findings = tool.count(run);
    results.push(run);
    log(`  ${tool.name}: ${run.wallSeconds.toFixed(2)} s, ${run.peakRssMb.toFixed(0)} MB, load ${run.loadBefore}`);
  }
  const wall = median(results.map((run) => run.wallSeconds));
  const representative = results.reduce((best, run) =>
    Math.abs(run.wallSeconds - wall) < Math.abs(best.wallSeconds - wall) ? run : best,
  );
  return {
    id: tool.id,
    name: tool.name,
    command: [tool.command, ...tool.args].join(' '),
    runs: results.map(({ wallSeconds, userSeconds, systemSeconds, peakRssMb, loadBefore }) => ({
      wallSeconds,
      userSeconds,
      systemSeconds,
      peakRssMb,
      loadBefore,
    })),
    wallSeconds: wall,
    bestWallSeconds: Math.min(...results.map((run) => run.wallSeconds)),
    cpuSeconds: representative.userSeconds + representative.systemSeconds,
    peakRssMb: Math.max(...results.map((run) => run.peakRssMb)),
    findings: representative.findings,
  };
}

import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { astGrepBinary } from './ast-grep-bin.mjs';
import { baseRuleId, writeAstGrepProject } from './ast-grep-config.mjs';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The commands the bench times, each with the way to read its findings back from its output. Every tool
 * runs with the corpus as its working folder and sees the same files: .d.ts and minified files are left
 * out by all of them (the engine skips them by design).
 */
const benchDir = new URL('.', import.meta.url).pathname;
const root = join(benchDir, '..', '..');
/**
 * The bench runs a private copy of dist/ (see snapshotSecure): other engineers rebuild dist/ while a bench
 * runs, and a half-written dist/ crashes a timed run.
 */
const secureDist = join(root, 'bench', 'results', 'secure-dist');
const secureBin = join(secureDist, 'src', 'bin', 'secure.js');

/** A one-file smoke run: the copy must load every rule and analyze a file without a rule failing. */
function secureWorks() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  try {
    writeFileSync(join(dir, 'app.ts'), "import cors from 'cors';\nexport const corsMiddleware = cors();\n");
    const result = spawnSync(process.execPath, [secureBin, 'check', '--format', 'json', '--no-cache', '.'], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (result.status !== 0 && result.status !== 1) return false;
    const report = JSON.parse(result.stdout);
    return (report.summary?.ruleErrors ?? []).length === 0 && report.findings.length > 0;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Copies dist/ aside and smoke-tests the copy; when dist/ is mid-build or holds someone's half-done work,
 * compiles the committed sources (git archive HEAD) instead.
 */
export function snapshotSecure(log) {
  rmSync(secureDist, { recursive: true, force: true });
  cpSync(join(root, 'dist'), secureDist, { recursive: true });
  if (secureWorks()) return 'dist';
  log('dist/ does not pass a smoke check: compiling the committed sources (HEAD) for the bench');
  const source = join(root, 'bench', 'results', 'head-src');
  rmSync(source, { recursive: true, force: true });
  mkdirSync(source, { recursive: true });
  execSync(`git archive HEAD | tar -x -C "${source}"`, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  rmSync(secureDist, { recursive: true, force: true });
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', secureDist], {
      cwd: source,
      stdio: 'ignore',
    });
  } catch {
    // Type errors still emit JavaScript; the smoke check decides.
  }
  if (!secureWorks()) throw new Error('secure does not run from dist/ nor from HEAD: run `npm run build` and look');
  return 'HEAD';
}
const jscodeshiftBin = join(root, 'node_modules', 'jscodeshift', 'bin', 'jscodeshift.js');
const astGrepBin = astGrepBinary();
const sgConfig = writeAstGrepProject(join(root, 'bench', 'results', 'ast-grep-project'));
const transform = join(benchDir, 'jscodeshift', 'detect.mjs');

export const comparedRules = ['cors-wildcard', 'sql-injection'];

function summarise(locations) {
  const byRule = {};
  for (const location of locations) byRule[location.rule] = (byRule[location.rule] ?? 0) + 1;
  return { total: locations.length, byRule, locations };
}

function readSecureJson(run) {
  const text = readFileSync(run.stdoutFile, 'utf8');
  let report;
  try {
    report = JSON.parse(text);
  } catch {
    const stderr = readFileSync(run.stderrFile, 'utf8').trim().split('\n').slice(0, 6).join('\n');
    throw new Error(`secure printed no JSON report (exit ${run.exitCode}):\n${stderr}`);
  }
  const summary = summarise(
    report.findings.map((finding) => ({ file: finding.file, line: finding.line, rule: finding.rule })),
  );
  summary.filesWithFixableFindings = new Set(report.findings.filter((f) => f.fixable).map((f) => f.file)).size;
  if (report.summary) {
    const { parseErrors = [], ruleErrors = [], ...rest } = report.summary;
    summary.summary = { ...rest, parseErrors: parseErrors.length, ruleErrors: ruleErrors.length };
  }
  return summary;
}

/** The rule ids `secure list` prints, so the bench can run before every rule has landed. */
export function availableSecureRules(execute) {
  const text = execute(process.execPath, [secureBin, 'list']);
  const section = text.split(/\n\s*\n/)[0];
  return [...section.matchAll(/^ {2}([a-z0-9-]+)\s/gm)].map((match) => match[1]);
}

/** `cacheDir`: the content-hash cache lives in node_modules/.cache by default; a corpus has none. */
export function secureCheck({ id, name, rules, paths = ['.'], cacheDir, cwd, flags = [] }) {
  const ruleArgs = rules ? rules.flatMap((rule) => ['--rule', rule]) : [];
  return {
    id,
    name,
    cwd,
    command: process.execPath,
    // --allow-skipped: a corpus file that does not parse is counted in the report, not a failed timing run.
    args: [
      secureBin,
      'check',
      '--format',
      'json',
      '--allow-skipped',
      ...(cacheDir ? [] : ['--no-cache']),
      ...ruleArgs,
      ...flags,
      ...paths,
    ],
    env: cacheDir ? { SECURE_CACHE_DIR: cacheDir } : {},
    acceptExit: [0, 1],
    count: readSecureJson,
  };
}

export function secureFixDryRun({ cwd }) {
  return {
    id: 'secure-fix-dry-run',
    name: 'secure fix --dry-run (all rules)',
    cwd,
    command: process.execPath,
    args: [secureBin, 'fix', '--dry-run', '--no-cache', '.'],
    acceptExit: [0, 1],
    count(run) {
      const text = readFileSync(run.stdoutFile, 'utf8');
      const changed = text.split('\n').filter((line) => line.startsWith('+++ '));
      const source = changed.filter((line) => /\.[cm]?[jt]sx?\s*$/.test(line)).length;
      // The rest are side effects of a fix, such as the variable names added to .env.example.
      return { total: source, byRule: { 'source files': source, 'other files': changed.length - source }, locations: [] };
    },
  };
}

export function astGrep({ cwd }) {
  return {
    id: 'ast-grep',
    name: 'ast-grep (2 rules, TS+TSX+JS, 2 threads)',
    cwd,
    command: astGrepBin,
    args: ['scan', '-c', sgConfig, '--threads', '2', '--json=stream', '--globs', '!**/*.d.ts', '--globs', '!**/*.d.mts', '--globs', '!**/*.d.cts', '.'],
    acceptExit: [0, 1],
    count(run) {
      const lines = readFileSync(run.stdoutFile, 'utf8').split('\n').filter(Boolean);
      return summarise(
        lines.map((line) => {
          const match = JSON.parse(line);
          return { file: match.file.replace(/^\.\//, ''), line: match.range.start.line + 1, rule: baseRuleId(match.ruleId) };
        }),
      );
    },
  };
}

/**
 * jscodeshift caps its workers at (cores - 1), so `--cpus=2` runs ONE worker on this 2-core machine. To
 * give it both cores, as the issue asks, the file list is split in two interleaved halves, each handed to
 * its own jscodeshift process (`--stdin`), both running at once.
 */
export function jscodeshift({ cwd, files, outDir, processes = 2 }) {
  const lists = Array.from({ length: processes }, () => []);
  files.forEach((file, index) => lists[index % processes].push(file));
  const listFiles = lists.map((list, index) => {
    const path = join(outDir, `jscodeshift-files-${index}.txt`);
    writeFileSync(path, `${list.join('\n')}\n`);
    return path;
  });
  const base = `"${process.execPath}" "${jscodeshiftBin}" --dry --parser=tsx --cpus=2 --extensions=ts,tsx,js,jsx,mjs,cjs,mts,cts -t "${transform}" --stdin`;
  const outputs = listFiles.map((path) => `${path}.out`);
  const script = listFiles.map((path, index) => `${base} < "${path}" > "${outputs[index]}" 2>&1 &`).join(' ') + ' wait';
  return {
    id: 'jscodeshift',
    name: `jscodeshift --dry (2 rules, ${processes} processes)`,
    cwd,
    command: 'sh',
    args: ['-c', script],
    acceptExit: [0],
    count() {
      const locations = [];
      for (const output of outputs) {
        const text = readFileSync(output, 'utf8');
        for (const match of text.matchAll(/^ REP (\S+) (\d+):\d+ (\S+)$/gm)) {
          locations.push({ file: match[1], line: Number(match[2]), rule: match[3] });
        }
        const errors = /^(\d+) errors$/m.exec(text);
        if (errors && Number(errors[1]) > 0) locations.parseErrors = (locations.parseErrors ?? 0) + Number(errors[1]);
      }
      const summary = summarise(locations);
      if (locations.parseErrors) summary.parseErrors = locations.parseErrors;
      return summary;
    },
  };
}

/** Reading every file once: the floor no checker can go under. */
export function readAll({ cwd, listFile }) {
  const script = `const fs=require('fs');let n=0;for(const f of fs.readFileSync(0,'utf8').split('\\n'))if(f)n+=fs.readFileSync(f).length;console.log(n)`;
  return {
    id: 'read-all',
    name: 'read every file (node, 1 thread)',
    cwd,
    command: 'sh',
    args: ['-c', `"${process.execPath}" -e "${script}" < "${listFile}"`],
    acceptExit: [0],
    count: () => ({ total: 0, byRule: {}, locations: [] }),
  };
}

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The commands the bench times, each with the way to read its findings back from its output. Every tool
 * runs with the corpus as its working folder and sees the same files: .d.ts and minified files are left
 * out by all of them (the engine skips them by design).
 */
const benchDir = new URL('.', import.meta.url).pathname;
const root = join(benchDir, '..', '..');
const secureBin = join(root, 'dist', 'src', 'bin', 'secure.js');
const jscodeshiftBin = join(root, 'node_modules', 'jscodeshift', 'bin', 'jscodeshift.js');
const astGrepBin = join(root, 'node_modules', '.bin', 'ast-grep');
const sgConfig = join(benchDir, 'ast-grep', 'sgconfig.yml');
const transform = join(benchDir, 'jscodeshift', 'detect.mjs');

export const comparedRules = ['cors-wildcard', 'sql-injection'];

function summarise(locations) {
  const byRule = {};
  for (const location of locations) byRule[location.rule] = (byRule[location.rule] ?? 0) + 1;
  return { total: locations.length, byRule, locations };
}

function readSecureJson(run) {
  const text = readFileSync(run.stdoutFile, 'utf8');
  const report = JSON.parse(text);
  return summarise(report.findings.map((finding) => ({ file: finding.file, line: finding.line, rule: finding.rule })));
}

/** The rule ids `secure list` prints, so the bench can run before every rule has landed. */
export function availableSecureRules(execute) {
  const text = execute(process.execPath, [secureBin, 'list']);
  const section = text.split(/\n\s*\n/)[0];
  return [...section.matchAll(/^ {2}([a-z0-9-]+)\s/gm)].map((match) => match[1]);
}

/** `cacheDir`: the content-hash cache lives in node_modules/.cache by default; a corpus has none. */
export function secureCheck({ id, name, rules, paths = ['.'], cacheDir, cwd }) {
  const ruleArgs = rules ? rules.flatMap((rule) => ['--rule', rule]) : [];
  return {
    id,
    name,
    cwd,
    command: process.execPath,
    args: [secureBin, 'check', '--format', 'json', ...(cacheDir ? [] : ['--no-cache']), ...ruleArgs, ...paths],
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
      const changed = text.split('\n').filter((line) => line.startsWith('+++ ')).length;
      return { total: changed, byRule: { 'files with a diff': changed }, locations: [] };
    },
  };
}

export function astGrep({ cwd }) {
  return {
    id: 'ast-grep',
    name: 'ast-grep scan (2 rules, 2 threads)',
    cwd,
    command: astGrepBin,
    args: ['scan', '-c', sgConfig, '--threads', '2', '--json=stream', '--globs', '!**/*.d.ts', '--globs', '!**/*.d.mts', '--globs', '!**/*.d.cts', '.'],
    acceptExit: [0, 1],
    count(run) {
      const lines = readFileSync(run.stdoutFile, 'utf8').split('\n').filter(Boolean);
      return summarise(
        lines.map((line) => {
          const match = JSON.parse(line);
          return { file: match.file.replace(/^\.\//, ''), line: match.range.start.line + 1, rule: match.ruleId };
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

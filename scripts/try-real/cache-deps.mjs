#!/usr/bin/env node
// Usage: node scripts/try-real/cache-deps.mjs [name...]   (after npm run build; SECURE_BIN=<secure.js> for another build)
//
// The analysis cache against real projects (scripts/try-real/projects-fix.json): a warm run must answer from
// the cache, and after an edit of OTHER files only (a refresh route added in a new file; every file a cached
// analysis recorded as read touched) the cached run must report exactly what a --no-cache run reports.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportProject } from './export.mjs';

const repoRoot = join(import.meta.dirname, '..', '..');
const bin = process.env.SECURE_BIN ?? join(repoRoot, 'dist', 'src', 'bin', 'secure.js');
const wanted = new Set(process.argv.slice(2));
const projects = JSON.parse(readFileSync(join(import.meta.dirname, 'projects-fix.json'), 'utf8')).filter(
  (project) => wanted.size === 0 || wanted.has(project.name),
);

const check = (dir, cacheDir, extra = []) => {
  let stdout;
  try {
    stdout = execFileSync('node', [bin, 'check', '--format', 'json', ...extra], {
      cwd: dir,
      env: { ...process.env, SECURE_CACHE_DIR: cacheDir },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    stdout = error.stdout; // exit 1: findings
  }
  return JSON.parse(stdout);
};
const same = (a, b) => JSON.stringify(a.findings) === JSON.stringify(b.findings);

for (const project of projects) {
  const mirror = project.mirror ?? project.repo.replace('/', '+');
  let dir;
  try {
    dir = exportProject({ ...project, mirror });
  } catch (error) {
    console.log(`${project.name}: skipped (${error.message.split('\n')[0]})`);
    continue;
  }
  const cacheDir = mkdtempSync(join(tmpdir(), 'secure-cache-deps-'));
  const cold = check(dir, cacheDir);
  const warm = check(dir, cacheDir);
  const cacheFile = readdirSync(cacheDir).find((name) => /^check-v\d+\.json$/.test(name));
  const entries = Object.values(JSON.parse(readFileSync(join(cacheDir, cacheFile), 'utf8')).entries);
  // A cache before version 3 records no dependencies.
  const withDependencies = entries.filter((entry) => entry.dependencies?.length > 0);
  const dependencyFiles = new Set(
    withDependencies.flatMap((entry) => entry.dependencies.filter((d) => d.size >= 0).map((d) => d.path)),
  );
  const touched = [...dependencyFiles].filter((path) => statSync(path).isFile());
  // 1. A refresh route in a new file: facts drawn from the whole project change.
  writeFileSync(
    join(dir, 'refresh-route-added.js'),
    "const router = require('express').Router();\nrouter.post('/auth/refresh', (req, res) => res.end());\nmodule.exports = router;\n",
  );
  const afterRoute = check(dir, cacheDir);
  const afterRouteFresh = check(dir, cacheDir, ['--no-cache']);
  // 2. Every file a cached analysis read, touched (size and mtime change, meaning does not).
  for (const path of touched) appendFileSync(path, path.endsWith('.json') ? ' ' : '\n');
  const afterTouch = check(dir, cacheDir);
  const afterTouchFresh = check(dir, cacheDir, ['--no-cache']);
  console.log(
    `${project.name} @ ${project.commit.slice(0, 12)}: ${cold.summary.files} files, ${cold.findings.length} findings; ` +
      `warm: ${warm.summary.cached} cached, ${warm.summary.parsed} parsed, same=${same(cold, warm)}; ` +
      `${withDependencies.length} entries with ${dependencyFiles.size} other paths read (${touched.length} files); ` +
      `refresh route added: cached=fresh ${same(afterRoute, afterRouteFresh)} (changed vs cold: ${!same(cold, afterRouteFresh)}, ` +
      `${afterRoute.summary.parsed} parsed); dependencies touched: cached=fresh ${same(afterTouch, afterTouchFresh)} ` +
      `(${afterTouch.summary.parsed} parsed, ${afterTouch.summary.cached} cached)`,
  );
}

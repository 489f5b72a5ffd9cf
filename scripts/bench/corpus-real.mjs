import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { deriveSeed } from './random.mjs';

/**
 * Real JavaScript and TypeScript, available offline: the files shipped inside the project's node_modules.
 * Copied (not linked) so the tools read ordinary files, with folder names that checkers skip by design
 * (node_modules, dist, build, ...) renamed, so that every tool sees the same files.
 */
const sourcePattern = /\.(?:[cm]?js|[cm]?ts)$/;
// The folders src/engine/discover.ts skips (dependencies, build output, caches, VCS data).
const renamedSegments = new Set([
  'node_modules', 'dist', 'build', 'out', 'coverage', '.git', '.hg', '.svn', '.next', '.nuxt', '.output',
  '.svelte-kit', '.turbo', '.vercel', '.cache', '.secure-cache', 'bower_components', 'jspm_packages',
]);
/** Bundles such as typescript.js (9 MB in one file) are not what a user's repository holds. */
const maxFileBytes = 1024 * 1024;

function looksMinified(path, head) {
  if (/\.min\.[cm]?js$/.test(path)) return true;
  let longest = 0;
  let start = 0;
  let lines = 0;
  for (let index = 0; index <= head.length; index++) {
    if (index === head.length || head.charCodeAt(index) === 10) {
      longest = Math.max(longest, index - start);
      start = index + 1;
      lines++;
    }
  }
  return longest > 1000 || head.length / lines > 300;
}

function* sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.isFile() && sourcePattern.test(entry.name)) yield path;
  }
}

function countLines(text) {
  let lines = 0;
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === 10) lines++;
  return text.length > 0 && !text.endsWith('\n') ? lines + 1 : lines;
}

/** Lists the candidate files with their sizes; `skipped` counts what was left out and why. */
export function scanNodeModules(nodeModules) {
  const files = [];
  const skipped = { minified: 0, tooLarge: 0 };
  for (const path of sourceFiles(nodeModules)) {
    const text = readFileSync(path, 'utf8');
    if (Buffer.byteLength(text) > maxFileBytes) {
      skipped.tooLarge++;
      continue;
    }
    if (looksMinified(path, text.slice(0, 64 * 1024))) {
      skipped.minified++;
      continue;
    }
    files.push({ path, text, lines: countLines(text) });
  }
  return { files, skipped };
}

export function corpusPath(nodeModules, path) {
  return relative(nodeModules, path)
    .split(sep)
    .map((segment) => (renamedSegments.has(segment) ? `${segment}_` : segment))
    .join('/');
}

/**
 * Copies the real corpus to `dir`. When `maxLines` is below the total, a deterministic hash of each path
 * decides whether it is kept, so the sample spreads over every package instead of the first ones.
 */
export function writeRealCorpus(dir, { nodeModules, maxLines, seed }) {
  const { files, skipped } = scanNodeModules(nodeModules);
  const totalLines = files.reduce((sum, file) => sum + file.lines, 0);
  const keepShare = maxLines && maxLines < totalLines ? maxLines / totalLines : 1;
  const stats = { files: 0, lines: 0, bytes: 0, declarationFiles: 0, skipped, sampledOut: 0 };
  for (const file of files) {
    const target = corpusPath(nodeModules, file.path);
    if (keepShare < 1 && deriveSeed(seed, target) / 4294967296 >= keepShare) {
      stats.sampledOut++;
      continue;
    }
    const destination = join(dir, target);
    mkdirSync(dirname(destination), { recursive: true });
    writeFileSync(destination, file.text);
    stats.files++;
    stats.lines += file.lines;
    stats.bytes += Buffer.byteLength(file.text);
    if (/\.d\.[cm]?ts$/.test(target)) stats.declarationFiles++;
  }
  return { stats };
}

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { exportProject, mirrorGitDir, mirrorsRoot } from '../try-real/export.mjs';
import { writeRealCorpus } from './corpus-real.mjs';
import { writeSynthCorpus } from './corpus-synth.mjs';

/**
 * Builds (or reuses) the corpora under bench/corpus/. A corpus is rebuilt only when its recipe (seed, size,
 * generator source) changed; each one is its own git repository with one commit, as a user's checkout is:
 * `secure fix` wants a clean tree, and no tool climbs to this repository's .gitignore (which ignores bench/).
 */
const benchDir = new URL('.', import.meta.url).pathname;

function generatorFingerprint() {
  const hash = createHash('sha256');
  for (const name of readdirSync(benchDir).sort()) {
    if (/^(corpus-|synth-|random)/.test(name)) hash.update(name).update(readFileSync(join(benchDir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

function commitCorpus(dir) {
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const env = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false'];
  git('init', '-q');
  git('add', '-A');
  git(...env, 'commit', '-q', '--no-verify', '-m', 'bench corpus');
}

/** The files every tool is asked to look at: what the engine reads (no .d.ts, no *.min.js). */
export function listScannedFiles(dir) {
  const files = [];
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name === '.git') continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.[cm]?[jt]sx?$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name) && !/[.-]min\.[cm]?js$/.test(entry.name)) {
        files.push(relative(dir, path));
      }
    }
  };
  walk(dir);
  let bytes = 0;
  let lines = 0;
  for (const file of files) {
    const text = readFileSync(join(dir, file));
    bytes += text.length;
    for (let index = 0; index < text.length; index++) if (text[index] === 10) lines++;
  }
  return { files, bytes, lines };
}

function prepare({ dir, recipe, build, log }) {
  const stampFile = `${dir}.json`;
  if (existsSync(stampFile) && existsSync(join(dir, '.git'))) {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    if (JSON.stringify(stamp.recipe) === JSON.stringify(recipe)) {
      log(`corpus ${relative(process.cwd(), dir)}: reused`);
      return stamp;
    }
  }
  const started = Date.now();
  rmSync(dir, { recursive: true, force: true });
  const built = build();
  commitCorpus(dir);
  const stamp = { recipe, ...built };
  writeFileSync(stampFile, `${JSON.stringify(stamp)}\n`);
  log(`corpus ${relative(process.cwd(), dir)}: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return stamp;
}

export function prepareSynth({ corpusRoot, seed, lines, log }) {
  const dir = join(corpusRoot, `synth-s${seed}-${lines}`);
  const recipe = { kind: 'synth', seed, lines, generator: generatorFingerprint() };
  const stamp = prepare({ dir, recipe, log, build: () => writeSynthCorpus(dir, { seed, targetLines: lines }) });
  return { name: 'synthetic', dir, ...stamp };
}

export function prepareReal({ corpusRoot, nodeModules, lines, seed, log }) {
  const dir = join(corpusRoot, `real-${lines}`);
  // node_modules changes when a dependency is added: its listing is part of the recipe.
  const listing = createHash('sha256')
    .update(readdirSync(nodeModules).join('\n'))
    .update(String(statSync(join(nodeModules, '.package-lock.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0))
    .digest('hex')
    .slice(0, 16);
  const recipe = { kind: 'real', lines, seed, listing, generator: generatorFingerprint() };
  const stamp = prepare({
    dir,
    recipe,
    log,
    build: () => writeRealCorpus(dir, { nodeModules, maxLines: lines, seed }),
  });
  return { name: 'real (node_modules)', dir, planted: [], ...stamp };
}

/**
 * The headline corpus: a large real TypeScript monorepo, as its users check it out. prisma/prisma at a
 * pinned commit: 4,100 .ts/.tsx/.js/.mjs files, 650k lines, a database toolkit whose tests build raw SQL.
 * Its code is exported from the fetched mirror, never committed here.
 */
export const monorepoProject = {
  name: 'prisma',
  mirror: 'prisma+prisma',
  commit: '9b75b95503c2f8fdfc75319e5b158912e11aae81',
};

/** The exported monorepo corpus, or undefined (with the reason logged) when its mirror is not on this machine. */
export function prepareMonorepo({ corpusRoot, project = monorepoProject, log }) {
  if (!mirrorGitDir(project.mirror)) {
    log(
      `skipping the real monorepo corpus: ${project.mirror} is not under ${mirrorsRoot} (fetch github:${project.mirror.replace('+', '/')} to include it)`,
    );
    return undefined;
  }
  const name = `${project.name}-${project.commit.slice(0, 12)}`;
  const dir = join(corpusRoot, name);
  const recipe = { kind: 'monorepo', mirror: project.mirror, commit: project.commit };
  const stamp = prepare({
    dir,
    recipe,
    log,
    build: () => {
      exportProject({ ...project, name }, corpusRoot);
      return {};
    },
  });
  return { name: `real monorepo (${project.mirror.replace('+', '/')} @ ${project.commit.slice(0, 12)})`, dir, planted: [], ...stamp };
}

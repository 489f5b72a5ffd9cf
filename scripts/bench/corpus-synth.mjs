import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRandom, deriveSeed } from './random.mjs';
import { drivers, entities, frameworks, utilityTopics } from './synth-vocabulary.mjs';
import {
  entityModel,
  repositoryFile,
  routesFile,
  serviceFile,
  testFile,
  typesFile,
} from './synth-files.mjs';
import { appFile, configFile, errorsFile, loggerFile, utilityFile } from './synth-support.mjs';
import { pickViolation } from './synth-violations.mjs';

/** The share of files that receive one planted violation. */
export const defaultViolationRate = 0.008;

function countLines(text) {
  let lines = 0;
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === 10) lines++;
  return text.length > 0 && !text.endsWith('\n') ? lines + 1 : lines;
}

/** Appends a violation block, hoisting its imports above the file's own. Returns the text and the line. */
export function plant(text, violation, random, model) {
  const body = violation.body(random, model);
  const head = violation.imports.length > 0 ? `${violation.imports.join('\n')}\n` : '';
  const withImports = head + text;
  const offset = countLines(withImports) + 1;
  return { text: `${withImports}\n${body.join('\n')}\n`, line: offset + violation.line };
}

function packageFiles(random, index) {
  const name = `svc-${String(index).padStart(3, '0')}`;
  const framework = random.pick(frameworks);
  const driver = random.pick(drivers);
  const models = random.sample(entities, random.int(5, 12)).map((entity) => entityModel(random, entity));
  const files = [];
  const add = (path, text, plantable = true) => files.push({ path: `packages/${name}/${path}`, text, plantable, model: models[0] });
  add(
    'package.json',
    `${JSON.stringify({ name: `@corp/${name}`, private: true, type: 'module', dependencies: { [framework]: '^5.0.0', [driver]: '*' } }, null, 2)}\n`,
    false,
  );
  add('src/app.ts', appFile(random, framework, models), false);
  add('src/config.ts', configFile(), false);
  add('src/utils/logger.ts', loggerFile(), false);
  add('src/utils/errors.ts', errorsFile(), false);
  for (const model of models) {
    const addModel = (path, text) => files.push({ path: `packages/${name}/${path}`, text, plantable: true, model });
    addModel(`src/types/${model.entity}.ts`, typesFile(random, model));
    addModel(`src/repositories/${model.entity}-repository.ts`, repositoryFile(random, model, driver));
    addModel(`src/services/${model.entity}-service.ts`, serviceFile(random, model));
    addModel(`src/routes/${model.entity}-routes.ts`, routesFile(random, model, framework));
    addModel(`test/${model.entity}.test.ts`, testFile(random, model));
  }
  for (const topic of random.sample(utilityTopics, random.int(2, 6))) {
    add(`src/utils/${topic}.ts`, utilityFile(random, topic));
  }
  return { name, framework, driver, files };
}

/**
 * Generates the corpus in memory, package by package, until it holds `targetLines` source lines.
 * Every package draws from its own derived seed, so a smaller corpus is a prefix of a larger one.
 */
export function* synthPackages({ seed, targetLines, violationRate = defaultViolationRate }) {
  let lines = 0;
  for (let index = 0; lines < targetLines; index++) {
    const random = createRandom(deriveSeed(seed, 'package', index));
    const pkg = packageFiles(random, index);
    const planted = [];
    for (const file of pkg.files) {
      if (file.plantable && random.chance(violationRate)) {
        const violation = pickViolation(random);
        const result = plant(file.text, violation, random, file.model);
        file.text = result.text;
        planted.push({ file: file.path, line: result.line, rule: violation.rule, kind: violation.kind });
      }
      if (file.path.endsWith('.ts')) lines += countLines(file.text);
    }
    yield { ...pkg, planted };
  }
}

/** Writes the corpus under `dir` and returns its statistics and the manifest of planted violations. */
export function writeSynthCorpus(dir, options) {
  const stats = { files: 0, lines: 0, bytes: 0, packages: [] };
  const planted = [];
  for (const pkg of synthPackages(options)) {
    let packageLines = 0;
    for (const file of pkg.files) {
      const target = join(dir, file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.text);
      if (!file.path.endsWith('.ts')) continue;
      stats.files++;
      const fileLines = countLines(file.text);
      stats.lines += fileLines;
      packageLines += fileLines;
      stats.bytes += Buffer.byteLength(file.text);
    }
    stats.packages.push({ path: `packages/${pkg.name}`, lines: packageLines });
    planted.push(...pkg.planted);
  }
  return { stats, planted };
}

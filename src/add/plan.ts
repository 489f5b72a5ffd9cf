import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { SecureError } from '../errors.js';
import { packageVersion } from '../cli/package-info.js';
import { manifestPath, type Manifest } from '../engine/manifest.js';
import { loadPolicy, type Policy } from '../policy/index.js';
import type { FastApiProject } from './python/project.js';
import { detectCodeStyle, styleFormatter } from './code-style.js';
import {
  detectProject,
  projectSourceFiles,
  readPackageJson,
  wiringKeyOf,
  type ProjectLayout,
} from './detect.js';
import { defaultNodeMajor, nodeProtocolSinceMajor, projectFacts } from './facts.js';
import { fitProject } from './fit-project.js';
import { readDockerProject } from '../../generators/docker.js';
import { projectFormatter, toJavaScript } from './format.js';
import { idiomaticJavaScript } from './javascript.js';
import {
  wiringSteps,
  type AddableGenerator,
  type GeneratorSource,
  type TemplateContext,
} from './generator-source.js';
import { contentHash, readManifest, serializeManifest } from './manifest-store.js';
import {
  completeImports,
  packageImports,
  withImportSuffix,
  withoutNodeProtocol,
  type RenderedModule,
} from './imports.js';
import {
  addDependencies,
  addEnvNames,
  ignoreDotEnv,
  rootEnvExampleFiles,
  type EnvName,
} from './project-files.js';
import { resolveAnswers, type AnswerOptions } from './prompts.js';
import { exportedNames, srcPrefix, wireGenerators } from './wire-plan.js';

export interface FileChange {
  /** Relative to the project root, with `/`. */
  path: string;
  /** The current content; undefined for a new file. */
  before?: string;
  after: string;
  /** The module whose own file this is (a generated module, the Dockerfile it edits); not for shared files. */
  generator?: string;
}

export interface Conflict {
  path: string;
  generator: string;
  /** `edited`: generated, then changed by the user; `theirs`: a file of theirs that secure add never wrote. */
  reason: 'edited' | 'theirs';
  /** From the user's version to ours. */
  diff: string;
}

export interface AddPlan {
  /** A Node project's layout, or the FastAPI app `secure add` wires in Python. */
  project: ProjectLayout | FastApiProject;
  /** The generators run, with the ones they require, in wiring order. */
  generators: string[];
  changes: FileChange[];
  /** Requested generators whose output is already present and unchanged: nothing to do. */
  upToDate: string[];
  /** Generated files the user edited: kept (unless force), with the diff to our version. */
  conflicts: Conflict[];
  /** Modules not added, each with the reason (an answer already there, a version that does not fit). */
  refused: Refused[];
  notes: string[];
  /** The variables the modules read, with a development value or marked secret (for `--verify=start`). */
  env?: { name: string; secret?: boolean; example?: string }[];
  /** The committed lists of variables the next steps name: the project's own (`.env.template`...), else `.env.example`. */
  envFiles?: string[];
}

export interface Refused {
  generator: string;
  reason: string;
  /** Its staged code did not compile or load in the project (apply.ts): a failure, not a judgement. */
  failedVerification?: true;
}

export interface PlanOptions extends AnswerOptions {
  /** The file creating the app, overriding detection. */
  entry?: string;
  /** Overwrite generated files the user edited. */
  force?: boolean;
  /** Move a package installed below what the generated code needs to our pinned version. */
  upgrade?: boolean;
  policy?: Policy;
  /** Modules refused before planning (their staged code failed verification), with the reason. */
  refuse?: ReadonlyMap<string, Refused>;
}

/** A unified diff of one file, `/dev/null` standing for a file that does not exist yet. */
export function unifiedDiff(path: string, before: string | undefined, after: string): string {
  return createTwoFilesPatch(
    before === undefined ? '/dev/null' : `a/${path}`,
    `b/${path}`,
    before ?? '',
    after,
    undefined,
    undefined,
    { context: 3 },
  ).replace(/^=+\n/, '');
}

/** The requested generators plus what they require, in registry order (which is wiring order). */
function resolveGenerators(source: GeneratorSource, names: string[]) {
  const known = new Map(source.generators.map((generator) => [generator.name, generator]));
  const wanted = new Set<string>();
  const visit = (name: string, from?: string) => {
    const generator = known.get(name);
    if (!generator)
      throw new SecureError('USAGE', `unknown module "${name}"${from ? ` (required by ${from})` : ''}`, {
        hint: `Choose from: ${[...known.keys()].join(', ')} (secure add --list).`,
      });
    if (generator.scaffoldOnly)
      throw new SecureError('USAGE', `${name} is part of a new app (create-secure-app), not a module to add`);
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const required of generator.requires ?? []) visit(required, name);
  };
  for (const name of names) visit(name);
  return source.generators.filter((generator) => wanted.has(generator.name));
}

function pinnedVersion(pins: Readonly<Record<string, string>>, name: string): string {
  const version = pins[name];
  if (!version) throw new SecureError('INTERNAL', `no pinned version for ${name} in generators/versions.ts`);
  return version;
}

function hasDependency(root: string, name: string): boolean {
  const pkg = readPackageJson(root);
  return Boolean(pkg.dependencies?.[name] ?? pkg.devDependencies?.[name]);
}

/** Files whose content `secure add` merges instead of owning: the user's lists, ours appended. */
const mergedFiles = new Set(['.env.example', '.gitignore']);

/** Computes every change in memory: nothing is written. */
export async function planChanges(
  root: string,
  names: string[],
  source: GeneratorSource,
  options: PlanOptions = {},
): Promise<AddPlan> {
  if (names.length === 0)
    throw new SecureError('USAGE', 'name at least one module to add', {
      hint: 'secure add --list shows them; for example `secure add headers cors rate-limit`.',
    });
  const resolved = resolveGenerators(source, names);
  const project = detectProject(root, { entry: options.entry });
  const projectReader = {
    root,
    read: (path: string) =>
      existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined,
    isDirectory: (path: string) => existsSync(join(root, path)) && statSync(join(root, path)).isDirectory(),
  };
  // How the project installs, builds and starts: what a new Dockerfile for it must run.
  const facts = { ...projectFacts(project), docker: readDockerProject(projectReader) };
  const requested = new Set(names);
  const policy = options.policy ?? loadPolicy(root);
  // What the project already tells: its framework, its socket library (or none), whether it uses Redis.
  const known = {
    framework: project.framework,
    preset: policy.preset,
    ws: project.ws,
    ...(project.redis ? { redis: true } : {}),
  };
  const answers = await resolveAnswers(
    resolved.flatMap((generator) => generator.prompts ?? []),
    options,
    known,
  );
  const context: TemplateContext = {
    db: 'sqlite',
    ws: project.ws,
    redis: project.redis,
    ...answers,
    policy,
    framework: project.framework,
    express: project.framework === 'express',
    fastify: project.framework === 'fastify',
    preset: policy.preset,
    appName: project.packageName,
    moduleSystem: project.moduleSystem,
    versions: {},
    project: facts,
  };
  // Our pins, moved to the lines that fit this project's framework majors, Node target and installs.
  context.versions = source.versionsFor(context);
  const notes: string[] = [];
  const fitted = fitProject(root, project, resolved, source, context, requested, notes, projectReader, {
    upgrade: Boolean(options.upgrade),
    refuse: options.refuse ?? new Map(),
  });
  const { selected, refused, upgrades } = fitted;
  if (selected.length === 0)
    return { project, generators: [], changes: [], upToDate: [], conflicts: [], refused, notes };
  const prettierProject = hasDependency(root, 'prettier');
  const format = await projectFormatter(root, prettierProject);
  // Without Prettier, new modules are printed in the project's own style (its sources, .editorconfig, ESLint).
  const styled = prettierProject
    ? async (_path: string, text: string) => text
    : styleFormatter(detectCodeStyle(root, projectSourceFiles(root)));

  const contents = new Map<string, string | undefined>();
  const current = (path: string): string | undefined => {
    if (!contents.has(path)) {
      const file = join(root, path);
      contents.set(path, existsSync(file) ? readFileSync(file, 'utf8') : undefined);
    }
    return contents.get(path);
  };
  const proposed = new Map<string, string>();
  const propose = (path: string, text: string) => {
    if (text !== (proposed.get(path) ?? current(path))) proposed.set(path, text);
  };
  const touched = new Set<string>();
  const owners = new Map<string, string>();
  const conflicts: Conflict[] = [];
  const recordedManifest = readManifest(root);
  const manifest: Manifest = structuredClone(recordedManifest);
  const envNames: EnvName[] = [];
  const envVariables: NonNullable<AddPlan['env']> = [];
  const exporters = new Map<string, string>();
  const renderedModules = new Map<string, RenderedModule>();

  for (const generator of selected) {
    const rendered = await source.render(generator, context, project.srcDir);
    for (const [name, module] of exportedNames(rendered, project.srcDir)) exporters.set(name, module);
    for (const [path, text] of rendered) {
      if (path === '.env.example')
        envNames.push(
          ...text
            .split(/\r?\n/)
            .flatMap((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1] ?? [])
            .map((name) => ({ name })),
        );
      if (!mergedFiles.has(path)) renderedModules.set(path, { generator: generator.name, text });
    }
    const variables = generator.env?.(context) ?? [];
    envNames.push(...variables.map(({ name, description }) => ({ name, description })));
    envVariables.push(...variables);
  }

  // A module imported by generated code comes along with it, from whichever generator holds its template.
  const others = source.generators.filter(
    (generator) => !generator.scaffoldOnly && !selected.includes(generator),
  );
  const renderedByOthers = new Map<string, RenderedModule>();
  let othersRendered = false;
  const taken = await completeImports(
    renderedModules,
    (path) => current(path) !== undefined,
    async (path) => {
      if (!othersRendered) {
        othersRendered = true;
        for (const generator of others)
          for (const [otherPath, text] of await source.render(generator, context, project.srcDir))
            renderedByOthers.set(otherPath, { generator: generator.name, text });
      }
      return renderedByOthers.get(path);
    },
  );
  const takenPackages = taken.flatMap((path) => packageImports(path, renderedModules.get(path)!.text));

  for (const [renderedPath, { generator: generatorName, text: renderedText }] of renderedModules) {
    const javascript = !project.typescript && renderedPath.endsWith('.ts');
    const path = javascript ? renderedPath.replace(/\.ts$/, '.js') : renderedPath;
    const withSuffix =
      project.importSuffix === '.js'
        ? renderedText
        : withImportSuffix(renderedPath, renderedText, project.importSuffix);
    const suffixed =
      (context.project?.nodeMajor ?? defaultNodeMajor) < nodeProtocolSinceMajor
        ? withoutNodeProtocol(renderedPath, withSuffix)
        : withSuffix;
    const text = await format(
      path,
      await styled(
        path,
        javascript
          ? (idiomaticJavaScript(suffixed, project.moduleSystem) ??
              toJavaScript(suffixed, project.moduleSystem))
          : suffixed,
      ),
    );
    const onDisk = current(path);
    const recorded = manifest.files[path];
    const entry = { generator: generatorName, version: packageVersion, hash: contentHash(text) };
    if (onDisk === text) {
      if (!recorded || recorded.hash !== entry.hash) manifest.files[path] = entry;
      continue;
    }
    const ours = onDisk === undefined || (recorded !== undefined && recorded.hash === contentHash(onDisk));
    // A file of the project's own (its Dockerfile) that the generator edits instead of replacing.
    const adoption =
      ours || options.force || recorded
        ? undefined
        : source.generators
            .find((generator) => generator.name === generatorName)
            ?.adoptExisting?.(path, onDisk!, context, projectReader);
    if (ours || options.force) {
      propose(path, text);
      owners.set(path, generatorName);
      manifest.files[path] = entry;
      touched.add(generatorName);
    } else if (adoption) {
      notes.push(...adoption.notes);
      if (adoption.text !== onDisk) {
        propose(path, adoption.text);
        owners.set(path, generatorName);
        touched.add(generatorName);
      }
    } else if (requested.has(generatorName)) {
      conflicts.push({
        path,
        generator: generatorName,
        reason: recorded ? 'edited' : 'theirs',
        diff: unifiedDiff(path, onDisk, text),
      });
    } else {
      notes.push(`kept your ${path} (${generatorName}, changed since it was generated)`);
    }
  }

  // A file of the user's own sits where the module would go: its exports are unknown, so it is not wired.
  const foreign = new Set(
    conflicts.filter((conflict) => conflict.reason === 'theirs').map((conflict) => conflict.path),
  );
  const wirable = selected.filter(
    (generator) =>
      !fitted.wiredInPlace.has(generator.name) &&
      !wiringSteps(generator, wiringKeyOf(project)).some((step) =>
        ['.ts', '.js'].some((extension) =>
          foreign.has(`${srcPrefix(project.srcDir)}${step.module}${extension}`),
        ),
      ),
  );
  // The project's own registrations of a concern, replaced in place (in the entry or an autoloaded plugin
  // file) before the wiring adds the rest.
  const replaced = new Map<string, string>();
  for (const path of fitted.replacedFiles) {
    const text = current(path);
    if (text !== undefined) replaced.set(path, fitted.replaceIn(path, text));
  }
  const beforeWiring = (path: string) => replaced.get(path) ?? current(path);
  const wired = wireGenerators(wirable, project, beforeWiring, exporters, touched, notes);
  for (const [path, text] of replaced) if (text !== current(path) && !wired.has(path)) wired.set(path, text);
  // The user's file is formatted only when it was formatted before: otherwise Prettier would rewrite lines
  // the wiring never touched.
  for (const [path, text] of wired) {
    const before = current(path);
    const formatted = before !== undefined && (await format(path, before)) === before;
    propose(path, formatted ? await format(path, text) : text);
  }

  for (const generator of selected)
    if (touched.has(generator.name)) notes.push(...(generator.nextSteps?.(context) ?? []));

  const pinned = (list: (generator: AddableGenerator) => readonly string[]) =>
    Object.fromEntries(selected.flatMap(list).map((name) => [name, pinnedVersion(context.versions, name)]));
  const dependencies = {
    ...pinned((generator) => generator.dependencies?.(context) ?? []),
    ...Object.fromEntries(takenPackages.map((name) => [name, pinnedVersion(context.versions, name)])),
  };
  // A JavaScript project compiles nothing: type packages would only be noise in its package.json.
  const devDependencies = Object.fromEntries(
    Object.entries(pinned((generator) => generator.devDependencies?.(context) ?? [])).filter(
      ([name]) => project.typescript || !name.startsWith('@types/'),
    ),
  );
  const pkgEdit = addDependencies(current('package.json')!, dependencies, devDependencies, upgrades);
  propose('package.json', pkgEdit.text);
  for (const { name, theirs, ours } of pkgEdit.kept)
    notes.push(`kept your ${name}@${theirs} (the generated code is tested with ${ours})`);
  const envFiles = rootEnvExampleFiles(root);
  for (const envFile of envFiles) {
    const envExample = addEnvNames(current(envFile), envNames);
    if (envExample !== undefined) propose(envFile, envExample);
  }
  const gitignore = ignoreDotEnv(current('.gitignore'));
  if (gitignore !== undefined) propose('.gitignore', gitignore);
  propose(manifestPath, serializeManifest(manifest, recordedManifest));

  const changes: FileChange[] = [...proposed].map(([path, after]) => ({
    path,
    before: current(path),
    after,
    ...(owners.has(path) ? { generator: owners.get(path) } : {}),
  }));
  const upToDate = selected
    .filter(
      (generator) =>
        requested.has(generator.name) &&
        !touched.has(generator.name) &&
        !conflicts.some((conflict) => conflict.generator === generator.name),
    )
    .map((generator) => generator.name);
  return {
    project,
    generators: selected.map((generator) => generator.name),
    changes,
    upToDate,
    conflicts,
    refused,
    notes,
    env: envVariables,
    envFiles,
  };
}

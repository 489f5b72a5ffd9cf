import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { NodePlopAPI, PlopGeneratorConfig } from 'node-plop';
import type {
  Answers,
  GeneratorDeclaration,
  GeneratorPrompt,
  TemplateContext,
} from '../src/engine/generator.js';
import {
  destinationOf,
  runKey,
  templateActionType,
  writeTemplate,
  type PlopRun,
  type TemplateActionConfig,
} from '../src/engine/plop-action.js';
import { generatorTemplates, templateHelpers } from '../src/engine/render.js';
import { loadPolicy, presets, type PresetName } from '../src/policy/index.js';
import { defaultAnswers, templateContextFor } from '../src/scaffold/context.js';
import { fastApiApp, fastApiContext } from './fastapi-app.js';
import { generators, withRequirements } from './index.js';

/**
 * The plopfile: every generator of generators/index.ts as a plop generator (its prompts, and one action per
 * template). `secure add` and create-secure-app run these actions through src/engine/plop-runner.ts into a
 * temporary folder, with the answers they resolved themselves; `npx plop --plopfile <this file> cors` runs the
 * same actions into the current folder, asking the prompts.
 */
export default function plopfile(plop: NodePlopAPI): void {
  for (const [name, helper] of Object.entries(templateHelpers)) plop.setHelper(name, helper);
  plop.setActionType(templateActionType, writeTemplate);
  plop.setWelcomeMessage(
    'create-secure-app generators: each writes its templates here. `secure add <module>` also wires the module into your app, pins its dependencies and lists its variables.',
  );
  for (const generator of generators) plop.setGenerator(generator.name, plopGenerator(plop, generator));
}

function plopGenerator(plop: NodePlopAPI, generator: GeneratorDeclaration): Partial<PlopGeneratorConfig> {
  return {
    description: generator.description,
    prompts: standalonePrompts(generator, destinationOf(plop)),
    actions: (answers) => {
      const given = answers?.[runKey] as PlopRun | undefined;
      // A runner (secure add, create-secure-app) renders one generator at a time and joins them itself.
      if (given) return templateActions(generator, given, false);
      const run = standaloneRun(generator, answers ?? {}, destinationOf(plop));
      // From plop's CLI a generator brings what it imports (cors needs config); a file already there is kept.
      return withRequirements([generator.name])
        .filter((each) => each === generator || (each.when?.(run.context) ?? true))
        .flatMap((each) => templateActions(each, run, each !== generator));
    },
  };
}

function templateActions(
  generator: GeneratorDeclaration,
  { context, srcDir }: PlopRun,
  required: boolean,
): TemplateActionConfig[] {
  return generatorTemplates(generator.name, context, { srcDir }).map(({ template, path }) => ({
    type: templateActionType,
    template,
    path,
    context,
    ...(required ? { skipIfExists: true } : {}),
  }));
}

/** The FastAPI backend is Python under backend/; every other generator is a Node module under src/. */
const isFastApi = (generator: GeneratorDeclaration) => generator.name === fastApiApp.name;

/**
 * The generator's own prompts in their order (the app's are create-secure-app's), then those of what it requires;
 * first the framework for a Node generator that does not ask it.
 */
function standalonePrompts(generator: GeneratorDeclaration, destination: string) {
  const declared = [generator, ...withRequirements([generator.name])].flatMap((each) => each.prompts ?? []);
  const prompts = new Map<string, GeneratorPrompt>();
  if (!isFastApi(generator) && !declared.some((prompt) => prompt.name === 'framework'))
    prompts.set('framework', {
      name: 'framework',
      flag: '--framework',
      message: 'Web framework',
      choices: ['express', 'fastify'],
      default: dependsOn(destination, 'fastify') ? 'fastify' : 'express',
    });
  for (const prompt of declared) if (!prompts.has(prompt.name)) prompts.set(prompt.name, prompt);
  return [...prompts.values()].map((prompt) =>
    prompt.choices
      ? {
          type: 'list',
          name: prompt.name,
          message: prompt.message,
          choices: [...prompt.choices],
          default: prompt.default,
        }
      : { type: 'confirm', name: prompt.name, message: prompt.message, default: prompt.default },
  );
}

/**
 * The context for a run from plop's CLI: the answers over the scaffolder's defaults, the folder's own
 * secure.config.json policy (or the preset asked), and the pinned versions, as for a new app's modules.
 */
function standaloneRun(
  generator: GeneratorDeclaration,
  given: Record<string, unknown>,
  destination: string,
): PlopRun {
  const projectPolicy = loadPolicy(destination);
  const preset = (given.preset as PresetName | undefined) ?? projectPolicy.preset;
  const answers: Answers = {
    ...defaultAnswers,
    ...(given as Partial<Answers>),
    preset,
    ...(isFastApi(generator) ? { framework: 'fastapi' } : {}),
  };
  const policy = preset === projectPolicy.preset ? projectPolicy : presets[preset];
  const context: TemplateContext = templateContextFor(answers, packageName(destination), policy);
  return isFastApi(generator)
    ? { context: fastApiContext(context), srcDir: 'backend' }
    : { context, srcDir: 'src' };
}

function readPackageJson(destination: string): { name?: string; dependencies?: Record<string, string> } {
  const file = join(destination, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

const packageName = (destination: string) => readPackageJson(destination).name ?? basename(destination);

const dependsOn = (destination: string, name: string) =>
  readPackageJson(destination).dependencies?.[name] !== undefined;

import { createHash } from 'node:crypto';
import type { Answers, EnvVariable, GeneratorDeclaration, TemplateContext } from '../engine/generator.js';
import { manifestPath, type Manifest } from '../engine/manifest.js';
import { renderGenerators, type RenderedFile } from '../engine/render.js';
import { packageVersion } from '../cli/package-info.js';
import { fastApiApp, fastApiContext } from '../../generators/fastapi-app.js';
import { withRequirements } from '../../generators/index.js';
import type { Policy } from '../policy/index.js';
import { usageError } from '../errors.js';
import { templateContextFor } from './context.js';
import { dotEnv, envExample, envVariablesOf } from './env-files.js';
import { createPackageJson } from './package-json.js';

export interface ProjectFile {
  /** Relative to the project root, with `/`. */
  path: string;
  content: string;
  /** File mode; .env is 0600 (it holds the secret). */
  mode?: number;
}

const sha256 = (content: string) => `sha256-${createHash('sha256').update(content).digest('hex')}`;

/** What a new project renders: the generators (in order), their context and where their code goes. */
interface ProjectRendering {
  context: TemplateContext;
  generators: GeneratorDeclaration[];
  srcDir: string;
  /** A Node app gets a package.json; the FastAPI backend has none. */
  packageJson: boolean;
}

function projectRendering(answers: Answers, appName: string, policy?: Policy): ProjectRendering {
  const context = templateContextFor(answers, appName, policy);
  if (answers.framework === 'fastapi') {
    // The interactive prompt offers every --ws choice; plain `ws` has no FastAPI template.
    if (answers.ws === 'ws') throw usageError('FastAPI apps take --ws socket.io or --ws none, not ws');
    // Python under backend/, compose.yaml and the env files at the root.
    return {
      context: fastApiContext(context),
      generators: [fastApiApp],
      srcDir: 'backend',
      packageJson: false,
    };
  }
  const generators = withRequirements(['app']).filter((generator) => generator.when?.(context) ?? true);
  return { context, generators, srcDir: 'src', packageJson: true };
}

/**
 * Everything the new project will contain, rendered in memory: nothing is written here. `policy` defaults to
 * the chosen preset; a secure.config.json policy renders into the same templates.
 */
export function renderProject(answers: Answers, appName: string, policy?: Policy): ProjectFile[] {
  const rendering = projectRendering(answers, appName, policy);
  const names = rendering.generators.map((generator) => generator.name);
  return projectFiles(rendering, renderGenerators(names, rendering.context, { srcDir: rendering.srcDir }));
}

/**
 * The same project, its generated files written by the plopfile's actions into a staging folder and read
 * back (what create-secure-app runs): byte for byte what renderProject returns.
 */
export async function renderProjectThroughPlop(
  answers: Answers,
  appName: string,
  policy?: Policy,
): Promise<ProjectFile[]> {
  const rendering = projectRendering(answers, appName, policy);
  const [{ runGenerators }, { default: plopfile }] = await Promise.all([
    import('../engine/plop-runner.js'),
    import('../../generators/plopfile.js'),
  ]);
  const names = rendering.generators.map((generator) => generator.name);
  const { context, srcDir } = rendering;
  return projectFiles(rendering, await runGenerators(plopfile, names, { context, srcDir }));
}

function projectFiles(rendering: ProjectRendering, rendered: Map<string, RenderedFile>): ProjectFile[] {
  const { context, generators } = rendering;
  const files: ProjectFile[] = [...rendered.values()].map(({ path, content }) => ({ path, content }));
  if (rendering.packageJson)
    files.push({ path: 'package.json', content: createPackageJson(generators, context) });
  return withEnvAndManifest(files, rendered.values(), envVariablesOf(generators, context), context);
}

function withEnvAndManifest(
  files: ProjectFile[],
  rendered: Iterable<RenderedFile>,
  variables: EnvVariable[],
  context: TemplateContext,
): ProjectFile[] {
  const manifest: Manifest = { version: 1, files: {} };
  for (const file of rendered) {
    manifest.files[file.path] = {
      generator: file.generator,
      version: packageVersion,
      hash: sha256(file.content),
    };
  }

  files.push(
    { path: '.env.example', content: envExample(variables) },
    { path: '.env', content: dotEnv(variables, context), mode: 0o600 },
    { path: manifestPath, content: `${JSON.stringify(manifest, null, 2)}\n` },
  );
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

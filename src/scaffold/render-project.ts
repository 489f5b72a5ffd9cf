import { createHash } from 'node:crypto';
import type { Answers, EnvVariable, TemplateContext } from '../engine/generator.js';
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

/**
 * Everything the new project will contain, rendered in memory: nothing is written here. `policy` defaults to
 * the chosen preset; a secure.config.json policy renders into the same templates.
 */
export function renderProject(answers: Answers, appName: string, policy?: Policy): ProjectFile[] {
  const context = templateContextFor(answers, appName, policy);
  if (answers.framework === 'fastapi') {
    // The interactive prompt offers every --ws choice; plain `ws` has no FastAPI template.
    if (answers.ws === 'ws') throw usageError('FastAPI apps take --ws socket.io or --ws none, not ws');
    return renderFastApiProject(fastApiContext(context));
  }
  const generators = withRequirements(['app']).filter((generator) => generator.when?.(context) ?? true);
  const rendered = renderGenerators(
    generators.map((generator) => generator.name),
    context,
  );
  const variables = envVariablesOf(generators, context);

  const files: ProjectFile[] = [...rendered.values()].map(({ path, content }) => ({ path, content }));
  files.push({ path: 'package.json', content: createPackageJson(generators, context) });
  return withEnvAndManifest(files, rendered.values(), variables, context);
}

/** The FastAPI backend: Python under backend/, compose.yaml and the env files at the root. No package.json. */
function renderFastApiProject(context: ReturnType<typeof fastApiContext>): ProjectFile[] {
  const rendered = [...renderGenerators([fastApiApp.name], context, { srcDir: 'backend' }).values()];
  const files: ProjectFile[] = rendered.map(({ path, content }) => ({ path, content }));
  return withEnvAndManifest(files, rendered, envVariablesOf([fastApiApp], context), context);
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

import { createHash } from 'node:crypto';
import type { Answers } from '../engine/generator.js';
import { manifestPath, type Manifest } from '../engine/manifest.js';
import { renderGenerators } from '../engine/render.js';
import { packageVersion } from '../cli/package-info.js';
import { withRequirements } from '../../generators/index.js';
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

/** Everything the new project will contain, rendered in memory: nothing is written here. */
export function renderProject(answers: Answers, appName: string): ProjectFile[] {
  const context = templateContextFor(answers, appName);
  const generators = withRequirements(['app']).filter((generator) => generator.when?.(context) ?? true);
  const rendered = renderGenerators(
    generators.map((generator) => generator.name),
    context,
  );
  const variables = envVariablesOf(generators, context);

  const manifest: Manifest = { version: 1, files: {} };
  for (const file of rendered.values()) {
    manifest.files[file.path] = {
      generator: file.generator,
      version: packageVersion,
      hash: sha256(file.content),
    };
  }

  const files: ProjectFile[] = [...rendered.values()].map(({ path, content }) => ({ path, content }));
  files.push(
    { path: 'package.json', content: createPackageJson(generators, context) },
    { path: '.env.example', content: envExample(variables) },
    { path: '.env', content: dotEnv(variables, context), mode: 0o600 },
    { path: manifestPath, content: `${JSON.stringify(manifest, null, 2)}\n` },
  );
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

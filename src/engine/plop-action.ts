import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { CustomActionConfig, CustomActionFunction, NodePlopAPI } from 'node-plop';
import type { TemplateContext } from './generator.js';
import { rendersAFile, renderTemplateFile } from './render.js';

/**
 * The plop action that renders one of our templates into the destination. Not plop's own `add`: plop compiles
 * templates with HTML escaping on (`'` becomes `&#x27;`) and without strict mode, and our templates are code,
 * so they render through render.ts, exactly as they always did. Only types come from node-plop here: the
 * plopfile and this action load without it (plop's CLI brings its own copy).
 */
export const templateActionType = 'secure-template';

/** What plop reports for a template that wrote nothing, in plop's own wording for a skipped add. */
export const skippedPrefix = '[SKIPPED] ';

/** What `secure add` and create-secure-app hand to a generator instead of prompt answers. */
export interface PlopRun {
  context: TemplateContext;
  /** The source folder relative to the project root (`src`, or `backend` for FastAPI). */
  srcDir: string;
}

/** The answers key under which a runner passes its PlopRun; prompts never produce an object there. */
export const runKey = 'secureRun';

export interface TemplateActionConfig extends CustomActionConfig<typeof templateActionType> {
  /** Relative to templates/, with `/`. */
  template: string;
  /** Relative to the destination, with `/`. */
  path: string;
  context: TemplateContext;
  /** A file a required generator already wrote is kept (plop's own `skipIfExists`). */
  skipIfExists?: boolean;
}

/**
 * Where the files go. Plop's CLI without `--dest` writes next to the plopfile, which for ours is inside the
 * installed package: the user meant the folder they ran it from.
 */
export function destinationOf(plop: NodePlopAPI): string {
  const dest = plop.getDestBasePath();
  return resolve(dest) === resolve(plop.getPlopfilePath()) ? process.cwd() : dest;
}

export const writeTemplate: CustomActionFunction = async (_answers, config, plop) => {
  const { template, path, context, skipIfExists, force } = config as TemplateActionConfig;
  const content = renderTemplateFile(template, context);
  if (!rendersAFile(content)) return `${skippedPrefix}${path} (renders to nothing for these answers)`;
  const destination = destinationOf(plop);
  const target = resolve(destination, path);
  const inside = relative(destination, target);
  if (inside.startsWith('..') || isAbsolute(inside)) throw new Error(`${path} is outside ${destination}`);
  if (existsSync(target) && force !== true) {
    if (skipIfExists) return `${skippedPrefix}${path} (exists)`;
    throw new Error(`${path} already exists; --force replaces it`);
  }
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, content, 'utf8');
  return path;
};

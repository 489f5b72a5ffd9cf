import Handlebars from 'handlebars';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { SecureError } from '../errors.js';
import { templatesDir } from '../cli/package-info.js';
import type { TemplateContext } from './generator.js';
import { moduleFacts, type ModuleFacts } from './module-facts.js';

/**
 * Rendering: policy + answers -> file contents, in memory. Nothing is written here, so the scaffolder and
 * `secure add` can render everything first and write all or nothing.
 *
 * templates/<generator>/common/<path>.hbs   both frameworks
 * templates/<generator>/<framework>/<path>.hbs   one framework (wins over nothing: a path in both is a bug)
 * templates/<generator>/nest/<path>.hbs   a NestJS app on Express: replaces the express/ file of that path
 * A leading `root/` targets the project root; anything else lands under the source folder.
 * A template that renders to nothing but whitespace (e.g. wrapped in `{{#if ...}}`) produces no file.
 */

export interface RenderedFile {
  /** Relative to the project root, with `/`. */
  path: string;
  content: string;
  /** The generator whose template produced it (recorded in .secure/manifest.json). */
  generator: string;
}

export interface RenderOptions {
  /** The source folder relative to the project root (`src` in scaffolded apps). */
  srcDir?: string;
  /** Defaults to the package's templates/ folder; tests may point elsewhere. */
  templatesRoot?: string;
}

/** Files npm would drop or mangle are stored without their leading dot and renamed here. */
const dotFiles = new Set(['gitignore', 'dockerignore', 'env.example', 'npmrc', 'prettierrc']);

/**
 * The helpers every template may use. Registered on our own Handlebars instance here and, by the plopfile, as
 * plop helpers, so a template renders the same under `secure add`, create-secure-app and `npx plop`.
 */
export const templateHelpers: Readonly<Record<string, Handlebars.HelperDelegate>> = {
  eq: (left: unknown, right: unknown) => left === right,
  neq: (left: unknown, right: unknown) => left !== right,
  not: (value: unknown) => !value,
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  // Values rendered into TypeScript source: JSON is a valid TS literal and escapes quotes and newlines.
  json: (value: unknown) => JSON.stringify(value, null, 2),
  // A short list of plain strings on one line, as the code around it is written: `['GET', 'POST']`.
  stringList: (values: readonly string[]) =>
    `[${values.map((value) => `'${value.replace(/[\\']/g, '\\$&')}'`).join(', ')}]`,
  version: (name: string, options: Handlebars.HelperOptions) => {
    const versions = (options.data.root as TemplateContext).versions;
    const version = versions[name];
    if (version === undefined) throw new Error(`no pinned version for "${name}" in generators/versions.ts`);
    return JSON.stringify(version);
  },
  // What the project lets the generated code use (installed majors, Node target, HTML): `{{#if (fact "html")}}`.
  fact: (name: keyof ModuleFacts, options: Handlebars.HelperOptions) => {
    const facts = moduleFacts(options.data.root as TemplateContext);
    if (!(name in facts)) throw new Error(`unknown fact "${name}" (src/engine/module-facts.ts)`);
    return facts[name];
  },
};

const handlebars = Handlebars.create();
for (const [name, helper] of Object.entries(templateHelpers)) handlebars.registerHelper(name, helper);

const compiled = new Map<string, Handlebars.TemplateDelegate>();

function compile(file: string): Handlebars.TemplateDelegate {
  let template = compiled.get(file);
  if (!template) {
    template = handlebars.compile(readFileSync(file, 'utf8'), { noEscape: true, strict: true });
    compiled.set(file, template);
  }
  return template;
}

function listTemplates(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hbs'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function targetPath(templateRelative: string, srcDir: string): string {
  const segments = templateRelative.replace(/\.hbs$/, '').split(sep);
  if (segments[0] === 'root') {
    const rest = segments.slice(1);
    const last = rest.length - 1;
    if (rest.length === 1 && dotFiles.has(rest[last])) rest[last] = `.${rest[last]}`;
    return posix.join(...rest);
  }
  return posix.join(srcDir, ...segments);
}

/** One template of a generator and the file it renders to. */
export interface GeneratorTemplate {
  /** Relative to the templates root, with `/`: `cors/express/security/cors.ts.hbs`. */
  template: string;
  /** Relative to the project root, with `/`. */
  path: string;
}

/**
 * A generator's templates for one framework, in rendering order (common/ first, then the framework's own, each
 * sorted): what renderGenerator renders and what the plopfile turns into one action each.
 */
export function generatorTemplates(
  generator: string,
  context: Pick<TemplateContext, 'framework' | 'project'>,
  options: RenderOptions = {},
): GeneratorTemplate[] {
  const root = options.templatesRoot ?? templatesDir;
  const srcDir = options.srcDir ?? 'src';
  const generatorDir = join(root, generator);
  if (!existsSync(generatorDir)) {
    throw new SecureError('NOT_FOUND', `no templates for generator "${generator}" in ${root}`);
  }
  const templates: GeneratorTemplate[] = [];
  // A NestJS app on Express takes the Express templates, with its own in place of those of the same path.
  const nest = context.project?.nest === true;
  for (const variant of ['common', context.framework, ...(nest ? ['nest'] : [])]) {
    const variantDir = join(generatorDir, variant);
    for (const file of listTemplates(variantDir)) {
      const path = targetPath(relative(variantDir, file), srcDir);
      const template = relative(root, file).split(sep).join('/');
      const earlier = templates.findIndex((each) => each.path === path);
      if (earlier !== -1 && variant === 'nest') {
        templates[earlier] = { template, path };
        continue;
      }
      if (earlier !== -1) {
        throw new SecureError(
          'INTERNAL',
          `templates/${generator}: ${path} exists in both common/ and ${variant}/`,
        );
      }
      templates.push({ template, path });
    }
  }
  return templates;
}

/** Whether a rendered template becomes a file: one wrapped whole in `{{#if ...}}` may render to nothing. */
export const rendersAFile = (content: string): boolean => content.trim() !== '';

/** Renders one generator's templates for the context's framework: target path -> content. */
export function renderGenerator(
  generator: string,
  context: TemplateContext,
  options: RenderOptions = {},
): Map<string, string> {
  const templatesRoot = options.templatesRoot ?? templatesDir;
  const files = new Map<string, string>();
  for (const { template, path } of generatorTemplates(generator, context, options)) {
    const content = renderTemplateFile(template, context, templatesRoot);
    if (rendersAFile(content)) files.set(path, content);
  }
  return files;
}

/** Renders several generators into one map; two generators writing the same path is a bug. */
export function renderGenerators(
  generators: readonly string[],
  context: TemplateContext,
  options: RenderOptions = {},
): Map<string, RenderedFile> {
  const result = new Map<string, RenderedFile>();
  for (const generator of generators) {
    for (const [path, content] of renderGenerator(generator, context, options)) {
      const previous = result.get(path);
      if (previous) {
        throw new SecureError(
          'INTERNAL',
          `${path} is rendered by both the "${previous.generator}" and "${generator}" generators`,
        );
      }
      result.set(path, { path, content, generator });
    }
  }
  return result;
}

/** One template file (relative to templates/) rendered with `context`: for planners that pick files one by one. */
export function renderTemplateFile(
  templatePath: string,
  context: object,
  templatesRoot = templatesDir,
): string {
  const file = join(templatesRoot, templatePath);
  try {
    return compile(file)(context);
  } catch (error) {
    throw new SecureError('INTERNAL', `${templatePath}: ${(error as Error).message}`, { cause: error });
  }
}

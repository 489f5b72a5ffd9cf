import { generators } from '../../generators/index.js';
import { upgradesFor, versionsFor } from '../../generators/versions.js';
import type { TemplateContext as RenderContext } from '../engine/generator.js';
import type { AddableGenerator, GeneratorSource, TemplateContext } from './generator-source.js';

/** The generators `secure add` offers (all but the scaffolder's own `app`), rendered from templates/. */
export const generatorSource: GeneratorSource = {
  generators: generators.filter((generator) => !generator.scaffoldOnly) as readonly AddableGenerator[],
  versionsFor,
  upgradesFor,
  // Loaded on use: every `secure` command declares `add`, only `add` renders (handlebars stays unloaded).
  render: async (generator: AddableGenerator, context: TemplateContext, srcDir: string) => {
    const { renderGenerator } = await import('../engine/render.js');
    return renderGenerator(generator.name, context as unknown as RenderContext, { srcDir });
  },
};

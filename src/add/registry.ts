import { generators, versions } from '../../generators/index.js';
import type { TemplateContext as RenderContext } from '../engine/generator.js';
import { renderGenerator } from '../engine/render.js';
import type { AddableGenerator, GeneratorSource, TemplateContext } from './generator-source.js';

/** The generators `secure add` offers (all but the scaffolder's own `app`), rendered from templates/. */
export const generatorSource: GeneratorSource = {
  generators: generators.filter((generator) => !generator.scaffoldOnly) as readonly AddableGenerator[],
  versions,
  render: async (generator: AddableGenerator, context: TemplateContext, srcDir: string) =>
    renderGenerator(generator.name, context as unknown as RenderContext, { srcDir }),
};

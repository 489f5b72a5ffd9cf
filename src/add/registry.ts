import { generators } from '../../generators/index.js';
import { upgradesFor, versionsFor } from '../../generators/versions.js';
import type { TemplateContext as RenderContext } from '../engine/generator.js';
import type { AddableGenerator, GeneratorSource, TemplateContext } from './generator-source.js';

/** The generators `secure add` offers (all but the scaffolder's own `app`), rendered from templates/. */
export const generatorSource: GeneratorSource = {
  generators: generators.filter((generator) => !generator.scaffoldOnly) as readonly AddableGenerator[],
  versionsFor,
  upgradesFor,
  // Through the plopfile's actions, loaded on use: every `secure` command declares `add`, only `add` renders
  // (node-plop and handlebars stay unloaded for `secure check`).
  render: async (generator: AddableGenerator, context: TemplateContext, srcDir: string) => {
    const [{ runGenerators }, { default: plopfile }] = await Promise.all([
      import('../engine/plop-runner.js'),
      import('../../generators/plopfile.js'),
    ]);
    const rendered = await runGenerators(plopfile, [generator.name], {
      context: context as unknown as RenderContext,
      srcDir,
    });
    return new Map([...rendered.values()].map(({ path, content }) => [path, content]));
  },
};

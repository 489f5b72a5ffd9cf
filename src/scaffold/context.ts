import type { Answers, TemplateContext } from '../engine/generator.js';
import { presets, type Policy } from '../policy/index.js';
import { versions } from '../../generators/versions.js';

export const defaultAnswers: Answers = {
  framework: 'express',
  db: 'sqlite',
  ws: 'socket.io',
  redis: false,
  preset: 'rules',
};

/** The template context for a new app: the chosen preset's policy plus the answers. */
export function templateContextFor(
  answers: Answers,
  appName: string,
  policy: Policy = presets[answers.preset],
): TemplateContext {
  return {
    ...answers,
    policy,
    express: answers.framework === 'express',
    fastify: answers.framework === 'fastify',
    appName,
    moduleSystem: 'esm',
    versions,
  };
}

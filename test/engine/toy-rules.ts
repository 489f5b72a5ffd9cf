import { calleeName, staticValue } from '../../src/engine/ast-utils.js';
import type { ProjectRule, Rule, RuleMeta, SourceRule, TextRule } from '../../src/engine/rule.js';

const meta: Omit<RuleMeta, 'id' | 'title'> = {
  description: 'toy rule for engine tests',
  checklist: 'secrets',
  severity: 'high',
  cwe: [532],
  fixable: true,
  hint: 'do not debug secrets',
};

/** Counts how many files each toy source rule was created for, i.e. how many files were parsed for it. */
export const parsedFiles: string[] = [];

// `debug(x)` with a non-constant argument becomes `debug('***')`.
export const debugRule: SourceRule = {
  kind: 'source',
  meta: { ...meta, id: 'toy-debug', title: 'debug of a dynamic value' },
  prefilter: /\bdebug\(/,
  create(context) {
    parsedFiles.push(context.file);
    return {
      CallExpression(node) {
        if (calleeName(node) !== 'debug' || node.arguments.length !== 1) return;
        if (staticValue(node.arguments[0], context.ancestors)) return;
        if (node.arguments[0].type === 'Identifier' && node.arguments[0].name === 'unsafe') {
          context.report({ node, message: 'debug of unsafe', unfixableReason: 'unsafe cannot be masked' });
          return;
        }
        context.report({
          node,
          message: 'debug of a dynamic value',
          fix: (api) => {
            api.pathOf(node.arguments[0]).replace(api.j.stringLiteral('***'));
            api.envExampleVars.add('DEBUG_TOKEN');
            api.notes.push('rotate the debug token');
          },
        });
      },
    };
  },
};

// `listen()` calls: repaired by a generator (`secure add headers`), not in the file.
export const listenRule: SourceRule = {
  kind: 'source',
  meta: { ...meta, id: 'toy-listen', title: 'listen without headers', checklist: 'https', cwe: [693] },
  prefilter: /\.listen\(/,
  create(context) {
    return {
      CallExpression(node) {
        if (calleeName(node) === 'listen')
          context.report({ node, message: 'app without headers', generatorFix: 'headers' });
      },
    };
  },
};

// `USER root` in a Dockerfile becomes `USER node`.
export const dockerRule: TextRule = {
  kind: 'text',
  meta: { ...meta, id: 'toy-docker', title: 'root user', checklist: 'docker-non-root', cwe: [250] },
  appliesTo: (path) => /(^|\/)Dockerfile$/.test(path),
  check(context) {
    const pattern = /^USER root$/gm;
    for (const match of context.text.matchAll(pattern)) {
      const line = context.text.slice(0, match.index).split('\n').length;
      context.report({
        line,
        column: 1,
        endColumn: match[0].length + 1,
        message: 'runs as root',
        fix: [{ start: match.index + 5, end: match.index + 9, text: 'node' }],
      });
    }
  },
};

// A tracked `.env`.
export const trackedEnvRule: ProjectRule = {
  kind: 'project',
  meta: { ...meta, id: 'toy-env', title: 'tracked env', fixable: false },
  async check(context) {
    for (const file of context.trackedFiles)
      if (/(^|\/)\.env$/.test(file)) context.report({ file, message: 'a .env file is tracked' });
  },
};

export const toyRules: Rule[] = [debugRule, listenRule, dockerRule, trackedEnvRule];

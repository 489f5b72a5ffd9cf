import type { Node } from '@babel/types';
import type { SourceContext, SourceRule } from '../../src/engine/rule.js';
import { secretLiteral } from '../_shared/secrets/detect.js';
import { hasUseClientDirective, isClientPath, isTestPath } from '../_shared/secrets/paths.js';
import { lookupExpression, planReplacement, rotateNote } from '../_shared/secrets/replacement.js';

type AnyNode = Node & Record<string, any>;

function check(node: AnyNode, context: SourceContext): void {
  const found = secretLiteral(node, context.ancestors);
  if (!found) return;
  const message = found.what;
  if (found.site?.position === 'enum') {
    context.report({
      node,
      message,
      unfixableReason: 'enum members must be constants; move the secret out by hand',
    });
    return;
  }
  const valueNode = found.site?.valueNode ?? node;
  const plan = planReplacement(found.envName, context.file, context.project, context.ancestors);
  if ('reason' in plan) {
    context.report({ node, message, unfixableReason: plan.reason });
    return;
  }
  const line = node.loc?.start.line ?? 1;
  context.report({
    node,
    message,
    fix(api) {
      const lookup = lookupExpression(api, plan.replacement);
      const path = api.pathOf(valueNode);
      // Handles: <Widget apiKey="..."/>, where an attribute value must be a string or a {expression}
      path.replace(found.site?.position === 'jsx' ? api.j.jsxExpressionContainer(lookup as any) : lookup);
      api.envExampleVars.add(found.envName);
      api.notes.push(rotateNote(api.file, api.project, line, found.envName));
    },
  });
}

const rule: SourceRule = {
  kind: 'source',
  meta: {
    id: 'hardcoded-secret',
    title: 'Secrets hard-coded in source',
    description:
      'A password, token, API key or private key written in the source is readable by everyone with access to ' +
      'the repository and stays in its history forever. Secrets belong in the environment or a secret store.',
    checklist: 'secrets',
    severity: 'critical',
    cwe: [798, 259],
    fixable: true,
    hint: 'Read the value from the environment (or the config module) and rotate the secret: it is in git history.',
  },
  prefilter:
    /secret|token|passw|pwd|pass\b|key|credential|-----BEGIN|sk_live_|rk_live_|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|AIza|SG\.|hooks\.slack|npm_|sk-|:\/\/[^/\s'"`]*:[^@\s'"`]+@|authorization/i,
  appliesTo: (path) => !isTestPath(path) && !isClientPath(path),
  create(context) {
    let clientModule = false;
    return {
      Program(node) {
        // 'use client' modules ship to browsers: frontend-secret reports their secrets.
        clientModule = hasUseClientDirective(node);
      },
      StringLiteral(node) {
        if (!clientModule) check(node, context);
      },
      TemplateLiteral(node) {
        if (!clientModule && node.expressions.length === 0) check(node, context);
      },
    };
  },
};

export default rule;

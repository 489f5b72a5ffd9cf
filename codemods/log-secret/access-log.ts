import type { Node } from '@babel/types';
import { findBinding, moduleBindings, programOf, requireSource, unwrap } from '../../src/engine/ast-utils.js';
import type { SourceContext } from '../../src/engine/rule.js';
import { projectSources } from '../_shared/project/files.js';
import { isSecretName } from '../_shared/secrets/names.js';
import { isTestPath } from '../_shared/secrets/paths.js';

type AnyNode = Node & Record<string, any>;

/**
 * An access log records every request's URL, query string included: a reset token, an API key or a JWT the app
 * takes in the query string (`/resetpw?token=...`) ends up in the log. morgan's predefined formats all log
 * `:url`; a custom format string without `:url`, or a format function, is the author's choice and is left alone.
 */

export const mayConfigureAccessLog = (text: string): boolean => /['"]morgan['"]/.test(text);

const urlFormats = new Set(['combined', 'common', 'dev', 'short', 'tiny', 'default']);

/** Whether this call is `morgan(...)`, imported or required from 'morgan'. */
function isMorganCall(call: AnyNode, ancestors: readonly Node[]): boolean {
  const callee = unwrap(call.callee);
  if (callee.type !== 'Identifier') return false;
  const program = programOf(ancestors);
  if (program && moduleBindings(program).get(callee.name)?.source === 'morgan') return true;
  const binding = findBinding(callee.name, ancestors);
  return binding?.init !== undefined && requireSource(binding.init) === 'morgan';
}

/** Whether the format logs the URL: a predefined name, a format string with `:url`, or one set elsewhere. */
function logsUrl(format: AnyNode | undefined): boolean {
  if (!format) return true;
  const f = unwrap(format);
  if (f.type === 'StringLiteral') return urlFormats.has(f.value) || f.value.includes(':url');
  if (f.type === 'ArrowFunctionExpression' || f.type === 'FunctionExpression') return false;
  // A variable or a config value: morgan's formats are predefined names, all of which log the URL.
  return f.type === 'Identifier' || f.type === 'MemberExpression' || f.type === 'ConditionalExpression';
}

const queryRead = /\b(?:req|request|ctx)\.query(?:\.([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])/g;
const decodedFromQuery =
  /\.(?:decode|verify)\(\s*(?:req|request|ctx)\.query(?:\.([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])/g;
/** Query parameters that carry credentials by convention even when the name alone is not a secret's. */
const credentialParameter = /^(?:token|access_?token|id_?token|api_?key|key|sig|signature|otp|auth)$/i;

const credentialsByRoot = new Map<string, string | undefined>();

/** The first place the project reads a credential from a query string: `req.query.token (core/auth.js:49)`. */
function queryCredential(root: string): string | undefined {
  if (credentialsByRoot.has(root)) return credentialsByRoot.get(root);
  let found: string | undefined;
  for (const source of projectSources(root)) {
    if (isTestPath(source.path) || !source.text.includes('query')) continue;
    for (const pattern of [decodedFromQuery, queryRead]) {
      for (const match of source.text.matchAll(pattern)) {
        const name = match[1] ?? match[2];
        const credential =
          pattern === decodedFromQuery || isSecretName(name) || credentialParameter.test(name);
        if (!credential) continue;
        const line = source.text.slice(0, match.index).split('\n').length;
        found = `\`req.query.${name}\` (${source.path}:${line})`;
        break;
      }
      if (found) break;
    }
    if (found) break;
  }
  credentialsByRoot.set(root, found);
  return found;
}

/** The message for an access log that writes a credential query parameter, or undefined. */
export function accessLogLeak(call: AnyNode, context: SourceContext): string | undefined {
  if (!isMorganCall(call, context.ancestors) || !logsUrl(call.arguments[0])) return undefined;
  const credential = queryCredential(context.project.root);
  if (!credential) return undefined;
  return `Logs every request URL with its query string, and ${credential} takes a credential there: it is written to the access log`;
}

import type { Node } from '@babel/types';
import {
  findBinding,
  getProperty,
  moduleBindings,
  programOf,
  requireSource,
  unwrap,
} from '../../src/engine/ast-utils.js';
import type { SourceContext } from '../../src/engine/rule.js';
import { projectSources } from '../_shared/project/files.js';
import { isSecretName } from '../_shared/secrets/names.js';
import { isTestPath } from '../_shared/secrets/paths.js';
import { noteWholeProject } from '../_shared/project/dependencies.js';

type AnyNode = Node & Record<string, any>;

/**
 * An access log records every request's URL, query string included: a reset token, an API key or a JWT the app
 * takes in the query string (`/resetpw?token=...`) ends up in the log. morgan's predefined formats all log
 * `:url`; a custom format string without `:url`, or a format function, is the author's choice and is left alone.
 * pino-http goes further: its default request serializer logs every header, so the Authorization header and the
 * cookies of an app that takes its credentials there are in every line, unless the options redact them.
 */

const accessLoggers = new Map([
  ['morgan', 'morgan'],
  ['pino-http', 'pino-http'],
  ['express-pino-logger', 'pino-http'],
]);
export const mayConfigureAccessLog = (text: string): boolean =>
  /['"](?:morgan|pino-http|express-pino-logger)['"]/.test(text);

/** Which access logger this call creates: `morgan(...)`, `pinoHttp(...)`, imported or required from its package. */
function accessLoggerOf(call: AnyNode, ancestors: readonly Node[]): string | undefined {
  const callee = unwrap(call.callee);
  if (callee.type !== 'Identifier') return undefined;
  const program = programOf(ancestors);
  const imported = program && moduleBindings(program).get(callee.name)?.source;
  const binding = imported ? undefined : findBinding(callee.name, ancestors);
  const source = imported ?? (binding?.init !== undefined ? requireSource(binding.init) : undefined);
  return source === undefined ? undefined : accessLoggers.get(source);
}

const urlFormats = new Set(['combined', 'common', 'dev', 'short', 'tiny', 'default']);

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
/** `const { token, page } = req.query`: the names read. */
const destructuredQuery = /\{([^{}]*)\}\s*=\s*(?:req|request|ctx)\.query\b/g;
/** `params = url.parse(req.url, true).query`, `const q = req.query;`: a name the query object is kept under. */
const queryAlias =
  /\b([A-Za-z_$][\w$]*)\s*=\s*(?:url\.parse\(\s*(?:req|request)\.url\s*,\s*true\s*\)|(?:req|request|ctx))\.query\s*[;\n]/g;
/** Query parameters that carry credentials by convention even when the name alone is not a secret's. */
const credentialParameter = /^(?:token|access_?token|id_?token|api_?key|key|sig|signature|otp|auth)$/i;
/** Personal data the security rules keep out of logs (PII): phone numbers, card and account numbers, SSNs. */
const personalParameter =
  /^(?:phone(?:_?number)?|mobile(?:_?number)?|tel|ssn|social_?security(?:_?number)?|card_?number|cc_?number|credit_?card|cvv|cvc|iban)$/i;

interface QueryRead {
  name: string;
  index: number;
  /** Passed to jwt.decode/verify: a token whatever its name. */
  decoded: boolean;
}

const escape = (text: string) => text.replace(/[$]/g, '\\$&');

/** Every query parameter this source reads: directly, destructured, or through a name the query object is kept under. */
function queryReads(text: string): QueryRead[] {
  const reads: QueryRead[] = [];
  for (const match of text.matchAll(decodedFromQuery))
    reads.push({ name: match[1] ?? match[2], index: match.index, decoded: true });
  for (const match of text.matchAll(queryRead))
    reads.push({ name: match[1] ?? match[2], index: match.index, decoded: false });
  for (const match of text.matchAll(destructuredQuery))
    for (const part of match[1].split(',')) {
      const name = /^\s*([A-Za-z_$][\w$]*)/.exec(part)?.[1];
      if (name) reads.push({ name, index: match.index, decoded: false });
    }
  for (const alias of new Set([...text.matchAll(queryAlias)].map((match) => match[1])))
    for (const match of text.matchAll(new RegExp(`(?<![\\w$.])${escape(alias)}\\.([A-Za-z_$][\\w$]*)`, 'g')))
      reads.push({ name: match[1], index: match.index, decoded: false });
  return reads.sort((a, b) => a.index - b.index);
}

const sensitiveByRoot = new Map<string, string | undefined>();

/**
 * The first place the project reads a credential, else personal data, from a query string:
 * `req.query.token` (core/auth.js:49), a credential.
 */
function querySensitive(root: string): string | undefined {
  // Served from memory, the answer still rests on every source of the project.
  noteWholeProject();
  if (sensitiveByRoot.has(root)) return sensitiveByRoot.get(root);
  let credential: string | undefined;
  let personal: string | undefined;
  for (const source of projectSources(root)) {
    if (credential) break;
    if (isTestPath(source.path) || !source.text.includes('query')) continue;
    for (const read of queryReads(source.text)) {
      const place = `\`${read.name}\` (${source.path}:${source.text.slice(0, read.index).split('\n').length})`;
      if (read.decoded || isSecretName(read.name) || credentialParameter.test(read.name)) {
        credential = `the query parameter ${place} takes a credential`;
        break;
      }
      if (!personal && personalParameter.test(read.name))
        personal = `the query parameter ${place} takes personal data`;
    }
  }
  const found = credential ?? personal;
  sensitiveByRoot.set(root, found);
  return found;
}

/** The options object passed to pino-http, through one `const` (`pinoHttp(pinoOptions)`); undefined when unseen. */
function pinoOptions(argument: AnyNode | undefined, ancestors: readonly Node[]): AnyNode | null | undefined {
  if (!argument) return null;
  let options = unwrap(argument);
  if (options.type === 'Identifier') {
    const binding = findBinding(options.name, ancestors);
    if (binding?.kind !== 'const' || !binding.init) return undefined;
    options = unwrap(binding.init);
  }
  return options.type === 'ObjectExpression' ? options : undefined;
}

/**
 * Whether pino-http logs the request headers as they came: no options, or options without `redact` or a `req`
 * serializer of their own. A spread, or a `redact` anywhere in the project (the app's own pino logger, passed as
 * `logger`, may carry the paths), is the author's choice: left alone.
 */
function logsRawHeaders(call: AnyNode, ancestors: readonly Node[], root: string): boolean {
  const options = pinoOptions(call.arguments[0], ancestors);
  if (options === undefined) return false;
  if (options !== null) {
    if ((options.properties as AnyNode[]).some((property) => property.type !== 'ObjectProperty'))
      return false;
    if (getProperty(options, 'redact')) return false;
    const serializers = getProperty(options, 'serializers');
    if (
      serializers &&
      (unwrap(serializers.value).type !== 'ObjectExpression' || getProperty(unwrap(serializers.value), 'req'))
    )
      return false;
  }
  return !projectSources(root).some((source) => !isTestPath(source.path) && /\bredact\b/.test(source.text));
}

/** A credential the clients send in a header: the Authorization header, a bearer token, the cookies. */
const headerCredential =
  /\b(?:req|request|ctx)\.(?:headers\.authorization|headers\[\s*['"]authorization['"]|cookies\b|signedCookies\b)|\.(?:get|header)\(\s*['"]authorization['"]|\bfromAuthHeader\w*\(|['"`]Bearer |\b(?:express-session|cookie-session)['"]/i;
const headerCredentialsByRoot = new Map<string, string | undefined>();

/** The first place the project takes a credential from a request header: `src/auth.ts:12`. */
function headerCredentialSite(root: string): string | undefined {
  noteWholeProject();
  if (headerCredentialsByRoot.has(root)) return headerCredentialsByRoot.get(root);
  let found: string | undefined;
  for (const source of projectSources(root)) {
    if (isTestPath(source.path)) continue;
    const match = headerCredential.exec(source.text);
    if (!match) continue;
    found = `${source.path}:${source.text.slice(0, match.index).split('\n').length}`;
    break;
  }
  headerCredentialsByRoot.set(root, found);
  return found;
}

export interface AccessLogLeak {
  message: string;
  remedy: string;
}

/** What an access log this call creates writes of the clients' credentials, or undefined. */
export function accessLogLeak(call: AnyNode, context: SourceContext): AccessLogLeak | undefined {
  const logger = accessLoggerOf(call, context.ancestors);
  const root = context.project.root;
  if (logger === 'pino-http') {
    if (!logsRawHeaders(call, context.ancestors, root)) return undefined;
    const site = headerCredentialSite(root);
    if (!site) return undefined;
    return {
      message: `Logs every request with all its headers (pino-http's default serializer), and ${site} takes a credential from the Authorization header or the cookies: it is written to the log`,
      remedy:
        "add redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers[\"set-cookie\"]'] to the pino-http options",
    };
  }
  if (logger !== 'morgan' || !logsUrl(call.arguments[0])) return undefined;
  const sensitive = querySensitive(root);
  if (!sensitive) return undefined;
  return {
    message: `Logs every request URL with its query string, and ${sensitive}: it is written to the access log`,
    remedy:
      'log the path without its query string (a custom morgan format), or take the credential from a header or the body',
  };
}

import type { PythonContext, PythonDetector } from '../../src/engine/languages/python-detector.js';
import { keyFormatPrefix, secretName, secretWord, urlWithPassword } from '../_shared/secrets/prefilter.js';
import { isPlaceholder, knownKeyFormat, urlPassword } from '../_shared/secrets/values.js';
import {
  envReadEdit,
  isPlainModuleConstant,
  literalSites,
  osImporter,
  secretValue,
} from '../_shared/python/secrets.js';
import {
  calleeName,
  isPythonTestPath,
  nodesOfKind,
  positionalArguments,
  reportOf,
  stringValue,
} from '../_shared/python/syntax.js';

/** PyJWT's and python-jose's `encode(claims, key, ...)` / `decode(token, key, ...)`: the key is the signing secret. */
const jwtCall = /^(?:jwt|jose\.jwt|jose|jws)\.(?:encode|decode)$/;

function check(context: PythonContext): void {
  const reported = new Set<number>();
  const importOs = osImporter(context.root, context.text);
  // Handles: SECRET_KEY = "...", client = Client(api_key="..."), {"password": "..."}, def f(token="...")
  for (const site of literalSites(context.root)) {
    if (site.position === 'settings-field') continue; // a default, default-password's
    const found = secretValue(site.name, stringValue(site.value) ?? '');
    if (!found) continue;
    reported.add(site.value.id());
    if (isPlainModuleConstant(site)) {
      context.report(
        reportOf(context, site.value, found.what, {
          fix: [...importOs(), envReadEdit(site, found.envName)],
        }),
      );
      continue;
    }
    context.report(
      reportOf(context, site.value, found.what, {
        unfixableReason: `move it to an environment variable (${found.envName}) read through your settings, then rotate it`,
      }),
    );
  }
  // Handles: jwt.encode(payload, "my-secret", algorithm="HS256")
  for (const call of nodesOfKind(context.root, 'call')) {
    if (!jwtCall.test(calleeName(call) ?? '')) continue;
    const key = positionalArguments(call)[1];
    const value = stringValue(key);
    if (!key || value === undefined || value.trim() === '' || isPlaceholder(value)) continue;
    reported.add(key.id());
    context.report(
      reportOf(context, key, 'A JWT signing key is hard-coded', {
        unfixableReason: 'pass a key read from settings (an environment variable), then rotate it',
      }),
    );
  }
  // Handles: openai.OpenAI("sk-proj-..."), create_engine("postgresql://app:pw@db.acme.io/app"), wherever they stand
  for (const literal of nodesOfKind(context.root, 'string')) {
    if (reported.has(literal.id()) || literal.parent()?.kind() === 'concatenated_string') continue;
    const value = stringValue(literal);
    if (value === undefined) continue;
    const format = knownKeyFormat(value);
    const what = format
      ? `${format[0].toUpperCase()}${format.slice(1)} is hard-coded`
      : urlPassword(value) !== undefined
        ? 'A password is hard-coded in a connection URL'
        : undefined;
    if (!what) continue;
    context.report(
      reportOf(context, literal, what, {
        unfixableReason: 'move it to an environment variable read through your settings, then rotate it',
      }),
    );
  }
}

const detector: PythonDetector = {
  prefilter: (text) =>
    keyFormatPrefix.test(text) ||
    urlWithPassword.test(text) ||
    /jwt/.test(text) ||
    (secretWord.test(text) && secretName.test(text)),
  check(context) {
    if (!isPythonTestPath(context)) check(context);
  },
};

export default detector;

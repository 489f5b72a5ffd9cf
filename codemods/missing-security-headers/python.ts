import type { PythonDetector } from '../../src/engine/languages/python-detector.js';
import { appsCreated, isFlaskLike, mayCreateApp, reportApps, wiresControl } from '../_shared/python/apps.js';
import { isPythonTestPath } from '../_shared/python/syntax.js';

const signs = {
  // `secure` (secure.py), starlette-csp, fastapi-security-headers; `asgi_csp`
  packages: /^(?:secure|starlette_csp|asgi_csp|fastapi_security_headers|fastapi_secure_headers)(?:\.|$)/,
  named:
    /secur(?:e|ity)_?headers?|SecurityHeaders|HeadersMiddleware|helmet|talisman|(?:^|[._])csp(?:[._]|$)|(?:^|\.)headers$/i,
  // The rules' own example: a middleware that sets the headers by hand
  inText: /x-frame-options|x-content-type-options/i,
};

const detector: PythonDetector = {
  prefilter: mayCreateApp,
  check(context) {
    if (isPythonTestPath(context)) return;
    const apps = appsCreated(context.root);
    if (apps.length === 0 || wiresControl(context, apps, signs)) return;
    const headers = context.policy.headers;
    reportApps(
      context,
      apps,
      (app) => `${app.framework} app \`${app.name}\` sends no security headers (no middleware sets them)`,
      (app) =>
        `${isFlaskLike(app) ? 'set on every response (Flask-Talisman, or an after_request hook)' : 'add a middleware before the routes that sets'} X-Content-Type-Options: ${headers.contentTypeOptions}, X-Frame-Options: ${headers.frameOptions}, Referrer-Policy: ${headers.referrerPolicy} and, over HTTPS, Strict-Transport-Security: max-age=${headers.hstsMaxAgeSeconds}`,
    );
  },
};

export default detector;

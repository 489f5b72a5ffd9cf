import type { PythonDetector } from '../../src/engine/languages/python-detector.js';
import { appsCreated, reportApps, wiresControl } from '../_shared/python/apps.js';
import { isPythonTestPath } from '../_shared/python/syntax.js';

const signs = {
  // slowapi, fastapi-limiter, limits (slowapi's own backend), asgi-ratelimit, fastapi-throttle
  packages:
    /^(?:slowapi|fastapi_limiter|limits|ratelimit|asgi_ratelimit|fastapi_throttle|starlette_ratelimit)(?:\.|$)/,
  named: /rate_?limit|ratelimit|limiter|throttl/i,
};

const detector: PythonDetector = {
  prefilter: /FastAPI|Starlette/,
  check(context) {
    if (isPythonTestPath(context)) return;
    const apps = appsCreated(context.root);
    if (apps.length === 0 || wiresControl(context, apps, signs)) return;
    const { max, windowSeconds } = context.policy.rateLimit;
    reportApps(
      context,
      apps,
      (app) => `${app.framework} app \`${app.name}\` has no rate limit`,
      `limit each client to ${max} requests per ${windowSeconds} seconds before the routes (slowapi's Limiter with SlowAPIMiddleware, or a middleware on the limits package)`,
    );
  },
};

export default detector;

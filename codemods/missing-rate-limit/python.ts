import type { PythonDetector } from '../../src/engine/languages/python-detector.js';
import { appsCreated, isFlaskLike, mayCreateApp, reportApps, wiresControl } from '../_shared/python/apps.js';
import { isPythonTestPath } from '../_shared/python/syntax.js';

const signs = {
  // slowapi, fastapi-limiter, limits (slowapi's own backend), asgi-ratelimit, fastapi-throttle; flask_limiter and
  // aiohttp_ratelimiter by their names
  packages:
    /^(?:slowapi|fastapi_limiter|limits|ratelimit|asgi_ratelimit|fastapi_throttle|starlette_ratelimit)(?:\.|$)/,
  named: /rate_?limit|ratelimit|limiter|throttl/i,
};

const detector: PythonDetector = {
  prefilter: mayCreateApp,
  check(context) {
    if (isPythonTestPath(context)) return;
    const apps = appsCreated(context.root);
    if (apps.length === 0 || wiresControl(context, apps, signs)) return;
    const { max, windowSeconds } = context.policy.rateLimit;
    reportApps(
      context,
      apps,
      (app) => `${app.framework} app \`${app.name}\` has no rate limit`,
      (app) =>
        `limit each client to ${max} requests per ${windowSeconds} seconds before the routes (${
          isFlaskLike(app)
            ? "Flask-Limiter's Limiter(get_remote_address, app=app)"
            : app.framework === 'aiohttp'
              ? 'a middleware on the limits package'
              : "slowapi's Limiter with SlowAPIMiddleware, or a middleware on the limits package"
        })`,
    );
  },
};

export default detector;

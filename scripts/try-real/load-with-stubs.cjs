/* global require, __filename */
// A preload script run by plain node -r (or NODE_OPTIONS=--require), which only takes CommonJS.
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Preloaded to tell whether an app's own code loads and runs: every package that is not installed resolves to
 * one inert stub, and so does every package TRY_REAL_STUBS names (comma-separated: mongoose, connect-mongo...),
 * for the databases this machine does not have. Only the project's own modules run for real.
 * A ReferenceError from an inserted line that comes before the `require` it uses still throws.
 */
const Module = require('node:module');

const stubId = '\0try-real-stub';
const named = new Set((process.env.TRY_REAL_STUBS ?? '').split(',').filter(Boolean));
// Awaiting the stub (`await mongoose.connect(url)`) settles at once, to a stub that is not itself awaitable (one
// that were would be awaited again forever): a connection that never comes would hang the boot.
const settle = (onFulfilled, onRejected) => Promise.resolve(settled).then(onFulfilled, onRejected);
const handler = {
  get(_target, key) {
    if (key === Symbol.toPrimitive) return () => '';
    if (key === Symbol.iterator) return function* empty() {};
    // Metadata looked up by symbol (fastify-plugin's `Symbol.for('plugin-meta')`): none, so a stubbed Fastify
    // plugin registers as an empty one instead of failing the version check on a stub `fastify` range.
    if (typeof key === 'symbol') return undefined;
    if (key === '__esModule') return undefined;
    if (key === 'then') return settle;
    // A version read at load and compared with semver (typegoose checks mongoose.version): newer than any.
    if (key === 'version') return '99.0.0';
    return stub;
  },
  apply: () => stub,
  construct: () => stub,
};
const stub = new Proxy(function stubbed() {}, handler);
const settled = new Proxy(function settledStub() {}, {
  ...handler,
  get: (target, key) => (key === 'then' ? undefined : handler.get(target, key)),
});

/**
 * Stand-ins that must behave, not just load: a session store that never calls back would hold every answer
 * (express-session waits for the save), so connect-mongo becomes express-session's own MemoryStore.
 */
const standIns = {
  'connect-mongo': (parent) => {
    const { MemoryStore } = require(Module.createRequire(parent.filename).resolve('express-session'));
    const create = () => new MemoryStore();
    return Object.assign(
      function MongoStore() {
        return create();
      },
      { create, MongoStore: { create }, default: { create } },
    );
  },
};

const packageName = (request) =>
  request
    .split('/')
    .slice(0, request.startsWith('@') ? 2 : 1)
    .join('/');

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveOrStub(request, parent, ...rest) {
  if (named.has(packageName(request))) return stubId;
  try {
    return resolve.call(this, request, parent, ...rest);
  } catch (error) {
    if (/^[./]/.test(request) || Module.isBuiltin(request)) throw error;
    return stubId;
  }
};
const load = Module._load;
Module._load = function loadOrStub(request, parent, ...rest) {
  const standIn = named.has(packageName(request)) && standIns[packageName(request)];
  if (standIn) return standIn(parent);
  if (request !== stubId && Module._resolveFilename(request, parent) !== stubId)
    return load.call(this, request, parent, ...rest);
  return stub;
};

// ES modules link their imports before any code runs: esm-stubs.mjs stubs those, with this file's stub.
globalThis.__tryRealStub = stub;
Module.register('./esm-stubs.mjs', require('node:url').pathToFileURL(__filename), {
  data: { named: [...named] },
});

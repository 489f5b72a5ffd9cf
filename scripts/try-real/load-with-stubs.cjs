/* global require */
// A preload script run by plain node -r, which only takes CommonJS.
/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Preloaded with `node -r` to tell whether an app's own code loads: every package that is not installed
 * (express, mongoose, a database driver...) resolves to one inert stub, so only the project's own modules run.
 * A ReferenceError from an inserted line that comes before the `require` it uses still throws.
 */
const Module = require('node:module');

const stubId = '\0try-real-stub';
const handler = {
  get(_target, key) {
    if (key === Symbol.toPrimitive) return () => '';
    if (key === Symbol.iterator) return function* empty() {};
    if (key === '__esModule') return undefined;
    return stub;
  },
  apply: () => stub,
  construct: () => stub,
};
const stub = new Proxy(function stubbed() {}, handler);

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveOrStub(request, parent, ...rest) {
  try {
    return resolve.call(this, request, parent, ...rest);
  } catch (error) {
    if (/^[./]/.test(request) || Module.isBuiltin(request)) throw error;
    return stubId;
  }
};
const load = Module._load;
Module._load = function loadOrStub(request, parent, ...rest) {
  if (request !== stubId && Module._resolveFilename(request, parent) !== stubId)
    return load.call(this, request, parent, ...rest);
  return stub;
};

// Preloaded with `node --import` by check-loads.test.ts: every package a thread of the run loads is listed
// in LOADED_PACKAGES_FILE. Workers inherit --import, so their loads are listed too.
import Module, { register } from 'node:module';
import { record } from './record.mjs';

register(new URL('./hooks.mjs', import.meta.url));

// CommonJS requires (createRequire included), which the ESM hooks do not see.
const load = Module._load;
Module._load = function (request, parent, isMain) {
  try {
    record(Module._resolveFilename(request, parent, isMain));
  } catch {
    // A request that cannot resolve fails in the real load below, with its own error.
  }
  return load.apply(this, arguments);
};

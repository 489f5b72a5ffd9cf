import { createRequire } from 'node:module';
import type * as BabelParser from '@babel/parser';
import type { VISITOR_KEYS as BabelVisitorKeys } from '@babel/types';

// Both packages are CommonJS. `require` skips the scan Node runs over a CommonJS file to find its exports
// for an ESM import, and the visitor keys come from Babel's node definitions alone, without the hundreds of
// builders and validators of @babel/types: about 70 ms less at every start, in the main thread and in
// every worker.
const require = createRequire(import.meta.url);

export const { parse } = require('@babel/parser') as typeof BabelParser;

/** For each node type, the keys that hold child nodes, in source order. */
export const VISITOR_KEYS = (
  require('@babel/types/lib/definitions/index.js') as { VISITOR_KEYS: typeof BabelVisitorKeys }
).VISITOR_KEYS;

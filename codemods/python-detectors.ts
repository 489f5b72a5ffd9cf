import type { PythonDetector } from '../src/engine/languages/index.js';
import corsWildcard from './cors-wildcard/python.js';
import jwtAlgorithm from './jwt-algorithm/python.js';
import jwtUnverified from './jwt-unverified/python.js';
import sqlInjection from './sql-injection/python.js';

/**
 * Each rule's Python detector (`codemods/<rule>/python.ts`), by rule id: the rule keeps one id, meta and
 * README, and reads Python files through this detector. A rule missing here does not read Python.
 */
export const pythonDetectors: Readonly<Record<string, PythonDetector>> = {
  'cors-wildcard': corsWildcard,
  'jwt-algorithm': jwtAlgorithm,
  'jwt-unverified': jwtUnverified,
  'sql-injection': sqlInjection,
};

import type { PythonDetector } from '../src/engine/languages/index.js';
import corsWildcard from './cors-wildcard/python.js';
import defaultPassword from './default-password/python.js';
import hardcodedSecret from './hardcoded-secret/python.js';
import jwtAlgorithm from './jwt-algorithm/python.js';
import jwtExpiry from './jwt-expiry/python.js';
import jwtUnverified from './jwt-unverified/python.js';
import logSecret from './log-secret/python.js';
import missingRateLimit from './missing-rate-limit/python.js';
import missingSecurityHeaders from './missing-security-headers/python.js';
import sqlInjection from './sql-injection/python.js';
import weakPasswordHash from './weak-password-hash/python.js';
import wsUnauthenticated from './ws-unauthenticated/python.js';

/**
 * Each rule's Python detector (`codemods/<rule>/python.ts`), by rule id: the rule keeps one id, meta and
 * README, and reads Python files through this detector. A rule missing here does not read Python.
 */
export const pythonDetectors: Readonly<Record<string, PythonDetector>> = {
  'cors-wildcard': corsWildcard,
  'default-password': defaultPassword,
  'hardcoded-secret': hardcodedSecret,
  'jwt-algorithm': jwtAlgorithm,
  'jwt-expiry': jwtExpiry,
  'jwt-unverified': jwtUnverified,
  'log-secret': logSecret,
  'missing-rate-limit': missingRateLimit,
  'missing-security-headers': missingSecurityHeaders,
  'sql-injection': sqlInjection,
  'weak-password-hash': weakPasswordHash,
  'ws-unauthenticated': wsUnauthenticated,
};

import type { PythonDetector } from '../../src/engine/languages/python-detector.js';
import defaultPassword from '../../codemods/default-password/python.js';
import hardcodedSecret from '../../codemods/hardcoded-secret/python.js';
import jwtExpiry from '../../codemods/jwt-expiry/python.js';
import logSecret from '../../codemods/log-secret/python.js';
import missingRateLimit from '../../codemods/missing-rate-limit/python.js';
import missingSecurityHeaders from '../../codemods/missing-security-headers/python.js';
import weakPasswordHash from '../../codemods/weak-password-hash/python.js';
import wsUnauthenticated from '../../codemods/ws-unauthenticated/python.js';

/** The Python detectors built here, by rule id, and whether each offers fixes. */
export const pythonDetectors: [id: string, detector: PythonDetector, fixes: boolean][] = [
  ['hardcoded-secret', hardcodedSecret, true],
  ['default-password', defaultPassword, true],
  ['log-secret', logSecret, true],
  ['weak-password-hash', weakPasswordHash, true],
  ['jwt-expiry', jwtExpiry, true],
  ['ws-unauthenticated', wsUnauthenticated, false],
  ['missing-security-headers', missingSecurityHeaders, false],
  ['missing-rate-limit', missingRateLimit, false],
];

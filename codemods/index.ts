import type { Rule } from '../src/engine/rule.js';
import corsWildcard from './cors-wildcard/rule.js';
import sqlInjection from './sql-injection/rule.js';
import hardcodedSecret from './hardcoded-secret/rule.js';
import defaultPassword from './default-password/rule.js';
import logSecret from './log-secret/rule.js';
import insecureTransport from './insecure-transport/rule.js';
import frontendSecret from './frontend-secret/rule.js';
import envCommitted from './env-committed/rule.js';
import dockerPorts from './docker-ports/rule.js';
import dockerRoot from './docker-root/rule.js';
import dockerSecret from './docker-secret/rule.js';
import jwtAlgorithm from './jwt-algorithm/rule.js';
import jwtUnverified from './jwt-unverified/rule.js';
import jwtExpiry from './jwt-expiry/rule.js';
import weakPasswordHash from './weak-password-hash/rule.js';
import missingSecurityHeaders from './missing-security-headers/rule.js';
import missingRateLimit from './missing-rate-limit/rule.js';
import wsUnauthenticated from './ws-unauthenticated/rule.js';
import { pythonDetectors } from './python-detectors.js';

/** A source rule with its Python detector, when it has one. */
function withPython(rule: Rule): Rule {
  const python = pythonDetectors[rule.meta.id];
  return python && rule.kind === 'source' ? { ...rule, python } : rule;
}

/** Every rule, one line each. Adding a rule = its folder under codemods/ + one line here. */
export const rules: Rule[] = [
  jwtExpiry,
  jwtAlgorithm,
  jwtUnverified,
  weakPasswordHash,
  dockerRoot,
  dockerSecret,
  dockerPorts,
  hardcodedSecret,
  corsWildcard,
  defaultPassword,
  logSecret,
  insecureTransport,
  frontendSecret,
  envCommitted,
  sqlInjection,
  missingSecurityHeaders,
  missingRateLimit,
  wsUnauthenticated,
].map(withPython);

export function findRule(id: string): Rule | undefined {
  return rules.find((rule) => rule.meta.id === id);
}

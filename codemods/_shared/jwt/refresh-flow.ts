import { readText } from '../project/dependencies.js';
import { join } from 'node:path';
import { manifestPath } from '../../../src/engine/manifest.js';
import { projectSources } from '../project/files.js';

/**
 * Signs of a refresh flow: a refresh token issued, stored or exchanged, or a refresh route. Without one, a
 * shorter access token does not rotate: it logs every user out when it expires.
 */
const refreshFlowPattern =
  /refresh[_-]?token|refreshToken|['"`][^'"`\n]*\/refresh\b|grant_type[^\n]{0,40}refresh_token/i;

/**
 * Files `secure add` generated that only name the policy's numbers (`refreshTokenDays` in security/config.js),
 * never a flow: every generator's but auth's, which does issue refresh tokens.
 */
function generatedPolicyFiles(root: string): Set<string> {
  try {
    const manifest = JSON.parse(readText(join(root, manifestPath))) as {
      files?: Record<string, { generator?: string }>;
    };
    return new Set(
      Object.entries(manifest.files ?? {})
        .filter(([, entry]) => entry.generator !== 'auth')
        .map(([path]) => path),
    );
  } catch {
    return new Set();
  }
}

/** True when this file or any source file of the project (our generated policy files aside) shows a refresh flow. */
export function hasRefreshFlow(root: string, fileText: string): boolean {
  if (refreshFlowPattern.test(fileText)) return true;
  const generated = generatedPolicyFiles(root);
  return projectSources(root).some(
    (source) => !generated.has(source.path) && refreshFlowPattern.test(source.text),
  );
}

export const noRefreshFlowReason =
  'no refresh flow was found in the project, so a shorter token would log every user out when it expires; add refresh tokens first, then shorten it';

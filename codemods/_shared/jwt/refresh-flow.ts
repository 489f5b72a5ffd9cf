import { projectSources } from '../project/files.js';

/**
 * Signs of a refresh flow: a refresh token issued, stored or exchanged, or a refresh route. Without one, a
 * shorter access token does not rotate: it logs every user out when it expires.
 */
const refreshFlowPattern =
  /refresh[_-]?token|refreshToken|['"`][^'"`\n]*\/refresh\b|grant_type[^\n]{0,40}refresh_token/i;

/** True when this file or any source file of the project shows a refresh flow. */
export function hasRefreshFlow(root: string, fileText: string): boolean {
  if (refreshFlowPattern.test(fileText)) return true;
  return projectSources(root).some((source) => refreshFlowPattern.test(source.text));
}

export const noRefreshFlowReason =
  'no refresh flow was found in the project, so a shorter token would log every user out when it expires; add refresh tokens first, then shorten it';

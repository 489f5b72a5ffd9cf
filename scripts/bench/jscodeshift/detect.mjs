import { detectCorsWildcard, detectSqlInjection } from './detectors.mjs';

/**
 * One jscodeshift transform running both detections (jscodeshift takes one transform per run). Detection
 * only: it always returns undefined, so no file is written even without --dry. Each finding is counted in
 * the run's stats (printed with --dry) and reported as `line:column rule`.
 */
export const parser = 'tsx';

export default function detect(file, api) {
  const j = api.jscodeshift;
  const root = j(file.source);
  for (const [rule, detector] of [
    ['cors-wildcard', detectCorsWildcard],
    ['sql-injection', detectSqlInjection],
  ]) {
    for (const node of detector(j, root)) {
      api.stats(rule);
      api.report(`${node.loc.start.line}:${node.loc.start.column + 1} ${rule}`);
    }
  }
  return undefined;
}

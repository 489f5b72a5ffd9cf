import { matchesPrefilter, type TextContext, type TextFileDetector } from '../../src/engine/rule.js';
import { relativeToRoot } from './secrets/paths.js';

/** Several text-file detectors as one: each reads the files it applies to, behind its own prefilter. */
export function eitherTextFile(...detectors: TextFileDetector[]): TextFileDetector {
  const relative = (context: TextContext) => relativeToRoot(context.file, context.project.root);
  return {
    appliesTo: (path) => detectors.some((detector) => detector.appliesTo(path)),
    prefilter: (text) =>
      detectors.some((detector) => !detector.prefilter || matchesPrefilter(detector.prefilter, text)),
    check(context) {
      for (const detector of detectors)
        if (
          detector.appliesTo(relative(context)) &&
          (!detector.prefilter || matchesPrefilter(detector.prefilter, context.text))
        )
          detector.check(context);
    },
  };
}

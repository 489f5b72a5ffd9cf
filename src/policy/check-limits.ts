/**
 * How much `secure check` reads. Files past these limits are skipped, counted and listed, never passed
 * silently: a hand-written module is far below them, generated bundles and vendored parsers are above.
 */
export const checkLimits = {
  /** Larger files are skipped as "too large" (Semgrep's default is 1 MB; a hand-written module is < 200 KB). */
  maxFileBytes: 2 * 1024 * 1024,
  /** Files shorter than this are never taken for generated code, whatever their lines look like. */
  generatedMinBytes: 2048,
  /**
   * Average characters per line, over the whole file with its string literals emptied, above which the
   * file is taken for minified or generated code (hand-written code averages 30 to 60).
   */
  generatedAverageLineLength: 300,
} as const;

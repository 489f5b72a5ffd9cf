/**
 * How much `secure check` reads. Files past these limits are skipped, counted and listed, never passed
 * silently: a hand-written module is far below them, generated bundles and vendored parsers are above.
 */
export const checkLimits = {
  /** Larger files are skipped as "too large" (Semgrep's default is 1 MB; a hand-written module is < 200 KB). */
  maxFileBytes: 2 * 1024 * 1024,
  /** Files shorter than this are never taken for generated code, whatever their lines look like. */
  generatedMinBytes: 2048,
  /** Average characters per line over the whole file above which it may be minified or generated. */
  generatedAverageLineLength: 300,
  /**
   * The same average with every string literal emptied, above which it is: a hand-written file whose length
   * is one data URI or base64 constant falls to 30-80, minified code stays above 200.
   */
  generatedCodeLineLength: 120,
  /**
   * Keywords (`function`, `return`, `=>`, `var`, ...) per 1000 characters of that emptied text, from which
   * the long lines are code: minified bundles have 4 to 40, a long regex or a data table under 2.
   */
  generatedKeywordsPerThousand: 3,
} as const;

import { BOM, candidateRules, checkSource, type ParseFailure } from './check-source.js';
import { looksGenerated, type FileKind } from './discover.js';
import { checkTreeFile, treeLanguageOfKind } from './languages/index.js';
import { matchesPrefilter, type Finding, type ProjectInfo, type SourceRule, type TextRule } from './rule.js';
import { findSuppressions, invalidSuppressions, isSuppressed, lineHash } from './suppress.js';
import { sortTextFindings, textFinding, type TextFinding } from './text-finding.js';

export interface SelectedRules {
  source: SourceRule[];
  text: TextRule[];
  /** Every selected rule id (source, text and project rules). */
  ids: ReadonlySet<string>;
}

export interface FileAnalysis {
  /** After suppressions; each finding carries its lineHash. */
  findings: Finding[];
  suppressed: number;
  /** True when the file was parsed without error (some rule's prefilter matched), or read as text. */
  parsed: boolean;
  /** Read but not checked: minified or generated code, or past the size limit. */
  skipped?: 'generated' | 'too-large';
  /** Ids of the rules that ran on the file (prefilter passed and it parsed; or a text rule that applies). */
  rulesRun?: string[];
  parseError?: ParseFailure;
  /** A rule threw on this file: a bug in the rule, reported instead of stopping the run. */
  ruleError?: string;
}

export type { TextFinding } from './text-finding.js';

/** Runs the text rules that apply to a Dockerfile or .env file; the text has no BOM. */
export function checkTextFile(
  text: string,
  file: string,
  relativePath: string,
  rules: readonly TextRule[],
  project: ProjectInfo,
): TextFinding[] {
  const results: TextFinding[] = [];
  for (const rule of rules) {
    if (!rule.appliesTo(relativePath)) continue;
    if (rule.prefilter && !matchesPrefilter(rule.prefilter, text)) continue;
    rule.check({
      file,
      text,
      project,
      policy: project.policy,
      report: (report) => results.push(textFinding(rule.meta, file, report)),
    });
  }
  return sortTextFindings(results);
}

/**
 * Everything `secure check` does with one file: prefilter, parse once for every candidate rule, apply the
 * suppression comments, hash the finding lines for baselines. Runs in the main thread or in a worker.
 */
export function analyzeFile(
  rawText: string,
  file: string,
  relativePath: string,
  kind: FileKind,
  rules: SelectedRules,
  project: ProjectInfo,
  known: {
    /** The source rules whose prefilter passed, when a reader thread already ran them. */
    candidates?: SourceRule[];
    /** Named on the command line: checked even when it looks generated. */
    explicit?: boolean;
  } = {},
): FileAnalysis {
  try {
    return analyzeText(rawText, file, relativePath, kind, rules, project, known);
  } catch (error) {
    const message =
      error instanceof Error
        ? `${error.message}\n${error.stack?.split('\n')[1]?.trim() ?? ''}`
        : String(error);
    return { findings: [], suppressed: 0, parsed: true, ruleError: message.trim() };
  }
}

function analyzeText(
  rawText: string,
  file: string,
  relativePath: string,
  kind: FileKind,
  rules: SelectedRules,
  project: ProjectInfo,
  known: { candidates?: SourceRule[]; explicit?: boolean },
): FileAnalysis {
  const text = rawText.startsWith(BOM) ? rawText.slice(1) : rawText;
  let findings: Finding[] = [];
  let parsed = false;
  let parseError: ParseFailure | undefined;
  let rulesRun: string[] = [];
  if (kind === 'source') {
    const candidates = known.candidates ?? candidateRules(text, relativePath, rules.source);
    if (candidates.length > 0) {
      if (!known.explicit && looksGenerated(text))
        return { findings: [], suppressed: 0, parsed: false, skipped: 'generated' };
      const result = checkSource(text, file, candidates, project);
      findings = result.findings;
      parseError = result.parseError;
      // A file that does not parse was not checked by any rule: never counted as parsed.
      parsed = !parseError;
      if (parsed) rulesRun = candidates.map((rule) => rule.meta.id);
    }
  } else if (treeLanguageOfKind(kind)) {
    const result = checkTreeFile(treeLanguageOfKind(kind)!, text, file, relativePath, rules.source, project);
    findings = result.findings.map((entry) => entry.finding);
    parseError = result.parseError;
    parsed = result.rulesRun.length > 0;
    rulesRun = result.rulesRun;
  } else {
    const applicable = rules.text.filter((rule) => rule.appliesTo(relativePath));
    if (applicable.length > 0) {
      parsed = true;
      rulesRun = applicable.map((rule) => rule.meta.id);
      findings = checkTextFile(text, file, relativePath, applicable, project).map((entry) => entry.finding);
    }
  }
  const suppressions = findSuppressions(text);
  const kept = findings.filter((finding) => !isSuppressed(finding, suppressions));
  const invalid = invalidSuppressions(file, suppressions).filter((finding) => {
    const named = suppressions.find((suppression) => suppression.line === finding.line)?.rules ?? [];
    return named.length === 0 || named.some((id) => rules.ids.has(id));
  });
  const all = [...kept, ...invalid]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .map((finding) => ({ ...finding, lineHash: lineHash(finding.rule, text, finding.line) }));
  return {
    findings: all,
    suppressed: findings.length - kept.length,
    parsed,
    ...(rulesRun.length > 0 ? { rulesRun } : {}),
    ...(parseError ? { parseError } : {}),
  };
}

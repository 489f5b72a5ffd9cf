import { fingerprints } from '../../engine/baseline.js';
import type { RuleMeta, Severity } from '../../engine/rule.js';
import type { CheckResult } from '../../engine/run-check.js';
import type { SkippedEntry } from '../../engine/discover.js';
import { ruleReadme } from './rule-docs.js';
import { describeSkipped, displayPath, isCheckFailure, type ReportContext } from './report.js';

/** GitHub reads `security-severity` (0-10) to rank alerts as critical, high, medium or low. */
const securitySeverity: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

const level: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

function sarifRule(meta: RuleMeta) {
  const cweTags = meta.cwe.flatMap((id) => [`CWE-${id}`, `external/cwe/cwe-${id}`]);
  return {
    id: meta.id,
    name: meta.id
      .split('-')
      .map((word) => word[0].toUpperCase() + word.slice(1))
      .join(''),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    // No helpUri: the package has no published documentation site, and a file path is not a URI code scanning opens.
    help: {
      text: `${meta.description}\n\nFix: ${meta.hint}`,
      markdown:
        ruleReadme(meta.id) ??
        `${meta.description}\n\n**Fix:** ${meta.hint}${meta.fixable ? '\n\n`secure fix` repairs the findings it can prove safe.' : ''}`,
    },
    defaultConfiguration: { level: level[meta.severity] },
    properties: {
      tags: ['security', ...cweTags],
      precision: 'high',
      'problem.severity':
        meta.severity === 'low' ? 'recommendation' : meta.severity === 'medium' ? 'warning' : 'error',
      'security-severity': securitySeverity[meta.severity],
    },
  };
}

/** A file or folder left unchecked, as a SARIF notification: an error when it should have been checked. */
function skippedNotification(entry: SkippedEntry, context: ReportContext) {
  return {
    level: isCheckFailure(entry) ? 'error' : 'note',
    descriptor: { id: `skipped/${entry.reason}` },
    message: { text: `not checked: ${describeSkipped(context.cwd, entry)}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: {
            uri: encodeURI(displayPath(context.cwd, entry.path) + (entry.folder ? '/' : '')),
            uriBaseId: '%SRCROOT%',
          },
          ...(entry.line
            ? { region: { startLine: entry.line, ...(entry.column ? { startColumn: entry.column } : {}) } }
            : {}),
        },
      },
    ],
  };
}

/**
 * `--format sarif`: SARIF 2.1.0 as GitHub code scanning ingests it. Paths are relative to the current
 * folder (run from the repository root in CI), and partialFingerprints survive line shifts.
 */
export function formatSarif(result: CheckResult, context: ReportContext): string {
  const ruleIds = [...context.rules.keys()].sort();
  const rules = ruleIds.map((id) => sarifRule(context.rules.get(id)!));
  const prints = fingerprints(result.findings, context.cwd);
  const results = result.findings.map((finding, index) => {
    const meta = context.rules.get(finding.rule);
    return {
      ruleId: finding.rule,
      ruleIndex: ruleIds.indexOf(finding.rule),
      level: level[finding.severity],
      message: {
        text: meta
          ? `${finding.message}. ${finding.fixable ? 'Run `secure fix`.' : meta.hint}`
          : finding.message,
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: {
              uri: encodeURI(displayPath(context.cwd, finding.file)),
              uriBaseId: '%SRCROOT%',
            },
            region: {
              startLine: finding.line,
              startColumn: finding.column,
              endLine: finding.endLine,
              endColumn: Math.max(finding.endColumn, finding.endLine === finding.line ? finding.column : 1),
            },
          },
        },
      ],
      partialFingerprints: { 'secureFingerprint/v1': prints[index] },
      // Test code (--include-tests) is tagged so code scanning can file it apart from production alerts.
      properties: {
        fixable: finding.fixable,
        ...(finding.testFile ? { testFile: true, tags: ['test'] } : {}),
      },
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'secure',
            fullName: 'create-secure-app secure check',
            informationUri: 'https://www.npmjs.com/package/create-secure-app',
            version: context.toolVersion,
            semanticVersion: context.toolVersion,
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
        invocations: [
          {
            // No file checked, or one the rules should have read was not: the run cannot vouch for the code.
            executionSuccessful:
              result.files > 0 &&
              result.ruleErrors.length === 0 &&
              !result.skipped.some((entry) => isCheckFailure(entry)),
            toolExecutionNotifications: result.skipped.map((entry) => skippedNotification(entry, context)),
            // Test files not read (so absent from `results`) unless --include-tests.
            ...(result.testFilesSkipped ? { properties: { testFilesSkipped: result.testFilesSkipped } } : {}),
          },
        ],
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}

import type { Finding } from '../../engine/rule.js';
import type { CheckResult } from '../../engine/run-check.js';
import { displayPath, plural, type ReportContext } from './report.js';

/** Characters XML 1.0 forbids even when escaped (control characters other than tab, LF and CR). */
// eslint-disable-next-line no-control-regex
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(forbidden, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function testcase(finding: Finding, file: string): string {
  const where = `${file}:${finding.line}:${finding.column}`;
  return [
    `    <testcase classname="${escapeXml(file)}" name="${escapeXml(`${finding.rule} at ${where}`)}">`,
    `      <failure message="${escapeXml(finding.message)}" type="${finding.severity}">${escapeXml(`${where} ${finding.rule} (${finding.severity}): ${finding.message}`)}</failure>`,
    `    </testcase>`,
  ].join('\n');
}

/**
 * `--format junit`: one testsuite per file with findings and one failing testcase per finding, which CI
 * test-report views (GitLab, Jenkins, Azure) list by file. A clean run is one passing testcase, so the
 * report says what was checked instead of being empty.
 */
export function formatJunit(result: CheckResult, context: ReportContext): string {
  const byFile = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const file = displayPath(context.cwd, finding.file);
    byFile.set(file, [...(byFile.get(file) ?? []), finding]);
  }
  const seconds = (context.durationMs / 1000).toFixed(3);
  const suites = [...byFile].map(([file, findings]) =>
    [
      `  <testsuite name="${escapeXml(file)}" tests="${findings.length}" failures="${findings.length}" errors="0">`,
      ...findings.map((finding) => testcase(finding, file)),
      '  </testsuite>',
    ].join('\n'),
  );
  if (suites.length === 0)
    suites.push(
      [
        `  <testsuite name="secure check" tests="1" failures="0" errors="0">`,
        `    <testcase classname="secure check" name="${escapeXml(`no findings in ${plural(result.files, 'file')}`)}"/>`,
        '  </testsuite>',
      ].join('\n'),
    );
  const tests = Math.max(result.findings.length, 1);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="secure check ${escapeXml(context.toolVersion)}" tests="${tests}" failures="${result.findings.length}" errors="0" time="${seconds}">`,
    ...suites,
    '</testsuites>',
  ].join('\n');
}

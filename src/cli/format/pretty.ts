import { codeFrameColumns } from '@babel/code-frame';
import { readFileSync } from 'node:fs';
import type { Finding } from '../../engine/rule.js';
import type { CheckResult, FileResult } from '../../engine/run-check.js';
import type { Output } from '../output.js';
import { maskAround, showsSecrets } from './mask-secrets.js';
import { ruleDocsPath } from './rule-docs.js';
import {
  countBySeverity,
  displayPath,
  plural,
  skippedSummary,
  testFilesNotChecked,
  type ReportContext,
} from './report.js';

function frame(text: string, finding: Finding, colors: boolean, masked: boolean): string {
  const sameLine = finding.endLine === finding.line;
  const shown = text.replace(/^\uFEFF/, '');
  return codeFrameColumns(
    masked ? maskAround(shown, finding.line, finding.file) : shown,
    {
      start: { line: finding.line, column: finding.column },
      end:
        sameLine && finding.endColumn > finding.column
          ? { line: finding.endLine, column: finding.endColumn }
          : undefined,
    },
    { highlightCode: colors, linesAbove: 1, linesBelow: 1, forceColor: colors },
  );
}

/**
 * `--format pretty`: each file's findings as soon as they are known (file:line:col, rule, message, the code,
 * the remedy), then one summary line.
 */
export function prettyPrinter(output: Output, context: ReportContext, colorsOn: boolean) {
  const { colors } = output;
  const severityColor = { critical: colors.red, high: colors.red, medium: colors.yellow, low: colors.dim };

  // Where a rule is explained, once per rule and run: the first finding of each rule carries the link.
  const linked = new Set<string>();
  const printFinding = (finding: Finding, text: string | undefined) => {
    const where = `${displayPath(context.cwd, finding.file)}:${finding.line}:${finding.column}`;
    output.out(
      `${colors.bold(where)}  ${severityColor[finding.severity](finding.severity)}  ${colors.cyan(finding.rule)}${finding.testFile ? `  ${colors.dim('(test file)')}` : ''}`,
    );
    output.out(`  ${finding.message}`);
    if (text !== undefined) {
      try {
        output.out(
          frame(text, finding, colorsOn, showsSecrets(context.rules.get(finding.rule)?.checklist))
            .split('\n')
            .map((line) => `  ${line}`)
            .join('\n'),
        );
      } catch {
        // A position past the end of the file (a project rule's finding): no frame.
      }
    }
    const meta = context.rules.get(finding.rule);
    // The hint is the remedy by hand; after "run secure fix" it reads as the alternative, not as an aside.
    if (finding.fixable)
      output.out(
        `  ${colors.green('fix:')} run \`secure fix\`${meta ? `, or by hand: ${meta.hint[0].toLowerCase()}${meta.hint.slice(1)}` : ''}`,
      );
    else if (finding.unfixableReason)
      output.out(`  ${colors.yellow('fix by hand:')} ${finding.unfixableReason}`);
    else if (meta) output.out(`  ${colors.yellow('fix by hand:')} ${meta.hint}`);
    const docs = linked.has(finding.rule) ? undefined : ruleDocsPath(finding.rule);
    if (docs && meta) {
      linked.add(finding.rule);
      const shown = displayPath(context.cwd, docs);
      output.out(`  ${colors.dim(`docs: ${shown.startsWith('../') ? docs : shown}`)}`);
    }
    output.out('');
  };

  return {
    file(result: FileResult) {
      if (result.findings.length === 0) return;
      let text: string | undefined;
      try {
        text = readFileSync(result.path, 'utf8');
      } catch {
        text = undefined;
      }
      for (const finding of result.findings) printFinding(finding, text);
    },
    finish(
      result: CheckResult,
      options: {
        /** --changed or --staged: finding no such file is a clean run, not a failure. */
        changed?: 'changed' | 'staged';
        quiet?: boolean;
        /** Findings left out by --severity: counted, so a clean line never hides them. */
        belowSeverity?: { count: number; level: string };
      } = {},
    ) {
      for (const project of result.projectFindings) printFinding(project.finding, undefined);
      if (options.quiet) return;
      const seconds = (context.durationMs / 1000).toFixed(2);
      const reused = [`${result.parsed} parsed`, result.cached ? `${result.cached} from cache` : ''].filter(
        Boolean,
      );
      const skipped = skippedSummary(result.skipped);
      if (result.files === 0 && options.changed && result.findings.length === 0) {
        const tests = result.testFilesSkipped ? `; ${testFilesNotChecked(result.testFilesSkipped)}` : '';
        output.out(`No ${options.changed} files to check (${seconds}s)${tests}.`);
        return;
      }
      const scanned =
        `${plural(result.files, 'file')} checked (${reused.join(', ')}) in ${seconds}s` +
        (skipped ? `; skipped ${skipped}` : '');
      const hidden = [
        result.suppressed ? `${result.suppressed} suppressed` : '',
        result.baselined ? `${result.baselined} in the baseline` : '',
        options.belowSeverity
          ? `${plural(options.belowSeverity.count, 'finding')} below ${options.belowSeverity.level} not shown (--severity)`
          : '',
        result.testFilesSkipped ? testFilesNotChecked(result.testFilesSkipped) : '',
      ]
        .filter(Boolean)
        .join(', ');
      if (result.findings.length === 0) {
        output.out(`${colors.green('No findings.')} ${scanned}${hidden ? `; ${hidden}` : ''}.`);
        return;
      }
      const counts = countBySeverity(result.findings);
      const bySeverity = (Object.keys(counts) as (keyof typeof counts)[])
        .filter((key) => counts[key] > 0)
        .map((key) => `${counts[key]} ${key}`)
        .join(', ');
      const fixable = result.findings.filter((finding) => finding.fixable).length;
      const files = new Set(result.findings.map((finding) => finding.file)).size;
      output.out(
        `${colors.red(plural(result.findings.length, 'finding'))} (${bySeverity}) in ${plural(files, 'file')}; ${fixable} fixable with \`secure fix\`. ${scanned}${hidden ? `; ${hidden}` : ''}.`,
      );
    },
  };
}

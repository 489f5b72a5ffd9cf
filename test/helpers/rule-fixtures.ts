import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import ts from 'typescript';
import { checkSource, fixSource } from '../../src/engine/analyze-source.js';
import { isSourceFile } from '../../src/engine/parse.js';
import {
  matchesPrefilter,
  textRulesOf,
  type Finding,
  type ProjectInfo,
  type Rule,
  type SourceRule,
  type TextRule,
} from '../../src/engine/rule.js';
import { applyTextEdits } from '../../src/engine/text-edits.js';
import { checkTextFile } from '../../src/engine/analyze-file.js';
import { rulesPreset } from '../../src/policy/index.js';

/**
 * Fixture conventions, one folder per rule (codemods/<id>/fixtures/), named for the situation covered:
 *   <situation>.input.<ext> + <situation>.output.<ext>  reported, fixed to the output, fixed again = no change
 *   <situation>.valid.<ext>                             clean code: no finding (a false positive fails)
 *   <situation>.unfixable.<ext>                         reported, and `fix` leaves the bytes identical
 * A first-line comment `// fixture: {"path": "src/client/app.ts", "configModule": "src/config.ts"}` sets
 * the path the rule sees (relative to the project root) and the project facts. Text rules use the
 * extensions .dockerfile and .env (seen as `Dockerfile` and `.env` unless a path is given); a source rule's
 * text-file fixtures (.yml, .json, .pem, .npmrc) run through its `textFiles` detector.
 */
export type FixtureKind = 'input' | 'valid' | 'unfixable';

export interface Fixture {
  name: string;
  kind: FixtureKind;
  file: string;
  text: string;
  expected?: string;
  outputFile?: string;
  relativePath: string;
  project: ProjectInfo;
}

const root = '/virtual-project';

function header(text: string): Record<string, string> {
  const match = /^(?:\uFEFF)?(?:\/\/|#)\s*fixture:\s*(\{.*\})\s*\r?$/m.exec(text.split('\n')[0] ?? '');
  return match ? JSON.parse(match[1]) : {};
}

function defaultPath(name: string, extension: string): string {
  if (extension === 'dockerfile') return 'Dockerfile';
  if (extension === 'env') return '.env';
  if (extension === 'npmrc') return '.npmrc';
  if (extension === 'json') return `config/${name}.json`;
  return `src/${name}.${extension}`;
}

export function loadFixtures(ruleDir: string): Fixture[] {
  const dir = join(ruleDir, 'fixtures');
  if (!existsSync(dir)) return [];
  const fixtures: Fixture[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const match = /^(.+)\.(input|valid|unfixable)\.([a-z]+)$/.exec(entry);
    if (!match) continue;
    const [, name, kind, extension] = match;
    const file = join(dir, entry);
    const text = readFileSync(file, 'utf8');
    const facts = header(text);
    const relativePath = facts.path ?? defaultPath(name, extension);
    const project: ProjectInfo = {
      root,
      policy: rulesPreset,
      moduleSystem: facts.moduleSystem === 'cjs' ? 'cjs' : 'esm',
      ...(facts.configModule ? { configModule: join(root, facts.configModule) } : {}),
    };
    const outputFile = join(dir, `${name}.output.${extension}`);
    fixtures.push({
      name,
      kind: kind as FixtureKind,
      file,
      text,
      relativePath,
      project,
      ...(kind === 'input'
        ? { outputFile, expected: existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : undefined }
        : {}),
    });
  }
  return fixtures;
}

export interface RunResult {
  findings: Finding[];
  output: string;
  parseError?: string;
}

/** Checks and fixes one fixture's text with one rule, as `secure check` / `secure fix` would. */
export function runRule(rule: Rule, text: string, relativePath: string, project: ProjectInfo): RunResult {
  const file = join(project.root, relativePath);
  // A source rule's detector for YAML, JSON and key files runs as the engine runs it: as a text rule.
  const textFiles = rule.kind === 'source' && !isSourceFile(relativePath) ? textRulesOf([rule]) : [];
  if (textFiles.length > 0) return runRule(textFiles[0], text, relativePath, project);
  if (rule.kind === 'source') {
    const sourceRule = rule as SourceRule;
    if (sourceRule.appliesTo && !sourceRule.appliesTo(relativePath)) return { findings: [], output: text };
    if (!matchesPrefilter(sourceRule.prefilter, text)) return { findings: [], output: text };
    const checked = checkSource(text, file, [sourceRule], project);
    if (checked.parseError) return { findings: [], output: text, parseError: checked.parseError.message };
    const fixed = fixSource(text, file, [sourceRule], project);
    return { findings: checked.findings, output: fixed.output };
  }
  if (rule.kind === 'text') {
    // The engine's own text-rule runner, as `secure check` / `secure fix` use it.
    const body = text.replace(/^\uFEFF/, '');
    const results = checkTextFile(body, file, relativePath, [rule as TextRule], project);
    const edits = results.flatMap((result) => result.edits ?? []);
    const output = (text.startsWith('\uFEFF') ? '\uFEFF' : '') + applyTextEdits(body, edits);
    return { findings: results.map((result) => result.finding), output };
  }
  throw new Error(`project rules (${rule.meta.id}) are tested end to end, not with fixtures`);
}

/** Type-checks files as a TypeScript program where every imported package is `any`. Returns the diagnostics. */
export function typecheck(files: Record<string, string>): string[] {
  const ambient = '/virtual-project/__ambient.d.ts';
  const all: Record<string, string> = {
    ...files,
    [ambient]:
      "declare module '*';\ndeclare const process: any; declare const require: any; declare const module: any; declare const __dirname: string;\n",
  };
  const options: ts.CompilerOptions = {
    noEmit: true,
    strict: false,
    noImplicitAny: false,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.Preserve,
    allowJs: true,
    checkJs: false,
    skipLibCheck: true,
    noLib: false,
    types: [],
    experimentalDecorators: true,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => all[name] ?? readFile(name);
  host.fileExists = (name) => name in all || fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion) =>
    name in all
      ? ts.createSourceFile(name, all[name], languageVersion, true)
      : getSourceFile(name, languageVersion);
  const program = ts.createProgram(Object.keys(all), options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file && diagnostic.file.fileName in files)
    .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
    .map((diagnostic) => {
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${basename(diagnostic.file!.fileName)}:${line + 1}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
}

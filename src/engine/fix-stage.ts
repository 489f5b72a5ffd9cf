import { readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fixSource } from './analyze-source.js';
import { checkTextFile } from './analyze-file.js';
import { BOM, decodeSource, encodeSource, type DecodedSource, type ParseFailure } from './check-source.js';
import type { FileKind } from './discover.js';
import { fixTreeFile } from './languages/fix.js';
import { treeLanguageOfKind } from './languages/index.js';
import { configModuleOf, manifestPath, type Manifest } from './manifest.js';
import { detectPackageManager, installCommandLine } from './install-dependencies.js';
import type { Finding, ProjectInfo, SourceRule, TextEdit, TextRule } from './rule.js';
import { lineHash } from './suppress.js';
import { applyTextEdits, editsOverlap } from './text-edits.js';

/** One file as the transaction would leave it. Texts keep the BOM as U+FEFF; `before` is '' for a new file. */
export interface FileChange {
  /** Absolute. */
  path: string;
  before: string;
  after: string;
  created: boolean;
  /** The findings whose fixes this change holds. */
  applied: Finding[];
  /** The bytes to write, and the bytes to put back if the transaction fails. */
  bytes: { before: Uint8Array | undefined; after: Uint8Array };
  /** The generator groups (project root) whose plan wrote into this file. */
  generatorRoot?: string;
  /** Set for a file that is not valid UTF-8: its texts hold one character per byte. */
  latin1?: true;
}

/** A file read for fixing: its bytes, its text, and the text `secure check` saw (for matching findings). */
export interface ReadFile {
  bytes: Uint8Array;
  decoded: DecodedSource;
}

export function readForFix(path: string): ReadFile {
  const bytes = readFileSync(path);
  return { bytes, decoded: decodeSource(bytes) };
}

/**
 * The text `secure check` parsed (it reads UTF-8, putting U+FFFD over invalid bytes): line hashes of
 * findings are computed on it, so that a finding found again in the fixer matches the one check reported.
 */
function checkView(text: string, decoded: Pick<DecodedSource, 'encoding'>): string {
  return decoded.encoding === 'latin1' ? Buffer.from(text, 'latin1').toString('utf8') : text;
}

/** The identity of a finding reported on the request's base text (the one refusals are keyed by). */
export function identityIn(request: FileFixRequest, finding: Pick<Finding, 'rule' | 'line'>): string {
  return findingIdentity(finding, checkView(request.base.text, request.base.file.decoded));
}

/** Identifies a finding across passes and line shifts: the rule and its line's code. */
export function findingIdentity(finding: Pick<Finding, 'rule' | 'line'>, text: string): string {
  return `${finding.rule}:${lineHash(finding.rule, text, finding.line)}`;
}

export interface StagedFileFix {
  change?: FileChange;
  /** Findings left for a human in this file, each with its reason. */
  unfixed: Finding[];
  parseError?: ParseFailure;
  envExampleVars: Set<string>;
  notes: string[];
}

export interface FileFixRequest {
  path: string;
  relativePath: string;
  kind: FileKind;
  project: ProjectInfo;
  /** What check reported in this file (after suppressions and the baseline). */
  findings: readonly Finding[];
  /** Identities (findingIdentity) of findings not to fix, with the reason. */
  refused: ReadonlyMap<string, string>;
  sourceRules: readonly SourceRule[];
  textRules: readonly TextRule[];
  /** Where to start from: the file on disk, or a generator's planned text for it. */
  base: { file: ReadFile; text: string; generatorRoot?: string; created: boolean };
  /** Extra verification of a fixed source text (beyond parse and early use), e.g. tsc on this file. */
  verify?: (output: string) => string | undefined;
  staticCheck: (before: string, after: string) => string | undefined;
}

const notUtf8 =
  'the file is not valid UTF-8 and the fix would write characters its encoding cannot hold: fix by hand or convert the file to UTF-8';

function lostReason(parseError: ParseFailure | undefined): string {
  return parseError
    ? `the fixer cannot parse the file (line ${parseError.line}: ${parseError.message}); fix by hand`
    : 'the fixer did not find this finding again as check reported it; fix by hand';
}

/** Applies the accepted fixes of one file in memory; nothing is written. */
export function stageFileFix(request: FileFixRequest): StagedFileFix {
  const { base, findings, refused } = request;
  const { decoded } = base.file;
  const text = base.text;
  const view = checkView(text, decoded);
  const reported = new Set(
    findings.map((finding) => findingIdentity(finding, checkView(readBaseText(base), decoded))),
  );
  const accept = (finding: Finding) => {
    const identity = findingIdentity(finding, view);
    return reported.has(identity) && !refused.has(identity);
  };
  const result: StagedFileFix = { unfixed: [], envExampleVars: new Set(), notes: [] };
  const ids = new Set(findings.map((finding) => finding.rule));
  let output = text;
  let applied: Finding[] = [];
  const verify = (candidate: string) => request.staticCheck(text, candidate) ?? request.verify?.(candidate);
  const treeLanguage = treeLanguageOfKind(request.kind);
  if (treeLanguage) {
    const fixed = fixTreeFile(
      treeLanguage,
      text,
      request.path,
      request.relativePath,
      request.sourceRules.filter((rule) => ids.has(rule.meta.id)),
      request.project,
      accept,
      verify,
    );
    if (fixed.parseError) result.parseError = fixed.parseError;
    output = fixed.output;
    applied = fixed.applied;
    result.unfixed.push(...fixed.unfixed);
    result.notes.push(...fixed.notes);
  } else if (request.kind === 'text') {
    const edits: TextEdit[] = [];
    for (const entry of checkTextFile(
      text,
      request.path,
      request.relativePath,
      request.textRules,
      request.project,
    )) {
      if (!accept(entry.finding)) continue;
      if (!entry.edits) result.unfixed.push(entry.finding);
      else if (entry.edits.some((edit) => edits.some((other) => editsOverlap(edit, other))))
        result.unfixed.push({
          ...entry.finding,
          fixable: false,
          unfixableReason: 'its fix changes the same lines as another fix in this file; fix by hand',
        });
      else {
        edits.push(...entry.edits);
        applied.push(entry.finding);
      }
    }
    output = applyTextEdits(text, edits);
  } else {
    const fixed = fixSource(
      text,
      request.path,
      request.sourceRules.filter((rule) => ids.has(rule.meta.id)),
      request.project,
      accept,
      verify,
    );
    if (fixed.parseError) result.parseError = fixed.parseError;
    output = fixed.output;
    applied = fixed.applied;
    result.unfixed.push(...fixed.unfixed.filter((finding) => !finding.generatorFix));
    for (const name of fixed.sideEffects.envExampleVars) result.envExampleVars.add(name);
    result.notes.push(...fixed.sideEffects.notes);
  }
  // Every finding check reported comes out applied or left for a human: refused ones with the reason,
  // and ones the fixer did not find again as check reported them.
  const seen = new Set([...applied, ...result.unfixed].map((finding) => findingIdentity(finding, view)));
  const checkText = checkView(readBaseText(base), decoded);
  for (const finding of findings) {
    const identity = findingIdentity(finding, checkText);
    const reason = refused.get(identity);
    if (reason) result.unfixed.push({ ...finding, fixable: false, unfixableReason: reason });
    else if (!seen.has(identity))
      result.unfixed.push(
        finding.fixable
          ? { ...finding, fixable: false, unfixableReason: lostReason(result.parseError) }
          : finding,
      );
  }
  if (output === text && !base.generatorRoot) return result;
  const after = encodeSource(decoded, output);
  if (!after) {
    result.unfixed.push(
      ...applied.map((finding) => ({ ...finding, fixable: false, unfixableReason: notUtf8 })),
    );
    return result;
  }
  result.change = {
    path: request.path,
    before: base.created ? '' : (decoded.bom ? BOM : '') + decoded.text,
    after: (decoded.bom ? BOM : '') + output,
    created: base.created,
    applied,
    bytes: { before: base.created ? undefined : base.file.bytes, after },
    ...(base.generatorRoot ? { generatorRoot: base.generatorRoot } : {}),
    ...(decoded.encoding === 'latin1' ? { latin1: true as const } : {}),
  };
  return result;
}

/** The text check read: the file on disk (a generator's plan may have changed the text since). */
function readBaseText(base: FileFixRequest['base']): string {
  return base.file.decoded.text;
}

const envNamePattern = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/gm;

/** `NAME=` lines (names only, never values) for the variables fixes started reading, added to .env.example. */
export function envExampleText(before: string, names: ReadonlySet<string>): string | undefined {
  const present = new Set([...before.matchAll(envNamePattern)].map((match) => match[1]));
  const missing = [...names].filter((name) => !present.has(name)).sort();
  if (missing.length === 0) return undefined;
  const eol = before.includes('\r\n') ? '\r\n' : '\n';
  const separator = before === '' || before.endsWith('\n') ? '' : eol;
  return `${before}${separator}${missing.map((name) => `${name}=`).join(eol)}${eol}`;
}

/** The project as the staged files would make it: a config module a generator creates is usable at once. */
export function projectWithStaged(project: ProjectInfo, staged: ReadonlyMap<string, string>): ProjectInfo {
  const manifestText = staged.get(resolve(project.root, manifestPath));
  if (manifestText === undefined) return project;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(manifestText) as Manifest;
  } catch {
    return project;
  }
  const configModule = manifest.files ? configModuleOf(manifest) : undefined;
  if (!configModule) return project;
  const path = join(project.root, configModule);
  const text = staged.get(path);
  return { ...project, configModule: path, ...(text !== undefined ? { configModuleText: text } : {}) };
}

export interface GeneratorOutcome {
  project: ProjectInfo;
  /** Each generator once, in the order first needed. */
  generators: string[];
  findings: Finding[];
  /** Files the generators change, relative to the project root. */
  files: string[];
  error?: string;
  notes?: string[];
}

export interface DependencyOutcome {
  root: string;
  names: string[];
  /** `npm install`, `pnpm install`...: what to run, or what ran. */
  command: string;
  installed: boolean;
  /** The package manager's last lines when --install failed. */
  failure?: string;
}

/** What every verification round refused so far: findings by identity, generator groups by root. */
export interface Refusals {
  findings: Map<string, Map<string, string>>;
  generators: Map<string, string>;
}

export interface StagedRun {
  changes: Map<string, FileChange>;
  /** How each fixed file was staged, to stage it again under a stricter verifier. */
  requests: Map<string, FileFixRequest>;
  unfixed: Finding[];
  parseErrors: { file: string; failure: ParseFailure }[];
  notes: string[];
  generators: GeneratorOutcome[];
}

/** The dependencies each project's package.json gains, and the command that installs them. */
export function addedDependencies(
  changes: readonly FileChange[],
  gitRoot: string | undefined,
): DependencyOutcome[] {
  const outcomes: DependencyOutcome[] = [];
  for (const change of changes) {
    if (!change.path.endsWith(`${sep}package.json`)) continue;
    const names = (text: string) => {
      try {
        const pkg = JSON.parse(text.replace(/^\uFEFF/, '') || '{}') as Record<
          string,
          Record<string, string> | undefined
        >;
        return new Set(
          ['dependencies', 'devDependencies', 'optionalDependencies'].flatMap((key) =>
            Object.keys(pkg[key] ?? {}),
          ),
        );
      } catch {
        return new Set<string>();
      }
    };
    const old = names(change.before);
    const added = [...names(change.after)].filter((name) => !old.has(name)).sort();
    if (added.length === 0) continue;
    const root = dirname(change.path);
    outcomes.push({
      root,
      names: added,
      command: installCommandLine(detectPackageManager(root, gitRoot)),
      installed: false,
    });
  }
  return outcomes;
}

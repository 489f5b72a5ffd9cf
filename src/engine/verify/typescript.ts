import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type * as TS from 'typescript';

type TypeScript = typeof TS;

export const isTypeScriptFile = (path: string) => /\.[cm]?tsx?$/.test(path) && !/\.d\.[cm]?ts$/.test(path);

interface Compiler {
  ts: TypeScript;
  /** The default library files by path, for a compiler that keeps them in memory (ts-morph's). */
  libFiles: Map<string, string>;
}

/** The project's own compiler when it has one (its version decides what compiles), else ts-morph's. */
function loadTypeScript(root: string): Compiler {
  try {
    return { ts: createRequire(join(root, 'package.json'))('typescript') as TypeScript, libFiles: new Map() };
  } catch {
    const require = createRequire(import.meta.url);
    const ts = (require('ts-morph') as { ts: TypeScript }).ts;
    const { getLibFiles } = require('@ts-morph/common') as {
      getLibFiles(): { fileName: string; text: string }[];
    };
    const folder = dirname(ts.getDefaultLibFilePath({}));
    return { ts, libFiles: new Map(getLibFiles().map((file) => [join(folder, file.fileName), file.text])) };
  }
}

function ancestorsOf(path: string): string[] {
  const folders: string[] = [];
  for (let dir = dirname(path); dirname(dir) !== dir; dir = dirname(dir)) folders.push(dir);
  return folders;
}

/** Errors an install cannot make go away: grammar (1xxx) and an API the `lib` setting lacks. */
const libTargetCodes = new Set([2550, 2583, 2585]);
function installIndependent(diagnostic: Diagnostic): boolean {
  const code = Number(diagnostic.key.split(' ')[0]);
  return code < 2000 || libTargetCodes.has(code);
}

/**
 * Errors the install step may make go away: noImplicitAny's (7005, 7006, 7031...: a callback typed by a missing
 * package) and "Cannot find name 'Buffer'. Do you need to install type definitions for node?" (2580, 2591...:
 * the @types/node the plan adds).
 */
const installHintCodes = new Set([2580, 2581, 2582, 2591, 2592, 2593]);
const untilInstalled = (diagnostic: Diagnostic) => {
  const code = Number(diagnostic.key.split(' ')[0]);
  return Math.floor(code / 1000) === 7 || installHintCodes.has(code);
};

/**
 * In a file whose packages are not installed yet, the errors still worth reporting: a value that does not fit
 * a type declared elsewhere (`toString('base64url')` against @types/node 14.11's BufferEncoding). Not when the
 * message names a type an untyped stand-in breeds (`keyof any` is string | number | symbol).
 */
const checkedBeforeInstallCodes = new Set([2322, 2339, 2345, 2554]);
const checkedBeforeInstall = (diagnostic: Diagnostic) =>
  checkedBeforeInstallCodes.has(Number(diagnostic.key.split(' ')[0])) &&
  !/\b(?:any|symbol|never|unknown)\b|\{\}/.test(diagnostic.key.slice(diagnostic.key.indexOf(' ')));

/** `Cannot find module 'x'` and friends. */
const missingModuleCodes = new Set([2307, 2792, 7016]);

/** The bare specifier a `Cannot find module 'x'` diagnostic names, or undefined for a relative one. */
function absentPackage(diagnostic: Diagnostic): string | undefined {
  if (!missingModuleCodes.has(Number(diagnostic.key.split(' ')[0]))) return undefined;
  return /'([^./'][^']*)'/.exec(diagnostic.key)?.[1];
}

/** A diagnostic counted by what it says, not where: a fix moves lines. */
interface Diagnostic {
  key: string;
  shown: string;
  /** The source text the diagnostic points at (`Options` in `Partial<Options>`). */
  span?: string;
}

/**
 * `tsc --noEmit` through the TypeScript API over an in-memory overlay of staged files: the diagnostics of
 * the project as it is on disk are taken once, and a staged state fails only on diagnostics it adds.
 */
export class TypeScriptVerifier {
  private readonly sourceFiles = new Map<string, TS.SourceFile>();
  private baselineProgram: TS.Program | undefined;
  private baselineAll: Map<string, Diagnostic[]> | undefined;
  private readonly baselineOfFile = new Map<string, Diagnostic[]>();
  private lastProgram: TS.Program | undefined;
  /** Programs built in this run, for the report of what verification cost. */
  programs = 0;

  private constructor(
    private readonly ts: TypeScript,
    private readonly libFiles: ReadonlyMap<string, string>,
    private readonly config: TS.ParsedCommandLine,
    private readonly root: string,
  ) {}

  /** A verifier for a project with a tsconfig.json at its root, or undefined. */
  static open(root: string): TypeScriptVerifier | undefined {
    const configPath = join(root, 'tsconfig.json');
    if (!existsSync(configPath)) return undefined;
    const { ts, libFiles } = loadTypeScript(root);
    let config: TS.ParsedCommandLine | undefined;
    try {
      config = ts.getParsedCommandLineOfConfigFile(
        configPath,
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: () => undefined,
        },
      );
    } catch {
      config = undefined;
    }
    // A solution-style tsconfig (references, no files of its own) names no program to compare against.
    if (!config || config.fileNames.length === 0) return undefined;
    return new TypeScriptVerifier(ts, libFiles, config, root);
  }

  private program(overlay: ReadonlyMap<string, string>): TS.Program {
    const { ts } = this;
    // Declaration files are not ours to break; checking them (lib.dom.d.ts...) would be most of the cost.
    const options = {
      ...this.config.options,
      noEmit: true,
      incremental: false,
      composite: false,
      skipLibCheck: true,
    };
    const host = ts.createCompilerHost(options, true);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const staged = (file: string) => overlay.get(resolve(file)) ?? this.libFiles.get(resolve(file));
    host.readFile = (file) => staged(file) ?? readFile(file);
    host.fileExists = (file) => staged(file) !== undefined || fileExists(file);
    // A staged file may live in a folder that does not exist yet (src/security/ of a new module).
    const stagedFolders = new Set([...overlay.keys()].flatMap((path) => ancestorsOf(path)));
    const directoryExists = host.directoryExists?.bind(host);
    host.directoryExists = (dir) => stagedFolders.has(resolve(dir)) || (directoryExists?.(dir) ?? true);
    host.getSourceFile = (file, languageVersion) => {
      const path = resolve(file);
      const staged = overlay.get(path);
      if (staged !== undefined) return ts.createSourceFile(file, staged, languageVersion, true);
      let cached = this.sourceFiles.get(path);
      if (!cached) {
        const text = this.libFiles.get(path) ?? readFile(file);
        if (text === undefined) return undefined;
        cached = ts.createSourceFile(file, text, languageVersion, true);
        this.sourceFiles.set(path, cached);
      }
      return cached;
    };
    const known = new Set(this.config.fileNames.map((file) => resolve(file)));
    const added = [...overlay.keys()].filter(
      (path) => isTypeScriptFile(path) && !known.has(path) && path.startsWith(this.root),
    );
    this.programs += 1;
    const program = ts.createProgram({
      rootNames: [...this.config.fileNames, ...added],
      options,
      host,
      ...(this.lastProgram ? { oldProgram: this.lastProgram } : {}),
      ...(this.config.projectReferences ? { projectReferences: this.config.projectReferences } : {}),
    });
    this.lastProgram = program;
    return program;
  }

  private describe(diagnostic: TS.Diagnostic): Diagnostic {
    const message = this.ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    let where = '';
    if (diagnostic.file && diagnostic.start !== undefined) {
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      where = `line ${line + 1}: `;
    }
    const span =
      diagnostic.file && diagnostic.start !== undefined && diagnostic.length !== undefined
        ? diagnostic.file.text.slice(diagnostic.start, diagnostic.start + diagnostic.length)
        : undefined;
    return { key: `${diagnostic.code} ${message}`, shown: `${where}TS${diagnostic.code} ${message}`, span };
  }

  private group(diagnostics: readonly TS.Diagnostic[]): Map<string, Diagnostic[]> {
    const byFile = new Map<string, Diagnostic[]>();
    for (const diagnostic of diagnostics) {
      const file = diagnostic.file ? resolve(diagnostic.file.fileName) : '';
      const list = byFile.get(file) ?? [];
      list.push(this.describe(diagnostic));
      byFile.set(file, list);
    }
    return byFile;
  }

  private fileDiagnostics(program: TS.Program, file: string): Diagnostic[] {
    const source = program.getSourceFile(file);
    if (!source) return [];
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
      (diagnostic) => this.describe(diagnostic),
    );
  }

  private baseline(): TS.Program {
    this.baselineProgram ??= this.program(new Map());
    return this.baselineProgram;
  }

  private before(file: string): Diagnostic[] {
    if (this.baselineAll) return this.baselineAll.get(file) ?? [];
    let known = this.baselineOfFile.get(file);
    if (!known) {
      known = this.fileDiagnostics(this.baseline(), file);
      this.baselineOfFile.set(file, known);
    }
    return known;
  }

  /** Per file, the local names its imports bind from the given packages. */
  private namesImportedFrom(
    packages: ReadonlySet<string>,
    files: Iterable<string>,
  ): Map<string, Set<string>> {
    const { ts } = this;
    const names = new Map<string, Set<string>>();
    if (packages.size === 0 || !this.lastProgram) return names;
    for (const file of files) {
      const source = this.lastProgram.getSourceFile(file);
      if (!source) continue;
      const bound = new Set<string>();
      for (const statement of source.statements) {
        if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
          if (!packages.has(statement.moduleSpecifier.text)) continue;
          const clause = statement.importClause;
          if (clause?.name) bound.add(clause.name.text);
          const bindings = clause?.namedBindings;
          if (bindings && ts.isNamespaceImport(bindings)) bound.add(bindings.name.text);
          if (bindings && ts.isNamedImports(bindings))
            for (const element of bindings.elements) bound.add(element.name.text);
        } else if (
          ts.isImportEqualsDeclaration(statement) &&
          ts.isExternalModuleReference(statement.moduleReference) &&
          ts.isStringLiteral(statement.moduleReference.expression) &&
          packages.has(statement.moduleReference.expression.text)
        )
          bound.add(statement.name.text);
      }
      if (bound.size > 0) names.set(file, bound);
    }
    return names;
  }

  /**
   * The diagnostics the staged files add, by absolute path (`''` for global ones). With `files`, only
   * those files are type-checked (cheap: the checker resolves what they use); without, the whole program.
   */
  newDiagnostics(
    overlay: ReadonlyMap<string, string>,
    options: { files?: readonly string[] } = {},
  ): Map<string, string[]> {
    if (!options.files) {
      this.baselineAll ??= this.group(this.ts.getPreEmitDiagnostics(this.baseline()));
    } else this.baseline();
    const diagnose = (program: TS.Program) =>
      options.files
        ? new Map(options.files.map((file) => [file, this.fileDiagnostics(program, file)]))
        : this.group(this.ts.getPreEmitDiagnostics(program));
    const after = diagnose(this.program(overlay));
    // A package that is not installed (yet) is the install step's business, not a broken fix; a relative
    // import that resolves nowhere is a broken fix. An unresolved package is a silent `any` to the checker,
    // so the rest of a file importing it is still checked. (A `declare module` stand-in was tried and
    // bred errors of its own in the files taking types from it: "Cannot use namespace 'Logger' as a type".)
    const absent = new Set(
      [...after.values()].flat().flatMap((diagnostic) => absentPackage(diagnostic) ?? []),
    );
    const expectedMissing = (diagnostic: Diagnostic) => absentPackage(diagnostic) !== undefined;
    const importsAbsent = new Set(
      [...after].filter(([, diagnostics]) => diagnostics.some(expectedMissing)).map(([file]) => file),
    );
    // An untyped module has no types to name: `Joi.CustomValidator` reads "Namespace '"joi"' has no exported
    // member", `Partial<Options>` "Cannot use namespace 'Options' as a type".
    const untypedNames = this.namesImportedFrom(absent, importsAbsent);
    const namesAbsent = (file: string, diagnostic: Diagnostic) =>
      expectedMissing(diagnostic) ||
      [...absent].some((specifier) => diagnostic.key.includes(`"${specifier}"`)) ||
      untilInstalled(diagnostic) ||
      (diagnostic.span !== undefined &&
        (untypedNames.get(file)?.has(diagnostic.span.split('.')[0]) ?? false));
    const result = new Map<string, string[]>();
    for (const [file, diagnostics] of after) {
      const typesUnknown = importsAbsent.has(file);
      const remaining = new Map<string, number>();
      for (const old of this.before(file)) remaining.set(old.key, (remaining.get(old.key) ?? 0) + 1);
      const fresh = diagnostics.filter((diagnostic) => {
        const left = remaining.get(diagnostic.key) ?? 0;
        remaining.set(diagnostic.key, left - 1);
        if (left > 0) return false;
        // A file that imports an uninstalled package sees its types as any: of its other errors, those no
        // install changes (syntax, lib target) and a value that does not fit a type declared elsewhere.
        return typesUnknown
          ? !namesAbsent(file, diagnostic) &&
              (installIndependent(diagnostic) || checkedBeforeInstall(diagnostic))
          : true;
      });
      if (fresh.length > 0)
        result.set(
          file,
          fresh.map((diagnostic) => diagnostic.shown),
        );
    }
    return result;
  }
}

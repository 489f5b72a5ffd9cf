import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Node, type SourceFile } from 'ts-morph';
import { parseDeclaredCall } from '../engine/wiring/ensure-use.js';
import type { WireRequest } from '../engine/wiring/types.js';
import { hasTarget, openSource, wireSource } from '../engine/wiring/wire.js';
import { candidateFiles, projectSourceFiles, toPosix, wiringKeyOf, type ProjectLayout } from './detect.js';
import { wiringSteps, type AddableGenerator, type WiringDeclaration } from './generator-source.js';
import { placeStartupCall } from './startup-call.js';

/** How the plan wires generated modules into the user's files (imports and calls), computed in memory. */

export function importSpecifier(fromFile: string, srcDir: string, module: string, suffix: string): string {
  const target = `${toPosix(join(srcDir, module))}${suffix}`;
  const path = toPosix(relative(dirname(fromFile), target));
  return path.startsWith('.') ? path : `./${path}`;
}

/** Each generator's imports and calls added to the file holding its target, in registry order: changed files only. */
export function wireGenerators(
  selected: AddableGenerator[],
  project: ProjectLayout,
  current: (path: string) => string | undefined,
  exporters: ReadonlyMap<string, string>,
  touched: Set<string>,
  notes: string[],
): Map<string, string> {
  const wiredFiles = new Map<string, string>();
  const byFile = new Map<string, { generator: string; request: WireRequest }[]>();
  let socketFile: string | null | undefined;
  for (const generator of selected) {
    for (const step of wiringSteps(generator, wiringKeyOf(project))) {
      const file = targetFile(step, project, () => {
        if (socketFile === undefined) socketFile = findSocketIoFile(project) ?? null;
        return socketFile;
      });
      if (!file) {
        notes.push(
          `${generator.name}: no socket.io Server found; add \`${step.statement}\` where you create it`,
        );
        continue;
      }
      const requests = byFile.get(file) ?? [];
      const others = new Map<string, string[]>();
      const undefinedNames: string[] = [];
      for (const name of parseDeclaredCall(step.statement).freeNames) {
        if (step.imports.includes(name) || name in globalThis) continue;
        const module = exporters.get(name);
        if (!module) undefinedNames.push(name);
        else if (module !== step.module) others.set(module, [...(others.get(module) ?? []), name]);
      }
      // A statement that would not compile in the user's file is left for them to wire, with the reason.
      if (undefinedNames.length > 0) {
        notes.push(
          `${generator.name}: not wired, \`${step.statement}\` uses ${undefinedNames.join(', ')}, which no generated module exports; add it by hand where it fits`,
        );
        continue;
      }
      requests.push({
        generator: generator.name,
        request: {
          moduleSpecifier: importSpecifier(file, project.srcDir, step.module, project.importSuffix),
          names: step.imports,
          statement: step.statement,
          position: step.position,
          target: step.target,
          alsoImports: [...others].map(([module, names]) => ({
            moduleSpecifier: importSpecifier(file, project.srcDir, module, project.importSuffix),
            names,
          })),
        },
      });
      byFile.set(file, requests);
    }
  }
  const startup = startupCheck(selected, project, exporters);
  if (startup) byFile.set(project.entry, [startup, ...(byFile.get(project.entry) ?? [])]);
  for (const [file, requests] of byFile) {
    let text = current(file)!;
    for (const { generator, request } of requests) {
      const wired = wireSource(text, {
        file,
        framework: project.framework,
        moduleSystem: project.moduleSystem,
        requests: [request],
      });
      if (wired !== text) touched.add(generator);
      text = wired;
    }
    // The validating call added in this run goes where a reader expects it (startup-call.ts).
    if (startup && file === project.entry && !current(file)!.includes(`${validatingCall.name}(`))
      text = placeStartupCall(text, validatingCall.name);
    if (text !== current(file)) wiredFiles.set(file, text);
  }
  return wiredFiles;
}

function targetFile(
  step: WiringDeclaration,
  project: ProjectLayout,
  socketFile: () => string | null,
): string | null {
  return (step.target ?? 'app') === 'app' ? project.entry : socketFile();
}

/** `export const a`, `export function b`, `export { c }`: read from the syntax, no type checker needed. */
function exportedNamesOf(sourceFile: SourceFile): string[] {
  const names: string[] = [];
  for (const statement of sourceFile.getStatements()) {
    if (Node.isVariableStatement(statement) && statement.hasExportKeyword())
      names.push(...statement.getDeclarations().map((declaration) => declaration.getName()));
    else if (
      (Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement)) &&
      statement.hasExportKeyword() &&
      !statement.hasDefaultKeyword()
    ) {
      const name = statement.getName();
      if (name) names.push(name);
    } else if (Node.isExportDeclaration(statement) && !statement.getModuleSpecifier())
      names.push(
        ...statement.getNamedExports().map((named) => named.getAliasNode()?.getText() ?? named.getName()),
      );
  }
  return names;
}

export function srcPrefix(srcDir: string): string {
  return srcDir === '.' ? '' : `${srcDir}/`;
}

/** Names exported by the rendered TypeScript modules: name -> module path under the source folder. */
export function exportedNames(rendered: Map<string, string>, srcDir: string): Map<string, string> {
  const names = new Map<string, string>();
  const prefix = srcDir === '.' ? '' : `${srcDir}/`;
  for (const [path, text] of rendered) {
    if (!path.startsWith(prefix) || !path.endsWith('.ts')) continue;
    const module = path.slice(prefix.length, -'.ts'.length);
    for (const name of exportedNamesOf(openSource(path, text))) names.set(name, module);
  }
  return names;
}

function findSocketIoFile(project: ProjectLayout): string | undefined {
  for (const file of candidateFiles(project.root)) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('socket.io')) continue;
    const path = toPosix(relative(project.root, file));
    if (hasTarget(path, text, project.framework, 'socket.io')) return path;
  }
  return undefined;
}

/** The config module's validating call and the calls that show a project already validates at start. */
const validatingCall = { module: 'security/config', name: 'getSettings' };
const validatesAlready = /\b(?:getSettings|loadSettings|readEnvironment)\(/;

/**
 * Config is validated once, at start: `getSettings();` above the app's creation in the entry, so a missing
 * variable stops the start with its name instead of failing each request. Not when the project's code
 * (not the generated config module) calls the validation already.
 */
function startupCheck(
  selected: AddableGenerator[],
  project: ProjectLayout,
  exporters: ReadonlyMap<string, string>,
): { generator: string; request: WireRequest } | undefined {
  if (!project.entry || !selected.some((generator) => generator.name === 'config')) return undefined;
  if (exporters.get(validatingCall.name) !== validatingCall.module) return undefined;
  const configFile = `${srcPrefix(project.srcDir)}${validatingCall.module}`;
  for (const file of projectSourceFiles(project.root)) {
    const path = toPosix(relative(project.root, file));
    if (path.replace(/\.[cm]?[jt]s$/, '') === configFile) continue;
    if (validatesAlready.test(readFileSync(file, 'utf8'))) return undefined;
  }
  return {
    generator: 'config',
    request: {
      moduleSpecifier: importSpecifier(
        project.entry,
        project.srcDir,
        validatingCall.module,
        project.importSuffix,
      ),
      names: [validatingCall.name],
      statement: `${validatingCall.name}();`,
      position: 'before-app',
    },
  };
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectReader } from '../engine/generator.js';
import { corsReplacedNote, corsVariableOf, generatedConfigText, keptCorsVariable } from './cors-variable.js';
import { wiringKeyOf, type ProjectLayout } from './detect.js';
import { lookForExisting } from './existing.js';
import { lookForNestExisting } from './nest/existing.js';
import { fitVersions, unsupportedFrameworkMajor } from './fit-versions.js';
import {
  wiringSteps,
  type AddableGenerator,
  type GeneratorSource,
  type TemplateContext,
} from './generator-source.js';
import { readManifest } from './manifest-store.js';
import type { Refused } from './plan.js';

/** Why a generator whose `when` is false does not apply, for the user. */
const notApplicable: Record<string, string> = {
  'ws-auth': 'no WebSocket library (socket.io or ws) in package.json: there is no socket to authenticate',
};

/**
 * Fits the requested modules to the project: the framework major, the installed versions and the security
 * middleware already there. Refused modules (and those requiring them) are dropped with their reason.
 */
export function fitProject(
  root: string,
  project: ProjectLayout,
  resolved: readonly AddableGenerator[],
  source: GeneratorSource,
  context: TemplateContext,
  requested: ReadonlySet<string>,
  notes: string[],
  reader: ProjectReader,
  { upgrade, refuse }: { upgrade: boolean; refuse: ReadonlyMap<string, Refused> },
) {
  const facts = context.project!;
  const refusedBy = new Map<string, string>();
  const failedVerification = new Set<string>();
  const tooOld = source.upgradesFor(context);
  const upgrades: Record<string, string> = {};
  const frameworkRefusal =
    project.unwiredReason ??
    (project.entry ? unsupportedFrameworkMajor(project.framework, facts) : undefined);
  const entryText = project.entry ? readFileSync(join(root, project.entry), 'utf8') : '';
  const wiringOf = (name: string) => {
    const generator = resolved.find((each) => each.name === name);
    return generator && wiringSteps(generator, wiringKeyOf(project))[0];
  };
  const existing = lookForNestExisting(
    project,
    entryText,
    new Set(resolved.map((generator) => generator.name)),
    lookForExisting(
      project,
      entryText,
      resolved.map((generator) => ({ name: generator.name, wiring: wiringOf(generator.name) })),
      new Set(Object.keys(readManifest(root).files)),
    ),
    wiringOf('cors')?.statement,
  );
  const replacements = new Map<
    string,
    {
      file: string;
      replace: (text: string) => string;
      note: string;
      what: string;
      /** Other files the same answer rewrites (a Nest module's ThrottlerModule.forRoot): path -> rewrite. */
      files: Record<string, (text: string) => string>;
    }
  >();
  const wiredInPlace = new Set<string>();
  for (const generator of resolved) {
    const wired = wiringSteps(generator, wiringKeyOf(project)).length > 0;
    const failed = refuse.get(generator.name);
    if (failed) {
      refusedBy.set(generator.name, failed.reason);
      if (failed.failedVerification) failedVerification.add(generator.name);
      continue;
    }
    if (generator.when && !generator.when(context)) {
      refusedBy.set(generator.name, notApplicable[generator.name] ?? 'it does not apply to this project');
      continue;
    }
    if (wired && frameworkRefusal) {
      refusedBy.set(generator.name, frameworkRefusal);
      continue;
    }
    const fit = fitVersions(generator.dependencies?.(context) ?? [], tooOld, upgrade);
    if (fit.refusal) {
      refusedBy.set(generator.name, fit.refusal);
      continue;
    }
    // What the entry already does names the place; the generator's own judgement of the project (its JWT
    // signing, a Dockerfile it cannot take) comes next.
    const found = existing.get(generator.name);
    if (found?.kind === 'refuse') {
      refusedBy.set(generator.name, found.reason);
      continue;
    }
    const refusal = generator.refuse?.(context, reader);
    if (refusal) {
      refusedBy.set(generator.name, refusal.hint ? `${refusal.reason}. ${refusal.hint}` : refusal.reason);
      continue;
    }
    Object.assign(upgrades, fit.upgrades);
    notes.push(...fit.notes);
    if (found?.kind === 'replace') {
      replacements.set(generator.name, {
        file: found.file ?? project.entry,
        replace: found.replace,
        files: found.files ?? {},
        what: found.what,
        note:
          found.note ??
          `${generator.name}: replaced your \`${found.what}\` (${found.place}) with the policy's`,
      });
      if (found.wiredInPlace) wiredInPlace.add(generator.name);
    }
  }
  // A module needing a refused one cannot work without it.
  for (let changed = true; changed; ) {
    changed = false;
    for (const generator of resolved)
      for (const required of generator.requires ?? [])
        if (refusedBy.has(required) && !refusedBy.has(generator.name)) {
          refusedBy.set(generator.name, `it needs ${required}, which is not added`);
          changed = true;
        }
  }
  // The app's own allowlist variable, when the cors module replaces the CORS that read it (or did so before).
  const corsReplaced = refusedBy.has('cors') ? undefined : replacements.get('cors');
  const ownAllowlist = corsReplaced ? corsVariableOf(root, corsReplaced.what) : undefined;
  if (ownAllowlist && 'plain' in ownAllowlist && ownAllowlist.plain) facts.corsVariable = ownAllowlist.name;
  else {
    const kept = facts.corsVariable ?? keptCorsVariable(generatedConfigText(root));
    if (kept) facts.corsVariable = kept;
  }
  for (const [name, { note }] of replacements)
    if (!refusedBy.has(name)) notes.push(name === 'cors' ? corsReplacedNote(note, ownAllowlist) : note);
  const refused: Refused[] = [...refusedBy].map(([generator, reason]) => ({
    generator,
    reason,
    ...(failedVerification.has(generator) ? { failedVerification: true as const } : {}),
  }));
  for (const { generator, reason } of refused) notes.push(`not added: ${generator}: ${reason}`);
  // What is left: the requested modules not refused and what they require (not what a refused one did).
  const kept = new Set<string>();
  const keep = (name: string) => {
    if (kept.has(name) || refusedBy.has(name)) return;
    kept.add(name);
    for (const required of resolved.find((generator) => generator.name === name)?.requires ?? [])
      keep(required);
  };
  for (const name of requested) keep(name);
  // Only a module that is added replaces the project's own registration (not one dropped with what it needs).
  const rewrites: [string, (text: string) => string][] = [...replacements]
    .filter(([name]) => !refusedBy.has(name))
    .flatMap(([, { file, replace, files }]) => [
      [file, replace] as [string, (text: string) => string],
      ...Object.entries(files),
    ]);
  return {
    selected: resolved.filter((generator) => kept.has(generator.name)),
    refused,
    upgrades,
    /** Modules whose work the project's own registration now does, reconfigured in place: not wired again. */
    wiredInPlace,
    /** The files whose own registrations are replaced in place: the entry, autoloaded plugin files, modules. */
    replacedFiles: [...new Set(rewrites.map(([path]) => path))],
    replaceIn: (path: string, text: string) =>
      rewrites.filter(([file]) => file === path).reduce((result, [, replace]) => replace(result), text),
  };
}

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodePlop, { type NodePlopAPI } from 'node-plop';
import { SecureError } from '../errors.js';
import { runKey, skippedPrefix, templateActionType, type PlopRun } from './plop-action.js';
import type { RenderedFile } from './render.js';

/** A plopfile's default export: registers generators, helpers and action types on a plop instance. */
export type Plopfile = (plop: NodePlopAPI) => void | Promise<void>;

/**
 * Runs generators' plop actions with answers already resolved, each into its own folder of one temporary
 * staging folder, and reads back what they wrote. Nothing reaches the project here: the caller plans, verifies
 * and writes all or nothing as before, so dry-run, conflicts and rollback are unchanged. The staging folder is
 * removed whatever happens. This module is the only one that loads node-plop: import it on use (add, create).
 */
export async function runGenerators(
  plopfile: Plopfile,
  generators: readonly string[],
  run: PlopRun,
): Promise<Map<string, RenderedFile>> {
  const stage = await stagingFolder();
  try {
    const result = new Map<string, RenderedFile>();
    for (const [index, generator] of generators.entries()) {
      for (const [path, content] of await runOne(plopfile, generator, run, join(stage, String(index)))) {
        const previous = result.get(path);
        if (previous)
          throw new SecureError(
            'INTERNAL',
            `${path} is rendered by both the "${previous.generator}" and "${generator}" generators`,
          );
        result.set(path, { path, content, generator });
      }
    }
    return result;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function stagingFolder(): Promise<string> {
  try {
    return await mkdtemp(join(tmpdir(), 'secure-plop-'));
  } catch (error) {
    throw new SecureError('IO', `${tmpdir()}: cannot create a staging folder (${(error as Error).message})`, {
      hint: 'Set TMPDIR to a writable folder; nothing was written.',
      cause: error,
    });
  }
}

/** One generator's files, path -> content, in the order its actions ran. */
async function runOne(
  plopfile: Plopfile,
  name: string,
  run: PlopRun,
  destination: string,
): Promise<Map<string, string>> {
  const plop = await nodePlop('', { destBasePath: destination, force: false });
  await plopfile(plop);
  if (!plop.getGeneratorList().some((generator) => generator.name === name))
    throw new SecureError('NOT_FOUND', `the plopfile declares no generator "${name}"`);
  const { changes, failures } = await plop.getGenerator(name).runActions({ [runKey]: run });
  if (failures.length > 0) {
    const { path, error } = failures[0];
    throw new SecureError('INTERNAL', `generator "${name}": ${path ? `${path}: ` : ''}${error}`);
  }
  const files = new Map<string, string>();
  for (const { type, path } of changes) {
    if (type !== templateActionType || path.startsWith(skippedPrefix)) continue;
    files.set(path, await readFile(join(destination, path), 'utf8'));
  }
  return files;
}

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddPlan } from '../../src/add/index.js';

/** A project made of the given files in a fresh temporary folder. */
export function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'secure-add-small-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The text the plan gives a file, or undefined when it leaves the file alone. */
export const changed = (plan: AddPlan, path: string) =>
  plan.changes.find((change) => change.path === path)?.after;

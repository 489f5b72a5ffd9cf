import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SelectedRules } from './analyze-file.js';
import { processFile, type WorkItem, type WorkResult } from './process-file.js';
import type { ProjectInfo } from './rule.js';

const chunkSize = 24;
/** Below this many files a worker's start-up (loading the parser and the rules) costs more than it saves. */
export const workerThreshold = 400;

/** The compiled worker; absent when running from TypeScript sources (tests), where the pool stays in-process. */
function workerScript(): string | undefined {
  const url = new URL('./worker.js', import.meta.url);
  const path = fileURLToPath(url);
  return import.meta.url.endsWith('.js') && existsSync(path) ? path : undefined;
}

export interface PoolOptions {
  rules: SelectedRules;
  projects: ReadonlyMap<string, ProjectInfo>;
  /** Extra worker threads besides the main thread; 0 = everything in-process. */
  workers: number;
  /** Told how many workers really started (none when running from TypeScript sources). */
  onWorkers?(count: number): void;
}

/**
 * Analyzes the items in chunks pulled by the main thread and by the workers alike, so both cores stay busy
 * until the queue is empty. Results are handed over as they come, with their item index.
 */
export async function analyzeAll(
  items: readonly WorkItem[],
  options: PoolOptions,
  onResult: (index: number, result: WorkResult) => void,
): Promise<void> {
  let next = 0;
  const take = (): number[] => {
    const indices: number[] = [];
    while (indices.length < chunkSize && next < items.length) indices.push(next++);
    return indices;
  };
  const script = options.workers > 0 ? workerScript() : undefined;
  options.onWorkers?.(script ? options.workers : 0);
  const workers: Promise<void>[] = [];
  if (script) {
    for (let count = 0; count < options.workers; count++) {
      workers.push(
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(script, {
            workerData: {
              ruleIds: [...options.rules.ids],
              projects: [...options.projects.values()],
            },
          });
          let pending: number[] = [];
          const send = () => {
            pending = take();
            if (pending.length === 0) {
              void worker.terminate().then(() => resolve());
              return;
            }
            worker.postMessage({ id: 0, items: pending.map((index) => items[index]) });
          };
          worker.on('message', (message: { results: WorkResult[] }) => {
            message.results.forEach((result, position) => onResult(pending[position], result));
            send();
          });
          worker.on('error', reject);
          send();
        }),
      );
    }
  }
  for (;;) {
    const indices = take();
    if (indices.length === 0) break;
    for (const index of indices) onResult(index, processFile(items[index], options.rules, options.projects));
    // Let the workers' messages in between chunks.
    if (workers.length > 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(workers);
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SelectedRules } from './analyze-file.js';
import { processFile, type WorkItem, type WorkResult } from './process-file.js';
import type { ProjectInfo } from './rule.js';

const chunkSize = 32;
/** Below this many files a worker's start-up (loading the parser and the rules) costs more than it saves. */
export const workerThreshold = 400;

/** The compiled worker; absent when running from TypeScript sources (tests), where the pool stays in-process. */
function workerScript(): string | undefined {
  const url = new URL('./worker.js', import.meta.url);
  const path = fileURLToPath(url);
  return import.meta.url.endsWith('.js') && existsSync(path) ? path : undefined;
}

/** Workers load the rules from the registry by id: rules made elsewhere (tests, API users) run in-process. */
async function fromRegistry(rules: SelectedRules): Promise<boolean> {
  const { rules: registry } = await import('../../codemods/index.js');
  return [...rules.source, ...rules.text].every((rule) => registry.includes(rule));
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
  const script = options.workers > 0 && (await fromRegistry(options.rules)) ? workerScript() : undefined;
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
          // Two chunks in flight once warm: the worker starts the next one while the main thread is busy with its own.
          const inFlight = new Map<number, number[]>();
          let nextId = 0;
          const send = (): boolean => {
            const indices = take();
            if (indices.length === 0) return false;
            const id = nextId++;
            inFlight.set(id, indices);
            worker.postMessage({ id, items: indices.map((index) => items[index]) });
            return true;
          };
          worker.on('message', (message: { id: number; results: WorkResult[] }) => {
            const indices = inFlight.get(message.id)!;
            inFlight.delete(message.id);
            message.results.forEach((result, position) => onResult(indices[position], result));
            while (inFlight.size < 2 && send());
            if (inFlight.size === 0) void worker.terminate().then(() => resolve());
          });
          worker.on('error', reject);
          // One chunk until the worker has loaded the parser and the rules, so that a slow start never
          // holds back more than one chunk.
          if (!send()) void worker.terminate().then(() => resolve());
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

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SelectedRules } from './analyze-file.js';
import {
  parseHandedOver,
  processFile,
  type ToParse,
  type WorkItem,
  type WorkResult,
} from './process-file.js';
import { textRulesOf, type ProjectInfo } from './rule.js';

const chunkSize = 32;
/** Below this many files a worker's start-up (loading the parser and the rules) costs more than it saves. */
export const workerThreshold = 400;
/** Texts read ahead and waiting for the parsing thread: bounded so that memory stays flat on any repository. */
const maxWaitingBytes = 64 * 1024 * 1024;
/**
 * A thread new to Babel parses at half speed for its first few megabytes while the JIT warms up: a worker
 * joins the parsing only when this much text is still waiting, about a second of the main thread's work
 * (below that, it was measured slower than leaving the parses to the main thread).
 */
const helpThresholdBytes = 10 * 1024 * 1024;

/** The compiled worker; absent when running from TypeScript sources (tests), where the pool stays in-process. */
function workerScript(): string | undefined {
  const url = new URL('./worker.js', import.meta.url);
  const path = fileURLToPath(url);
  return import.meta.url.endsWith('.js') && existsSync(path) ? path : undefined;
}

/** Workers load the rules from the registry by id: rules made elsewhere (tests, API users) run in-process. */
async function fromRegistry(rules: SelectedRules): Promise<boolean> {
  const { rules: registry } = await import('../../codemods/index.js');
  const known = new Set<unknown>([...registry, ...textRulesOf(registry)]);
  return [...rules.source, ...rules.text].every((rule) => known.has(rule));
}

function newWorker(script: string, rules: SelectedRules, projects: ReadonlyMap<string, ProjectInfo>): Worker {
  return new Worker(script, { workerData: { ruleIds: [...rules.ids], projects: [...projects.values()] } });
}

export interface PoolOptions {
  rules: SelectedRules;
  projects: ReadonlyMap<string, ProjectInfo>;
  /** Extra worker threads besides the main thread; 0 = everything in-process. */
  workers: number;
  /** Told how many workers really started (none when running from TypeScript sources). */
  onWorkers?(count: number): void;
  /** Overrides `helpThresholdBytes` (tests use 0 to make the workers parse). */
  helpThresholdBytes?: number;
}

/**
 * Reading and prefiltering run in reader workers, parsing in the main thread. Babel needs a few hundred
 * milliseconds of JIT warm-up in every thread that runs it, and on a 2-core machine the compiler's own
 * background threads want the second core too: two parsing threads were slower than one on a million lines. A reader needs
 * no warm-up, and takes the reading, hashing, prefilters and text rules off the parsing thread. The main
 * thread also reads chunks itself whenever no handed-over text is waiting, so nothing idles at the start
 * or if a worker is slow. Results are handed over as they come, with their item index.
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
  // A queue taken from the front by the main thread (`head`) and from the back by a helping worker.
  const waiting: { index: number; handed: ToParse }[] = [];
  let head = 0;
  let waitingBytes = 0;
  const waitingCount = () => waiting.length - head;
  let wake: (() => void) | undefined;
  const wakeMain = () => {
    wake?.();
    wake = undefined;
  };
  const refills: (() => void)[] = [];
  const helpThreshold = options.helpThresholdBytes ?? helpThresholdBytes;
  /** A batch of waiting texts for a worker to parse: about 256 KB, and never the last one. */
  const takeFromBack = (): { index: number; handed: ToParse }[] => {
    const batch: { index: number; handed: ToParse }[] = [];
    let bytes = 0;
    while (waitingCount() > 1 && bytes < 256 * 1024) {
      const entry = waiting.pop()!;
      waitingBytes -= entry.handed.text.length;
      bytes += entry.handed.text.length;
      batch.push(entry);
    }
    return batch;
  };

  const script = options.workers > 0 && (await fromRegistry(options.rules)) ? workerScript() : undefined;
  const threads = script
    ? Array.from({ length: options.workers }, () => newWorker(script, options.rules, options.projects))
    : [];
  options.onWorkers?.(threads.length);
  const workers: Promise<void>[] = [];
  // Kept in step with the workers' lives synchronously: the main loop sleeps only while one is running.
  let running = 0;
  let failed: unknown;
  for (const worker of threads) {
    running++;
    workers.push(
      new Promise<void>((resolve, reject) => {
        // Several chunks in flight, so that the reader never waits for the busy main thread to answer.
        const inFlight = new Map<number, number[]>();
        let nextId = 0;
        let finished = false;
        let helping = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          void worker.terminate().then(() => {
            running--;
            resolve();
            wakeMain();
          });
        };
        const post = (indices: number[], message: object) => {
          const id = nextId++;
          inFlight.set(id, indices);
          worker.postMessage({ id, ...message });
        };
        const refill = () => {
          while (!finished && inFlight.size < 8 && waitingBytes < maxWaitingBytes) {
            const indices = take();
            if (indices.length === 0) break;
            post(indices, { read: indices.map((index) => items[index]) });
          }
          // Everything is read: when enough parses still wait to pay for the worker's own warm-up, it
          // helps with them, from the back of the queue, while the main thread works from the front.
          if (next >= items.length && waitingBytes >= helpThreshold) helping = true;
          while (!finished && helping && inFlight.size < 2 && waitingCount() > 1) {
            const batch = takeFromBack();
            post(
              batch.map((entry) => entry.index),
              { parse: batch.map((entry) => ({ item: items[entry.index], handed: entry.handed })) },
            );
          }
          if (inFlight.size === 0 && next >= items.length) finish();
        };
        refills.push(refill);
        worker.on('message', (message: { id: number; results: (WorkResult | ToParse)[] }) => {
          const indices = inFlight.get(message.id)!;
          inFlight.delete(message.id);
          message.results.forEach((result, position) => {
            if (result.status === 'to-parse') {
              waiting.push({ index: indices[position], handed: result });
              waitingBytes += result.text.length;
            } else onResult(indices[position], result);
          });
          refill();
          wakeMain();
        });
        worker.on('error', (error) => {
          failed ??= error;
          reject(error);
          wakeMain();
        });
        refill();
      }),
    );
  }
  const settled = Promise.all(workers);
  settled.catch(() => undefined);
  const processed = (index: number, result: WorkResult | ToParse): WorkResult =>
    result.status === 'to-parse'
      ? parseHandedOver(items[index], result, options.rules, options.projects)
      : result;

  for (;;) {
    if (failed) throw failed;
    if (waitingCount() > 0) {
      // The oldest first, so that results (and the output) flow in discovery order.
      for (let count = 0; count < 8 && waitingCount() > 0; count++) {
        const { index, handed } = waiting[head];
        waiting[head++] = undefined as never;
        waitingBytes -= handed.text.length;
        onResult(index, processed(index, handed));
      }
      // Drop the taken entries once they are the larger part, so that the array does not grow for ever.
      if (head > 1024 && head * 2 > waiting.length) {
        waiting.splice(0, head);
        head = 0;
      }
      for (const refill of refills) refill();
    } else {
      const indices = take();
      if (indices.length > 0) {
        for (const index of indices)
          onResult(index, processed(index, processFile(items[index], options.rules, options.projects)));
      } else if (running > 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      } else break;
    }
    // Let the workers' messages in between chunks.
    if (workers.length > 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await settled;
}

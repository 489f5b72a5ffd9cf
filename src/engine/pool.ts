import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
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
/** Files to read per worker: below this, a worker's start-up (loading the rules) costs more than it saves. */
export const workerThreshold = 400;
/** Texts read ahead and waiting for the parsing thread: bounded so that memory stays flat on any repository. */
const maxWaitingBytes = 64 * 1024 * 1024;
/** Chunks sent to one worker and not yet answered: enough that it never waits for the busy main thread. */
const maxInFlight = 8;
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

export interface PoolOptions {
  rules: SelectedRules;
  /**
   * Extra worker threads besides the main thread; 0 = everything in-process. `auto`: one per spare core,
   * the n-th started once n × `workerThreshold` files need reading.
   */
  workers: number | 'auto';
  /** Overrides `helpThresholdBytes` (tests use 0 to make the workers parse). */
  helpThresholdBytes?: number;
}

/** A task for a worker: files to read, or handed-over texts to parse, with the projects it has not seen yet. */
export type WorkerTask = { id: number; projects: ProjectInfo[] } & (
  | { read: WorkItem[] }
  | { parse: { item: WorkItem; handed: ToParse }[] }
);
export interface WorkerReply {
  id: number;
  results: (WorkResult | ToParse)[];
}

interface Thread {
  worker: Worker;
  port: MessagePort;
  /** Item indices of each chunk sent and not yet answered, by task id. */
  inFlight: Map<number, number[]>;
  nextId: number;
  /** Project roots this worker was already told about. */
  known: Set<string>;
  helping: boolean;
  finished: boolean;
}

type OnResult = (index: number, result: WorkResult) => void;

/**
 * Reading, prefiltering and the text rules run in worker threads from the moment discovery has found enough
 * files: the main thread hands each chunk over as soon as it is found, so both cores work while it walks
 * the tree. Parsing runs in the main thread: Babel needs a few hundred milliseconds of JIT warm-up in every
 * thread that runs it, so a worker joins the parsing only when megabytes of text wait. The main thread also
 * reads chunks itself whenever no handed-over text is waiting, so nothing idles if a worker is slow.
 */
export class CheckPool {
  /** Every file added, in discovery order: the indices results are given with. */
  readonly items: WorkItem[] = [];
  private readonly projects = new Map<string, ProjectInfo>();
  /** The next item no thread has taken yet. */
  private next = 0;
  private toRead = 0;
  private discovering = true;
  /** Results that arrived while discovery ran, handed on once `finish` is called. */
  private early: [number, WorkResult][] = [];
  private onResult: OnResult = (index, result) => this.early.push([index, result]);
  // A queue taken from the front by the main thread (`head`) and from the back by a helping worker.
  private waiting: { index: number; handed: ToParse }[] = [];
  private head = 0;
  private waitingBytes = 0;
  private readonly threads: Thread[] = [];
  private readonly exits: Promise<void>[] = [];
  private running = 0;
  private failed: unknown;
  private wake: (() => void) | undefined;

  private constructor(
    private readonly options: PoolOptions,
    private readonly script: string | undefined,
  ) {
    if (script && typeof options.workers === 'number')
      for (let count = 0; count < options.workers; count++) this.spawn();
  }

  static async open(options: PoolOptions): Promise<CheckPool> {
    const script = options.workers !== 0 && (await fromRegistry(options.rules)) ? workerScript() : undefined;
    return new CheckPool(options, script);
  }

  /** Worker threads started so far. */
  get workers(): number {
    return this.threads.length;
  }

  /** Adds a file as discovery finds it; a full chunk goes to a worker at once. */
  add(item: WorkItem, project: ProjectInfo): void {
    this.items.push(item);
    this.projects.set(item.root, project);
    if (!(item.unchanged && item.cachedHash)) this.toRead++;
    if (
      this.script &&
      this.options.workers === 'auto' &&
      this.threads.length < Math.min(availableParallelism() - 1, Math.floor(this.toRead / workerThreshold))
    )
      this.spawn();
    if (this.threads.length > 0 && this.items.length - this.next >= chunkSize) this.poll();
  }

  /** Takes in what the workers answered so far, without waiting, and gives them more to read. */
  private poll(): void {
    for (const thread of this.threads) {
      for (let reply = receiveMessageOnPort(thread.port); reply; reply = receiveMessageOnPort(thread.port))
        this.answered(thread, reply.message as WorkerReply);
      this.refill(thread);
    }
  }

  private spawn(): void {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(this.script!, {
      workerData: { ruleIds: [...this.options.rules.ids], port: port2 },
      transferList: [port2],
    });
    const thread: Thread = {
      worker,
      port: port1,
      inFlight: new Map(),
      nextId: 0,
      known: new Set(),
      helping: false,
      finished: false,
    };
    this.threads.push(thread);
    this.running++;
    this.exits.push(
      new Promise<void>((resolve, reject) => {
        port1.on('message', (reply: WorkerReply) => {
          this.answered(thread, reply);
          this.refill(thread);
          this.wakeMain();
        });
        worker.on('error', (error) => {
          this.failed ??= error;
          reject(error);
          this.wakeMain();
        });
        worker.on('exit', () => resolve());
      }),
    );
  }

  private answered(thread: Thread, reply: WorkerReply): void {
    const indices = thread.inFlight.get(reply.id)!;
    thread.inFlight.delete(reply.id);
    reply.results.forEach((result, position) => {
      if (result.status === 'to-parse') {
        this.waiting.push({ index: indices[position], handed: result });
        this.waitingBytes += result.text.length;
      } else this.onResult(indices[position], result);
    });
  }

  private waitingCount(): number {
    return this.waiting.length - this.head;
  }

  private wakeMain(): void {
    this.wake?.();
    this.wake = undefined;
  }

  /** The next chunk of item indices; while discovery runs, only full chunks. */
  private take(): number[] {
    if (this.discovering && this.items.length - this.next < chunkSize) return [];
    const indices: number[] = [];
    while (indices.length < chunkSize && this.next < this.items.length) indices.push(this.next++);
    return indices;
  }

  private post(thread: Thread, indices: number[], task: { read: WorkItem[] } | { parse: object[] }): void {
    const id = thread.nextId++;
    thread.inFlight.set(id, indices);
    const projects: ProjectInfo[] = [];
    for (const index of indices) {
      const root = this.items[index].root;
      if (thread.known.has(root)) continue;
      thread.known.add(root);
      projects.push(this.projects.get(root)!);
    }
    thread.port.postMessage({ id, projects, ...task });
  }

  /** A batch of waiting texts for a worker to parse: about 256 KB, and never the last one. */
  private takeFromBack(): { index: number; handed: ToParse }[] {
    const batch: { index: number; handed: ToParse }[] = [];
    let bytes = 0;
    while (this.waitingCount() > 1 && bytes < 256 * 1024) {
      const entry = this.waiting.pop()!;
      this.waitingBytes -= entry.handed.text.length;
      bytes += entry.handed.text.length;
      batch.push(entry);
    }
    return batch;
  }

  private refill(thread: Thread): void {
    while (!thread.finished && thread.inFlight.size < maxInFlight && this.waitingBytes < maxWaitingBytes) {
      const indices = this.take();
      if (indices.length === 0) break;
      this.post(thread, indices, { read: indices.map((index) => this.items[index]) });
    }
    if (this.discovering) return;
    // Everything is read: when enough parses still wait to pay for the worker's own warm-up, it helps
    // with them, from the back of the queue, while the main thread works from the front.
    const allTaken = this.next >= this.items.length;
    if (allTaken && this.waitingBytes >= (this.options.helpThresholdBytes ?? helpThresholdBytes))
      thread.helping = true;
    while (!thread.finished && thread.helping && thread.inFlight.size < 2 && this.waitingCount() > 1) {
      const batch = this.takeFromBack();
      this.post(
        thread,
        batch.map((entry) => entry.index),
        { parse: batch.map((entry) => ({ item: this.items[entry.index], handed: entry.handed })) },
      );
    }
    if (thread.inFlight.size === 0 && allTaken && !thread.finished) {
      thread.finished = true;
      void thread.worker.terminate().then(() => {
        this.running--;
        this.wakeMain();
      });
    }
  }

  private processed(index: number, result: WorkResult | ToParse): WorkResult {
    return result.status === 'to-parse'
      ? parseHandedOver(this.items[index], result, this.options.rules, this.projects)
      : result;
  }

  /** Stops every worker: discovery failed, or so did the analysis. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }

  /**
   * Discovery is over: analyzes the rest, the main thread parsing what the workers handed over (the
   * oldest first) and reading chunks itself when nothing waits. Results come with their item index.
   */
  async finish(onResult: OnResult): Promise<void> {
    this.discovering = false;
    this.onResult = onResult;
    for (const [index, result] of this.early) onResult(index, result);
    this.early = [];
    for (const thread of this.threads) this.refill(thread);
    const exited = Promise.all(this.exits);
    exited.catch(() => undefined);
    for (;;) {
      if (this.failed) throw this.failed;
      if (this.waitingCount() > 0) {
        for (let count = 0; count < 8 && this.waitingCount() > 0; count++) {
          const { index, handed } = this.waiting[this.head];
          this.waiting[this.head++] = undefined as never;
          this.waitingBytes -= handed.text.length;
          onResult(index, this.processed(index, handed));
        }
        // Drop the taken entries once they are the larger part, so that the array does not grow for ever.
        if (this.head > 1024 && this.head * 2 > this.waiting.length) {
          this.waiting.splice(0, this.head);
          this.head = 0;
        }
        for (const thread of this.threads) this.refill(thread);
      } else {
        const indices = this.take();
        if (indices.length > 0) {
          for (const index of indices)
            onResult(
              index,
              this.processed(index, processFile(this.items[index], this.options.rules, this.projects)),
            );
        } else if (this.running > 0) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          continue;
        } else break;
      }
      // Let the workers' messages in between chunks.
      if (this.threads.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await exited;
  }
}

/**
 * The main thread analyzes too, so one worker uses both cores of a 2-core machine; more cores, more
 * workers (the pool decides as files are found). SECURE_WORKERS overrides (0 = all in-process).
 */
export function workersFromEnv(env: NodeJS.ProcessEnv): number | 'auto' {
  const forced = env.SECURE_WORKERS === undefined ? Number.NaN : Number(env.SECURE_WORKERS);
  return Number.isInteger(forced) && forced >= 0 ? forced : 'auto';
}

/** SECURE_WORKER_PARSE_BYTES: how much waiting text makes the workers parse too (tests set 0). */
export function workerParseThreshold(env: NodeJS.ProcessEnv): { helpThresholdBytes?: number } {
  const bytes = Number(env.SECURE_WORKER_PARSE_BYTES);
  return env.SECURE_WORKER_PARSE_BYTES !== undefined && Number.isInteger(bytes) && bytes >= 0
    ? { helpThresholdBytes: bytes }
    : {};
}

/**
 * Helpers of the parallel benches: where the process may run, the scheduler's start, raw worker threads, and
 * self-timed samples.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { FnReturnedObject } from 'tinybench';
import { goThread } from '../../../runtime/threads/go-thread.js';
import { configureThreads } from '../../../runtime/threads/threads-lifecycle.js';
import { whereAmI, type Where } from '../tasks/where.js';

/** THREADS is how many scheduler workers the benches use (the machine has 2 vCPUs). */
export const THREADS = 2;

/** cpusAllowed is the CPU list this process may run on (`0` under `taskset -c 0`, `0-1` unpinned). */
export function cpusAllowed(): string {
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m?.[1] ?? '?';
  } catch {
    return '?';
  }
}

/** placement is the line the benches print about CPU placement. */
export function placement(): string {
  const cpus = cpusAllowed();
  const one = !cpus.includes('-') && !cpus.includes(',');
  return `cpus allowed: ${cpus}${one ? ' (pinned: every thread shares one vCPU)' : ' (unpinned)'}`;
}

/**
 * startScheduler configures THREADS workers and waits until each has run a goroutine, so that no sample pays for
 * a worker's start (about 180 ms under tsx). It returns where the workers are.
 */
export async function startScheduler(): Promise<Where[]> {
  configureThreads({ threads: THREADS });
  const seen = new Map<number, Where>();
  const until = performance.now() + 30_000;
  while (seen.size < THREADS) {
    if (performance.now() > until) {
      throw new Error(`bench: only ${seen.size} of ${THREADS} workers ran a goroutine in 30 s`);
    }
    const ws = await Promise.all(Array.from({ length: 8 * THREADS }, () => goThread(whereAmI)));
    for (const w of ws) seen.set(w.threadId, w);
    await sleepMs(10); // a worker still loading (about 180 ms under tsx) asks for work only once it is up
  }
  return [...seen.values()];
}

/** rawWorker starts a plain worker thread (no gocsp runtime) running `module` of bench/parallel/workers/. */
export async function rawWorker(module: string): Promise<Worker> {
  const w = new Worker(new URL('../workers/entry.mjs', import.meta.url), { workerData: { module: `./${module}` } });
  await new Promise<void>((resolve, reject) => {
    w.once('online', () => resolve());
    w.once('error', reject);
  });
  return w;
}

/** Timed is a self-timed sample: `ops` operations took `ms` and moved values summing to `sum` (`expected` if right). */
export interface Timed {
  readonly ops: number;
  readonly ms: number;
  readonly sum: number;
  readonly expected: number;
}

let sink = 0;

/**
 * selfTimed turns a self-timed batch into a tinybench task: the sample is `ms / ops` as the batch measured it (on
 * whichever thread saw the operations), and the time budget is charged with the whole batch. A wrong checksum fails
 * the task. `log`, if given, receives every sample (ms per op) in the order they were taken, warm-up included.
 */
export function selfTimed(batch: () => Promise<Timed>, log?: number[]): () => Promise<FnReturnedObject> {
  return async () => {
    const t0 = performance.now();
    const r = await batch();
    const total = performance.now() - t0;
    if (r.sum !== r.expected) throw new Error(`bench: checksum ${r.sum}, expected ${r.expected}`);
    if (r.ops <= 0 || !(r.ms > 0)) throw new Error(`bench: ${r.ops} ops in ${r.ms} ms`);
    sink = (sink + r.sum) | 0;
    log?.push(r.ms / r.ops);
    return { overriddenDuration: r.ms / r.ops, overriddenIterationCost: total };
  };
}

/** selfTimedSink is the checksum sink of selfTimed, printed by the benches so that no work is dead code. */
export function selfTimedSink(): number {
  return sink;
}

/** sleepMs waits on a timer (the event loop stays free). */
export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

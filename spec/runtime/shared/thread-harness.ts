/**
 * Runs scenarios of workers/scenarios.ts (channels) and workers/sync-scenarios.ts (shared sync) on worker threads for
 * the cross-thread specs, one thread per scenario (the scheduler may put several goroutines on one worker; these
 * specs need each on its own thread).
 */
import { Worker } from 'node:worker_threads';
import { markDead, registry } from '../../../runtime/shared/memory/registry.js';
import { isWireable, toWire } from '../../../runtime/shared/objects/wire.js';
import type { Scenarios } from './workers/run.js';

const entry = new URL('./workers/entry.mjs', import.meta.url);
const live = new Set<Worker>();

export interface Outcome<T> {
  readonly result: Promise<T>;
  readonly worker: Worker;
  /** exited resolves with the exit code once the thread is gone. */
  readonly exited: Promise<number>;
}

const wire = (a: unknown): unknown => (isWireable(a) ? toWire(a) : Array.isArray(a) ? a.map(wire) : a);

/** onThread runs `scenario(...args)` on a new worker thread. */
export function onThread<K extends keyof Scenarios>(
  scenario: K,
  ...args: Parameters<Scenarios[K]>
): Outcome<Awaited<ReturnType<Scenarios[K]>>> {
  registry();
  const worker = new Worker(entry, { workerData: { scenario, args: args.map(wire), registry: registry() } });
  live.add(worker);
  const result = new Promise<Awaited<ReturnType<Scenarios[K]>>>((resolve, reject) => {
    worker.on('message', (m: { slot?: number; ok?: boolean; value?: unknown; error?: { message: string } }) => {
      if (m.slot !== undefined) slots.set(worker, m.slot);
      else if (m.ok === true) resolve(m.value as never);
      else reject(new Error(m.error?.message));
    });
    worker.once('error', reject);
  });
  result.catch(() => {});
  const exited = new Promise<number>((resolve) =>
    worker.once('exit', (code) => {
      live.delete(worker);
      const slot = slots.get(worker);
      if (slot !== undefined) markDead(slot);
      resolve(code);
    }),
  );
  return { result, worker, exited };
}

/** slots records each worker's registry slot when the scenario reports it (see threadSlotOf). */
const slots = new Map<Worker, number>();

/** terminateAll stops every worker still running (afterEach). */
export async function terminateAll(): Promise<void> {
  await Promise.all([...live].map((w) => w.terminate()));
  live.clear();
}

/** liveWorkers is how many scenario threads are still running. */
export function liveWorkers(): number {
  return live.size;
}

/** until polls `cond` every few milliseconds until it holds (no deadline: the test's timeout is the limit). */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
}

/** flags makes `n` shared Int32 words, for threads to signal each other in tests. */
export function flags(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

/**
 * Runs scenarios of workers/scenarios.ts on worker threads for the shared sync specs, one thread per scenario (the
 * scheduler may put several goroutines on one worker; these specs need each on its own thread). A copy of
 * spec/runtime/shared/thread-harness.ts bound to this folder's scenarios.
 */
import { Worker } from 'node:worker_threads';
import { markDead, registry } from '../../../../runtime/shared/registry.js';
import { isWireable, toWire } from '../../../../runtime/shared/wire.js';
import type * as scenarios from './workers/scenarios.js';

const entry = new URL('./workers/entry.mjs', import.meta.url);
const live = new Set<Worker>();
const slots = new Map<Worker, number>();

export interface Outcome<T> {
  readonly result: Promise<T>;
  readonly worker: Worker;
  /** exited resolves with the exit code once the thread is gone. */
  readonly exited: Promise<number>;
}

const wire = (a: unknown): unknown => (isWireable(a) ? toWire(a) : Array.isArray(a) ? a.map(wire) : a);

/** onThread runs `scenario(...args)` on a new worker thread. */
export function onThread<K extends keyof typeof scenarios>(
  scenario: K,
  ...args: Parameters<(typeof scenarios)[K]>
): Outcome<Awaited<ReturnType<(typeof scenarios)[K]>>> {
  registry();
  const worker = new Worker(entry, { workerData: { scenario, args: args.map(wire), registry: registry() } });
  live.add(worker);
  const result = new Promise<Awaited<ReturnType<(typeof scenarios)[K]>>>((resolve, reject) => {
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

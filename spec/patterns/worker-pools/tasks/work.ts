/**
 * Task module of the worker-pool specs: small tasks a FixedWorkerPool or DynamicWorkerPool runs on worker threads.
 */
import { task } from '../../../../runtime/threads/task.js';

export const double = task(import.meta.url, function double(x: number): number {
  return x * 2;
});

export const fail = task(import.meta.url, function fail(msg: string): never {
  throw new RangeError(msg);
});

/** spin busy-waits `ms` of real time on its thread (a task that ignores everything until it is done). */
export const spin = task(import.meta.url, function spin(ms: number): number {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* burn */
  }
  return ms;
});

/** die ends its worker thread (process.exit in a worker ends that thread only). */
export const die = task(import.meta.url, function die(code: number): number {
  process.exit(code);
});

export const whoAmI = task(import.meta.url, async function whoAmI(): Promise<number> {
  const { threadId } = await import('node:worker_threads');
  return threadId;
});

/** loopOrDouble loops forever for a negative input (a stuck task), else returns twice the input. */
export const loopOrDouble = task(import.meta.url, function loopOrDouble(x: number): number {
  while (x < 0) {
    /* stuck */
  }
  return x * 2;
});

/**
 * meet counts itself in at word 0 of `at.sab` and waits (without blocking its thread) until `at.n` tasks have: it
 * completes only if that many run at once. It fails after 10 s instead of hanging.
 */
export const meet = task(
  import.meta.url,
  async function meet(at: { sab: SharedArrayBuffer; n: number }): Promise<number> {
    const word = new Int32Array(at.sab);
    Atomics.add(word, 0, 1);
    Atomics.notify(word, 0);
    const end = Date.now() + 10_000;
    for (let v = Atomics.load(word, 0); v < at.n; v = Atomics.load(word, 0)) {
      if (Date.now() > end) throw new Error(`meet: ${v} of ${at.n} came`);
      const r = Atomics.waitAsync(word, 0, v, 100);
      if (r.async) await r.value;
    }
    return at.n;
  },
);

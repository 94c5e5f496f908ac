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

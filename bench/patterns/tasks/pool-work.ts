/**
 * Task module of worker-pool.bench.ts: the same two functions run by gocsp pools (as tasks), by piscina
 * (pool-piscina-worker.mjs imports this module) and inline.
 *
 * - add(a): a trivial task (a + 1): what is measured is getting a job to a thread and its result back.
 * - burn(seed): CPU work, an xorshift walk of BURN_ITERS steps (about 50 us here; the bench prints it).
 */
import { task } from '../../../runtime/threads/task.js';

export const BURN_ITERS = 30_000;

export const addOne = task(import.meta.url, function addOne(a: number): number {
  return a + 1;
});

/** burnLoop is burn's body; its result depends on every step, so the loop cannot be dropped. */
export function burnLoop(iters: number, seed: number): number {
  let x = (seed | 1) >>> 0;
  for (let i = 0; i < iters; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return (x >>> 0) % 1000;
}

export const burn = task(import.meta.url, function burn(seed: number): number {
  return burnLoop(BURN_ITERS, seed);
});

/**
 * Task module of tasks.bench.ts: the same two functions run as gocsp task goroutines, by piscina
 * (piscina-worker.mjs imports this module) and inline.
 *
 * - add(a, b): a trivial task; what is measured is the cost of getting a task to a thread and its result back.
 * - burn(iters): CPU work, about 50 us with BURN_ITERS on this machine (the bench measures and prints it); it
 *   returns a value that depends on every iteration, so the loop cannot be dropped.
 */
import { task } from '../../../runtime/threads/task.js';
import type { SendChan } from '../../../runtime/chan/types.js';

/** BURN_ITERS makes burn() take about 50 us here (44-50 us measured quiet; the bench prints its inline figure). */
export const BURN_ITERS = 30_000;

export const add = task(import.meta.url, function add(a: number, b: number): number {
  return a + b;
});

/** burnLoop is burn's body: an xorshift walk of `iters` steps; its result depends on every step. */
export function burnLoop(iters: number, seed: number): number {
  let x = (seed | 1) >>> 0;
  for (let i = 0; i < iters; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return (x >>> 0) % 1000;
}

export const burn = task(import.meta.url, function burn(iters: number, seed: number): number {
  return burnLoop(iters, seed);
});

/** addTo is add for go(): it sends its result on `out` (a goroutine started by go() returns nothing). */
export const addTo = task(import.meta.url, async function addTo(a: number, b: number, out: SendChan<number>) {
  await out.send(a + b);
});

/** burnTo is burn for go(), sending its result on `out`. */
export const burnTo = task(
  import.meta.url,
  async function burnTo(iters: number, seed: number, out: SendChan<number>): Promise<void> {
    await out.send(burnLoop(iters, seed));
  },
);

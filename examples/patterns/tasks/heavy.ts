/**
 * Task module of examples/patterns/fixed-pool.ts: CPU-bound work that a FixedWorkerPool runs on worker threads.
 */
import { task } from '../../../runtime/index.js';

/** heavyComputation hashes its input `rounds` times (FNV-1a over the running hash): pure CPU, deterministic. */
export const heavyComputation = task(import.meta.url, function heavyComputation(name: string): number {
  let h = 0x811c9dc5;
  for (let round = 0; round < 200_000; round++) {
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
  }
  return h % 100_000;
});

/** crash ends its worker thread, to show the pool surviving a thread's death. */
export const crash = task(import.meta.url, function crash(code: number): number {
  process.exit(code);
});

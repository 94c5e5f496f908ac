/** Helpers for the pipeline specs: a seeded PRNG, a virtual stopwatch, counted sources. */
import { nowMillis, sleep } from '../../../runtime/time/sleep.js';

/** rng is mulberry32: a small seeded PRNG, so that a failing random run can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** stopwatch returns a function giving the ms elapsed since it was made (virtual time inside synctest). */
export function stopwatch(): () => number {
  const t0 = nowMillis();
  return () => nowMillis() - t0;
}

/** Counted is a source that counts what was pulled and whether its iterator was returned. */
export interface Counted<T> extends AsyncIterable<T> {
  pulled: number;
  returned: boolean;
}

/** counted yields 0, 1, 2, ... (up to `n`, forever by default), `every` ms apart (0: as fast as pulled). */
export function counted(n = Infinity, every = 0): Counted<number> {
  const src: Counted<number> = {
    pulled: 0,
    returned: false,
    async *[Symbol.asyncIterator]() {
      try {
        for (let i = 0; i < n; i++) {
          if (every > 0) await sleep(every);
          src.pulled++;
          yield i;
        }
      } finally {
        src.returned = true;
      }
    },
  };
  return src;
}

/** range returns [0, 1, ..., n-1]. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Helpers for the pipeline specs: a virtual stopwatch, counted sources (the seeded PRNG is spec/prng.ts). */
import { nowMillis, sleep } from '../../../runtime/time/sleep.js';

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

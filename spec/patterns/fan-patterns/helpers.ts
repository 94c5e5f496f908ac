/** Helpers for the fan pattern specs: a concurrency gauge and a promise-outcome probe (the seeded PRNG is spec/prng.ts). */
export { pick, stopwatch } from '../rate-limiters/helpers.js';

/** gauge counts how many calls run at once and the most that ever did. */
export function gauge(): { enter(): void; leave(): void; readonly now: number; readonly max: number } {
  let now = 0;
  let max = 0;
  return {
    enter() {
      now++;
      max = Math.max(max, now);
    },
    leave() {
      now--;
    },
    get now() {
      return now;
    },
    get max() {
      return max;
    },
  };
}

/** caught resolves to the error `p` rejects with (or fails if it resolves). */
export async function caught(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

/** never is a promise that never settles (a processor stuck forever). */
export const never = (): Promise<never> => new Promise<never>(() => {});

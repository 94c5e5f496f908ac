/** Helpers for the rate limiter specs: a virtual stopwatch and promise-outcome probes (the seeded PRNG is spec/prng.ts). */
import { nowMillis } from '../../../runtime/time/sleep.js';

/** pick returns a random element of `xs`. */
export function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** stopwatch returns a function giving the ms elapsed since it was made (virtual time inside synctest). */
export function stopwatch(): () => number {
  const t0 = nowMillis();
  return () => nowMillis() - t0;
}

/** settled reports, without waiting, how a promise has settled so far: 'pending', 'resolved' or the error's code/message. */
export function track(p: Promise<unknown>): { state: () => string } {
  let state = 'pending';
  p.then(
    () => (state = 'resolved'),
    (e: unknown) => (state = (e as { code?: string }).code ?? String(e)),
  );
  return { state: () => state };
}

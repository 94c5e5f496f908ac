/** Helpers for the rate limiter specs: a seeded PRNG, a virtual stopwatch, and promise-outcome probes. */
import { nowMillis } from '../../../runtime/time/sleep.js';

/** rng is mulberry32: a small seeded PRNG, so that a failing random pattern can be replayed from its seed. */
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

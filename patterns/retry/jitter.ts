/**
 * Jitter: randomising the backoff so that clients that failed together do not retry together (the "thundering
 * herd"). The four kinds are those of AWS's "Exponential Backoff And Jitter" article; for a capped backoff delay d:
 *
 *   none          d
 *   full          uniform in [0, d]                                        (spreads best, may retry at once)
 *   equal         uniform in [d/2, d]                                      (keeps at least half the backoff)
 *   decorrelated  uniform in [initialDelay, min(maxDelay, 3 * previous)]   (a random walk; ignores d)
 *
 * Every result lies in [0, maxDelay]. The random source is injected (RetryPolicy's `random` option) so that tests
 * and examples are deterministic.
 */

/**
 * Jitter names the randomisation applied to backoff delays.
 *
 * @example
 * const jitter: Jitter = 'full'; // each delay drawn uniformly from [0, the backoff's delay]
 * const policy = new RetryPolicy({ initialDelay: 100, jitter, random: () => 0.5 }); // random: for a fixed sequence
 * console.log(policy.getDelay(1)); // 50
 */
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';

/** JITTERS lists the accepted Jitter names, for validation. */
export const JITTERS = ['none', 'full', 'equal', 'decorrelated'] as const;

/**
 * applyJitter returns the delay to wait for backoff delay `d` (already in [0, maxDelay]) and the delay waited before,
 * `previous`, with `r` a random number in [0, 1].
 */
export function applyJitter(
  jitter: Jitter,
  d: number,
  previous: number,
  initialDelay: number,
  maxDelay: number,
  r: number,
): number {
  switch (jitter) {
    case 'none':
      return d;
    case 'full':
      return d * r;
    case 'equal':
      return d / 2 + (d / 2) * r;
    case 'decorrelated': {
      // Cap before scaling: 3 * previous may overflow when maxDelay is near Number.MAX_VALUE, and
      // Infinity * 0 would be NaN.
      const hi = Math.min(maxDelay, Math.max(initialDelay, 3 * previous));
      return initialDelay + (hi - initialDelay) * r;
    }
  }
}

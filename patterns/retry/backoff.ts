/**
 * Backoff strategies: how long to wait after the n-th failed attempt before the next one, before jitter.
 *
 * A strategy is a small object with one method, so a user can pass their own where a name is accepted
 * (`backoffStrategy: { delay: (attempt) => 250 * attempt }`). The built-in ones are pure functions of the attempt
 * number and the policy's parameters, and they:
 * - never decrease as `attempt` grows (fixed; exponential with multiplier >= 1; fibonacci), and
 * - saturate at `maxDelay` instead of overflowing: multiplier^10000 is Infinity and 0 * Infinity is NaN, so the
 *   exponential and fibonacci curves stop computing once they reach the cap.
 * RetryPolicy clamps whatever a strategy returns into [0, maxDelay] and rejects NaN (see retry-policy.ts).
 */

/**
 * BackoffParams are the policy settings a strategy may use; RetryPolicy passes its own.
 *
 * @example
 * const params: BackoffParams = { initialDelay: 100, maxDelay: 1000, multiplier: 3 };
 * console.log([1, 2, 3, 4].map((a) => exponentialBackoff.delay(a, 0, params))); // [ 100, 300, 900, 1000 ]
 */
export interface BackoffParams {
  /** initialDelay is the first delay, in ms. */
  readonly initialDelay: number;
  /** maxDelay caps every delay, in ms. */
  readonly maxDelay: number;
  /** multiplier is the growth factor of the exponential strategy (>= 1). */
  readonly multiplier: number;
}

/**
 * BackoffStrategy computes the delay in ms after the `attempt`-th failed attempt (1 = the first call failed), given
 * `previous`, the delay waited before that attempt (initialDelay before the first retry). The result is clamped into
 * [0, maxDelay] by the policy; returning NaN is an error.
 *
 * @example
 * const linear: BackoffStrategy = { delay: (attempt, _previous, p) => p.initialDelay * attempt };
 * new RetryPolicy({ backoffStrategy: linear, initialDelay: 100 });
 */
export interface BackoffStrategy {
  delay(attempt: number, previous: number, params: BackoffParams): number;
}

/**
 * fixedBackoff waits initialDelay after every failed attempt.
 *
 * @example
 * const p = { initialDelay: 250, maxDelay: 10_000, multiplier: 2 };
 * console.log([1, 5].map((a) => fixedBackoff.delay(a, 0, p))); // [ 250, 250 ]
 * const policy = new RetryPolicy({ backoffStrategy: fixedBackoff, initialDelay: 250, jitter: 'none' });
 */
export const fixedBackoff: BackoffStrategy = Object.freeze({
  delay: (_attempt: number, _previous: number, p: BackoffParams): number => Math.min(p.initialDelay, p.maxDelay),
});

/**
 * exponentialBackoff waits initialDelay * multiplier^(attempt-1): with 100 ms and multiplier 2, 100, 200, 400, 800,
 * ... up to maxDelay, where it stays.
 *
 * @example
 * const p = { initialDelay: 100, maxDelay: 500, multiplier: 2 };
 * console.log([1, 2, 3, 4].map((a) => exponentialBackoff.delay(a, 0, p))); // [ 100, 200, 400, 500 ]
 */
export const exponentialBackoff: BackoffStrategy = Object.freeze({
  delay(attempt: number, _previous: number, p: BackoffParams): number {
    if (p.initialDelay === 0) return 0;
    const d = p.initialDelay * p.multiplier ** (attempt - 1); // Infinity once it overflows, never NaN
    return d < p.maxDelay ? d : p.maxDelay;
  },
});

/**
 * fibonacciBackoff waits initialDelay * fib(attempt), fib = 1, 1, 2, 3, 5, 8, ...: with 100 ms, 100, 100, 200, 300,
 * 500, ... up to maxDelay. It grows more gently than doubling (by about 1.618 per step).
 *
 * @example
 * const p = { initialDelay: 100, maxDelay: 10_000, multiplier: 2 };
 * console.log([1, 2, 3, 4, 5, 6].map((a) => fibonacciBackoff.delay(a, 0, p))); // [ 100, 100, 200, 300, 500, 800 ]
 */
export const fibonacciBackoff: BackoffStrategy = Object.freeze({
  delay(attempt: number, _previous: number, p: BackoffParams): number {
    if (p.initialDelay === 0) return 0;
    // Walk the sequence and stop at the cap: fib grows exponentially, so this takes at most ~1500 steps even for
    // a cap 1e308 times initialDelay, and ~20 for usual settings.
    let a = 1;
    let b = 1;
    for (let i = 1; i < attempt; i++) {
      if (p.initialDelay * a >= p.maxDelay) return p.maxDelay;
      [a, b] = [b, a + b];
    }
    const d = p.initialDelay * a;
    return d < p.maxDelay ? d : p.maxDelay;
  },
});

/**
 * CustomBackoff is the seed's custom strategy: a function of the attempt number and the last delay, in ms.
 *
 * @example
 * const linear: CustomBackoff = (attempt) => 100 * attempt;
 * const policy = new RetryPolicy({ backoffStrategy: 'custom', customBackoff: linear, jitter: 'none' });
 * console.log(policy.getDelay(3)); // 300
 */
export type CustomBackoff = (attempt: number, lastDelay: number) => number;

/**
 * customBackoff makes a BackoffStrategy from a CustomBackoff function.
 *
 * @example
 * const doubling = customBackoff((_attempt, last) => last * 2);
 * const policy = new RetryPolicy({ backoffStrategy: doubling, initialDelay: 50, jitter: 'none' });
 * console.log(policy.getDelay(1, 50), policy.getDelay(2, 100)); // 100 200
 */
export function customBackoff(fn: CustomBackoff): BackoffStrategy {
  return { delay: (attempt, previous) => fn(attempt, previous) };
}

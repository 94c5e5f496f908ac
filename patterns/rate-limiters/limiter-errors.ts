/**
 * The rate limiters' expected failures: a request refused by a limiter's Policy form (RateLimitedError) and an item
 * offered to a closed leaky bucket (RateLimiterClosedError). Both are PatternErrors with a stable `code` and a guard.
 *
 * Misuse is not here: a request for more than a limiter can ever grant (n > capacity, count > maxRequests) is an
 * InvalidArgumentError (thrown by a synchronous call such as tryAcquire, the rejection of a promise-returning one
 * such as acquire), because no amount of waiting or retrying could satisfy it (x/time/rate's
 * WaitN returns an error for n > burst for the same reason). Keeping it out of this family means that a retry policy
 * that retries on isRateLimitedError never loops on a request that can never pass.
 */
import { PatternError, hasCode } from '../core/pattern-error.js';

/**
 * RateLimitedError is how a limiter's `execute` refuses a call it was configured not to wait for (maxWait 0, or a
 * wait longer than maxWait). `retryAfter` is the limiter's estimate, in ms, of when a permit will be free (what an
 * HTTP server puts in a 429's Retry-After), or NaN when it cannot tell.
 *
 * @example
 * try { await limiter.execute(call); }
 * catch (e) { if (isRateLimitedError(e)) res.status(429).set('Retry-After', String(Math.ceil(e.retryAfter / 1000))); }
 */
export class RateLimitedError extends PatternError {
  override name = 'RateLimitedError';
  readonly retryAfter: number;
  constructor(owner: string, retryAfter: number) {
    super(
      Number.isFinite(retryAfter)
        ? `${owner}: rate limited, retry after ${round(retryAfter)} ms`
        : `${owner}: rate limited`,
      'ERR_RATE_LIMITED',
    );
    this.retryAfter = retryAfter;
  }
}

/**
 * isRateLimitedError reports whether `e` is a RateLimitedError (by its code, so it works across threads).
 *
 * @example
 * const limiter = new TokenBucketRateLimiter({ capacity: 1, refillRate: 1, maxWait: 0 });
 * const call = () => limiter.execute(() => 'ok').catch((e) => (isRateLimitedError(e) ? `retry in ${Math.round(e.retryAfter)} ms` : 'error'));
 * console.log(await call(), await call()); // ok retry in 1000 ms
 */
export function isRateLimitedError(e: unknown): e is RateLimitedError {
  return hasCode(e, 'ERR_RATE_LIMITED');
}

/**
 * RateLimiterClosedError is how a closed (or stopped) LeakyBucketRateLimiter refuses an item: tryEnqueue throws it,
 * enqueue rejects with it, also when the bucket is closed while the enqueuer waits for room.
 *
 * @example
 * const bucket = new LeakyBucketRateLimiter<string>({ capacity: 10, leakRate: 100 });
 * bucket.close();
 * try { bucket.tryEnqueue('late'); } catch (e) { console.log(e instanceof RateLimiterClosedError); } // true
 */
export class RateLimiterClosedError extends PatternError {
  override name = 'RateLimiterClosedError';
  constructor(owner: string) {
    super(`${owner}: closed`, 'ERR_RATE_LIMITER_CLOSED');
  }
}

/**
 * isRateLimiterClosedError reports whether `e` is a RateLimiterClosedError (by its code).
 *
 * @example
 * const bucket = new LeakyBucketRateLimiter<number>({ capacity: 10, leakRate: 1 });
 * await bucket.enqueue(1);
 * bucket.close(); // what the bucket holds still leaks out
 * const r = await bucket.enqueue(2).then(() => 'queued', (e) => (isRateLimiterClosedError(e) ? 'refused: closed' : 'error'));
 * console.log(r, await bucket.output.recv()); // refused: closed 1
 */
export function isRateLimiterClosedError(e: unknown): e is RateLimiterClosedError {
  return hasCode(e, 'ERR_RATE_LIMITER_CLOSED');
}

/** round shows a wait with at most three decimals (1/3 ms prints as 0.333, not 0.3333333333333333). */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

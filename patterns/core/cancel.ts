/**
 * Cancellation input for the patterns' waiting calls: a gocsp Context or a web AbortSignal, or nothing, and the one
 * rule for what a call stopped by it rejects with (cancelReason).
 */
import { background, cause, type Context, fromSignal } from '../../runtime/index.js';

/**
 * Cancel is what a waiting call accepts to be stopped early: a Context, an AbortSignal, or undefined.
 *
 * @example
 * const limiter = new TokenBucketRateLimiter({ capacity: 1, refillRate: 1, refillInterval: Hour });
 * limiter.tryAcquire();
 * const byContext: Cancel = withTimeout(background(), 10)[0];
 * const bySignal: Cancel = AbortSignal.timeout(10);
 * for (const cancel of [byContext, bySignal]) {
 *   await limiter.acquire(1, cancel).catch((e) => console.log(String(e))); // each stops the wait with its reason
 * }
 */
export type Cancel = Context | AbortSignal | undefined;

/**
 * toContext turns a Cancel into a Context and the function that releases it (call it when the wait is over, so an
 * AbortSignal listener is not left behind). A Context or undefined costs nothing.
 */
export function toContext(c: Cancel): [ctx: Context, release: () => void] {
  if (c === undefined) return [background(), noop];
  if (c instanceof AbortSignal) return fromSignal(background(), c);
  return [c, noop];
}

/**
 * cancelReason is what every pattern's call stopped by its Cancel rejects with, once `ctx` (from toContext) is done:
 * for an AbortSignal, its `reason` (what the AbortSignal world expects: an AbortError, a TimeoutError, or whatever
 * was passed to abort()); for a Context, Go's context.Cause(ctx): its err(), Canceled or DeadlineExceeded, unless
 * it was canceled with a cause (withCancelCause, withTimeoutCause), then that cause.
 *
 * @example
 * if (ctx.err() !== null) throw cancelReason(ctx);
 */
export function cancelReason(ctx: Context): unknown {
  return cause(ctx) ?? ctx.err();
}

function noop(): void {}

/**
 * Helpers the limiters share for their waiting calls and their Policy form: checking a Cancel argument, and
 * executing a function under a permit (`execute`), waiting at most `maxWait` ms for it.
 */
import { type Context, isDeadlineExceeded, withTimeout, InvalidArgumentError } from '../../runtime/index.js';
import { type Cancel, cancelReason, toContext } from '../core/cancel.js';
import { show } from '../core/option-checks.js';
import { RateLimitedError } from './limiter-errors.js';

/**
 * checkCancel requires a Cancel (a Context, an AbortSignal or undefined) and returns what to fail with at once if it
 * is already canceled (its reason, core/cancel.ts), or null.
 */
export function checkCancel(owner: string, cancel: unknown): unknown {
  if (cancel === undefined) return null;
  if (cancel instanceof AbortSignal) return cancel.aborted ? cancel.reason : null;
  const c = cancel as Partial<Context> | null;
  if (typeof c !== 'object' || c === null || typeof c.done !== 'function' || typeof c.err !== 'function') {
    throw new InvalidArgumentError(`${owner}: cancel must be a Context, an AbortSignal or undefined, got ${show(cancel)}`);
  }
  return c.err() === null ? null : cancelReason(c as Context);
}

/** checkMaxWait requires a number of ms >= 0, Infinity included (wait as long as it takes). */
export function checkMaxWait(owner: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) {
    throw new InvalidArgumentError(`${owner}: maxWait must be a number >= 0 (ms, Infinity to always wait), got ${show(v)}`);
  }
  return v;
}

/** Permits is what execute needs from a limiter: one permit, now or in line. */
export interface Permits {
  /** tryOne takes one permit if one is free now and nobody waits. */
  tryOne(): boolean;
  /**
   * waitTime is the ms until one permit could be had behind those waiting, or NaN when the limiter cannot tell.
   * `exact` says whether waiting in line is guaranteed to take no longer (so no timeout is needed).
   */
  waitTime(): number;
  readonly exact: boolean;
  /** waitOne waits in line for one permit; it rejects with cancelReason(ctx) if ctx is done first. */
  waitOne(ctx: Context): Promise<void>;
}

/**
 * executeWithPermit runs `fn(ctx)` once the limiter grants a permit. With maxWait 0 it never waits: no free permit
 * rejects with RateLimitedError at once. Otherwise it rejects at once if the limiter can tell the wait would be longer
 * than maxWait, and else waits in line (for at most maxWait ms when the wait is only an estimate). If `cancel` is
 * done first the promise rejects with its reason (core/cancel.ts: an AbortSignal's reason, a Context's cause) and no
 * permit is taken.
 */
export async function executeWithPermit<T>(
  owner: string,
  p: Permits,
  maxWait: number,
  fn: (ctx: Context) => Promise<T> | T,
  cancel: Cancel,
): Promise<T> {
  const [ctx, release] = toContext(cancel);
  try {
    if (ctx.err() !== null) throw cancelReason(ctx);
    if (!p.tryOne()) {
      const wait = p.waitTime();
      if (maxWait === 0 || wait > maxWait) throw new RateLimitedError(owner, wait);
      await waitInLine(owner, ctx, p.exact ? Infinity : maxWait, (c) => p.waitOne(c), () => p.waitTime());
    }
    return await fn(ctx);
  } finally {
    release();
  }
}

/**
 * waitInLine waits in line for one permit (`waitOne`), as long as it takes when `maxWait` is Infinity and else for at
 * most `maxWait` ms: running out of that time is the limiter's refusal, RateLimitedError(owner, retryAfter()), while
 * the caller's own deadline or cancellation (on `ctx`) rejects with its reason as it is.
 */
export async function waitInLine(
  owner: string,
  ctx: Context,
  maxWait: number,
  waitOne: (ctx: Context) => Promise<void>,
  retryAfter: () => number,
): Promise<void> {
  if (maxWait === Infinity) return waitOne(ctx);
  const [timed, stop] = withTimeout(ctx, maxWait);
  try {
    await waitOne(timed);
  } catch (e) {
    if (ctx.err() === null && isDeadlineExceeded(e)) throw new RateLimitedError(owner, retryAfter());
    throw e;
  } finally {
    stop();
  }
}

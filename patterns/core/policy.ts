/**
 * Policy is the one interface the resilience patterns share, so they compose: a retry around a circuit breaker
 * around a bulkhead around a call is `wrap(retry, breaker, bulkhead).execute(call)`.
 *
 * `execute(fn, cancel?)` runs `fn` under the policy and settles as `fn` does, or rejects with the policy's own
 * expected failure (circuit open, bulkhead full, retries exhausted, rate limited). `fn` receives the Context that
 * the policy runs it under, canceled when `cancel` is or when the policy gives up on the attempt (a timeout).
 * execute returns a promise and never throws: misuse (a bad `fn` or `cancel`) is a rejection too.
 */
import { type Context, InvalidArgumentError } from '../../runtime/index.js';
import { type Cancel, toContext } from './cancel.js';
import { show } from './option-checks.js';

/**
 * Policy is the one interface the resilience patterns share (retry, circuit breaker, bulkhead, rate limiters,
 * timeout): execute(fn, cancel?) runs fn(ctx) under the policy and settles as fn does, or rejects with the policy's
 * expected failure. Anything with such an execute method composes with wrap().
 *
 * @example
 * const logged: Policy = {
 *   async execute(fn, cancel) {
 *     const t0 = performance.now();
 *     try { return await wrap().execute(fn, cancel); } finally { log(performance.now() - t0); }
 *   },
 * };
 * await wrap(retry, logged, breaker).execute((ctx) => call(ctx));
 */
export interface Policy {
  execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T>;
}

/**
 * wrap composes policies outermost first: `wrap(a, b, c).execute(fn)` is `a.execute(() => b.execute(() =>
 * c.execute(fn)))`, each layer passing its Context inward. With no policies it runs `fn` directly.
 *
 * @example
 * const resilient = wrap(retry, breaker, bulkhead);
 * const body = await resilient.execute((ctx) => fetch(url, { signal: ctx.signal }), req.signal);
 */
export function wrap(...policies: Policy[]): Policy {
  policies.forEach((p, i) => {
    if (typeof p !== 'object' || p === null || typeof p.execute !== 'function') {
      throw new InvalidArgumentError(`wrap: policy ${i} must have an execute method, got ${show(p)}`);
    }
  });
  return {
    execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
      const run = (i: number, ctx: Context): Promise<T> =>
        i === policies.length
          ? Promise.resolve().then(() => fn(ctx))
          : policies[i]!.execute((inner) => run(i + 1, inner), ctx);
      // A promise-returning call never throws: a policy of another library that throws at the call is a rejection.
      try {
        const [ctx, release] = toContext(cancel);
        return run(0, ctx).finally(release);
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}

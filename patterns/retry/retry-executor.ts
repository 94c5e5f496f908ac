/**
 * RetryExecutor calls an operation until it succeeds or the RetryPolicy says to stop, waiting the policy's delay
 * between attempts. It is a Policy, so it composes: `wrap(retry, breaker, bulkhead).execute(call)`.
 *
 * One execution, in passes:
 * - pass 1 - before each attempt, a canceled context stops the execution: it rejects with the cancellation's cause
 *   (the AbortSignal's reason, Canceled, DeadlineExceeded) and makes no attempt.
 * - pass 2 - call the operation with the execution's Context (it is how the attempt learns of an abort).
 * - pass 3 - on failure, classify: a PermanentError rejects with the error it wraps; a non-retryable error rejects
 *   as is; a canceled context rejects with the cause; no attempts left, or a RetryBudget refusing, rejects with
 *   RetryExhaustedError (or the last error, with rethrowLastError).
 * - pass 4 - wait the policy's delay: a select on the context's done channel against a timer, so an abort during the
 *   wait rejects at once, and synctest's virtual time drives the timer.
 * Nothing runs in the background: an execution is the caller's own async call, with no goroutine, timer or
 * listener left behind when it settles.
 */
import {
  background,
  cause,
  type Context,
  InvalidArgumentError,
  recvCase,
  select,
  newTimer,
  nanotime,
  nowMillis,
} from '../../runtime/index.js';
import { type Cancel, toContext } from '../core/cancel.js';
import { func, options, show } from '../core/option-checks.js';
import type { Policy } from '../core/policy.js';
import { isPermanentError, RetryExhaustedError, type GiveUpReason } from './retry-errors.js';
import { RetryBudget } from './retry-budget.js';
import { AttemptContext, type RetryContext } from './retry-context.js';
import { MetricsRecorder, type Outcome, type RetryMetrics } from './retry-metrics.js';
import { RetryPolicy } from './retry-policy.js';

const OWNER = 'RetryExecutor';
/** UNCANCELABLE is toContext(undefined), made once: the common no-cancel call allocates no pair. */
const UNCANCELABLE: readonly [Context, () => void] = Object.freeze([background(), () => {}] as const);

/**
 * RetryEvent describes a retry about to be waited for (RetryExecutorOptions.onRetry).
 *
 * @example
 * const log = (e: RetryEvent): void => console.log(`attempt ${e.attempt} failed (${String(e.error)}), next in ${e.delay} ms`);
 * const executor = new RetryExecutor(new RetryPolicy({ maxAttempts: 2, initialDelay: 10, jitter: 'none' }), { onRetry: log });
 * await executor.execute(() => Promise.reject(new Error('503'))).catch(() => {});
 * // attempt 1 failed (Error: 503), next in 10 ms
 */
export interface RetryEvent {
  /** attempt is the number of the attempt that failed (1 = the first call). */
  readonly attempt: number;
  /** error is what it threw. */
  readonly error: unknown;
  /** delay is the wait in ms chosen before the next attempt. */
  readonly delay: number;
}

/**
 * RetryExecutorOptions are RetryExecutor's options beside its policy; all optional.
 *
 * @example
 * const options: Partial<RetryExecutorOptions> = { rethrowLastError: true, budget: new RetryBudget() };
 * const executor = new RetryExecutor(new RetryPolicy({ maxAttempts: 2, initialDelay: 1 }), options);
 * const e = await executor.execute(() => Promise.reject(new Error('down'))).catch((x: unknown) => x);
 * console.log((e as Error).message); // down: the last error itself, not RetryExhaustedError
 */
export interface RetryExecutorOptions {
  /** budget is a RetryBudget, possibly shared with other executors, that can refuse retries. Default: none. */
  budget: RetryBudget;
  /**
   * rethrowLastError makes a give-up reject with the last attempt's error instead of RetryExhaustedError.
   * Default false: RetryExhaustedError says that retries were tried and ran out (with `attempts`, `reason` and the
   * last error as `cause`), which a caller cannot tell from a first-attempt failure otherwise.
   */
  rethrowLastError: boolean;
  /** onRetry is called after each failed attempt that will be retried, with the delay chosen (for logging). */
  onRetry: (event: RetryEvent) => void;
}

/**
 * RetryExecutor runs operations under a RetryPolicy: execute and executeWithContext block (asynchronously) through
 * every attempt and wait, and settle once the operation succeeds or the policy gives up. A cancel (Context or
 * AbortSignal) ends a wait at once and prevents further attempts. One executor serves any number of concurrent
 * executions; its metrics count them all.
 *
 * @example
 * const executor = new RetryExecutor(new RetryPolicy({ maxAttempts: 4 }));
 * const user = await wrap(executor, breaker).execute((ctx) => fetchUser(id, ctx.signal), req.signal);
 */
export class RetryExecutor implements Policy {
  readonly #policy: RetryPolicy;
  readonly #budget: RetryBudget | null;
  readonly #rethrow: boolean;
  readonly #onRetry: ((event: RetryEvent) => void) | null;
  #m = new MetricsRecorder();

  /**
   * constructor makes an executor for `policy` (default: a RetryPolicy with its defaults). The policy is read at
   * each decision, so its setters take effect on running executions. Throws InvalidArgumentError for a policy that
   * is not a RetryPolicy or a bad option.
   *
   * @example
   * const executor = new RetryExecutor(new RetryPolicy({ maxAttempts: 5 }), { budget: sharedBudget });
   */
  constructor(policy: RetryPolicy = new RetryPolicy(), opts?: Partial<RetryExecutorOptions>) {
    if (!(policy instanceof RetryPolicy)) {
      throw new InvalidArgumentError(`${OWNER}: policy must be a RetryPolicy, got ${show(policy)}`);
    }
    const o = options(OWNER, opts, ['budget', 'rethrowLastError', 'onRetry']);
    if (o.budget !== undefined && !(o.budget instanceof RetryBudget)) {
      throw new InvalidArgumentError(`${OWNER}: budget must be a RetryBudget, got ${show(o.budget)}`);
    }
    const rethrow = o.rethrowLastError ?? false;
    if (typeof rethrow !== 'boolean') {
      throw new InvalidArgumentError(`${OWNER}: rethrowLastError must be a boolean, got ${show(rethrow)}`);
    }
    this.#policy = policy;
    this.#budget = o.budget ?? null;
    this.#rethrow = rethrow;
    this.#onRetry = o.onRetry === undefined ? null : func(OWNER, 'onRetry', o.onRetry);
  }

  /** policy is the RetryPolicy this executor follows. */
  get policy(): RetryPolicy {
    return this.#policy;
  }

  /**
   * execute calls `fn` until it succeeds, resolving with its result, or rejects (see the file comment for how and
   * with what). `fn` receives the execution's Context; `cancel` (a Context or an AbortSignal) stops the execution:
   * during a wait at once, during an attempt through the Context given to `fn`, and no retry follows either way.
   * It never throws: if `fn` is not a function or `cancel` not a Context or AbortSignal, it returns a promise rejected
   * with InvalidArgumentError (and calls nothing).
   *
   * @example
   * const user = await executor.execute((ctx) => fetchUser(id, { signal: ctx.signal }), req.signal);
   */
  execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    try {
      func(`${OWNER}.execute`, 'fn', fn);
      checkCancel('execute', cancel);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#run(fn, false, cancel);
  }

  /**
   * executeWithContext is execute for an operation that wants to know which attempt it is: `fn` receives a
   * RetryContext (attempt, maxAttempts, lastError, elapsed, ctx, signal). Bad arguments are a rejection, as for
   * execute.
   *
   * @example
   * await executor.executeWithContext(async (rc) => {
   *   console.log(`Attempt ${rc.attempt} of ${rc.maxAttempts}`);
   *   return unreliableOperation(rc.signal);
   * });
   */
  executeWithContext<T>(fn: (context: RetryContext) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    try {
      func(`${OWNER}.executeWithContext`, 'fn', fn);
      checkCancel('executeWithContext', cancel);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#run(fn, true, cancel);
  }

  /** getMetrics returns a snapshot of the counters (see RetryMetrics). */
  getMetrics(): RetryMetrics {
    return this.#m.snapshot();
  }

  /**
   * resetMetrics sets every counter to zero. Executions in progress go on counting into the new counters (so, until
   * they settle, successes + failures may exceed executions).
   */
  resetMetrics(): void {
    this.#m = new MetricsRecorder();
  }

  async #run<T>(
    fn: ((ctx: Context) => Promise<T> | T) | ((rc: RetryContext) => Promise<T> | T),
    withContext: boolean,
    cancel: Cancel,
  ): Promise<T> {
    this.#m.executions++;
    const [ctx, release] = cancel === undefined ? UNCANCELABLE : toContext(cancel);
    const start = withContext ? nowMillis() : 0;
    let attempts = 0;
    let outcome: Outcome = 'failure';
    let lastError: unknown = undefined;
    let previous: number | undefined = undefined;
    try {
      for (;;) {
        // pass 1 - a canceled execution makes no further attempt.
        if (ctx.err() !== null) {
          outcome = 'canceled';
          throw cause(ctx);
        }
        // pass 2 - the attempt.
        const policy = this.#policy;
        attempts++;
        this.#m.attempts++;
        if (attempts > 1) this.#m.retries++;
        try {
          const v = withContext
            ? await (fn as (rc: RetryContext) => Promise<T> | T)(
                new AttemptContext(attempts, policy.maxAttempts, lastError, ctx, start),
              )
            : await (fn as (ctx: Context) => Promise<T> | T)(ctx);
          this.#budget?.recordSuccess();
          outcome = 'success';
          return v;
        } catch (e) {
          lastError = e;
        }
        // pass 3 - classify the failure.
        if (isPermanentError(lastError)) throw lastError.cause;
        if (!policy.isRetryable(lastError, attempts)) throw lastError;
        if (ctx.err() !== null) {
          outcome = 'canceled';
          throw cause(ctx);
        }
        this.#budget?.recordFailure();
        if (attempts >= policy.maxAttempts) {
          outcome = 'give-up';
          throw this.#giveUp(attempts, lastError, 'attempts');
        }
        if (this.#budget !== null && !this.#budget.allowRetry()) {
          outcome = 'throttled';
          throw this.#giveUp(attempts, lastError, 'budget');
        }
        // pass 4 - wait, unless canceled meanwhile.
        const delay = policy.delayFor(lastError, attempts, previous);
        this.#onRetry?.({ attempt: attempts, error: lastError, delay });
        if (delay > 0) {
          const waited = await wait(ctx, delay);
          this.#m.totalDelay += waited;
          if (waited < delay) {
            outcome = 'canceled';
            throw cause(ctx);
          }
        }
        previous = delay;
      }
    } finally {
      this.#m.settle(attempts, outcome);
      release();
    }
  }

  #giveUp(attempts: number, lastError: unknown, reason: GiveUpReason): unknown {
    return this.#rethrow ? lastError : new RetryExhaustedError(attempts, lastError, reason);
  }
}

/**
 * wait parks until `ms` have passed or ctx is canceled, whichever comes first, and returns the time waited: `ms`
 * when the timer fired, less when the context was canceled. The timer is stopped on cancel, so it is freed at once.
 *
 * It always lets the event loop turn, whatever the clock says: a timer of a few ns on the real clock is often due
 * by the time select polls it, and the attempts would then follow each other in microtasks, starving Node's timers
 * and I/O for as many attempts as the policy allows.
 */
async function wait(ctx: Context, ms: number): Promise<number> {
  const t0 = nanotime();
  const timer = newTimer(ms);
  const cases = [recvCase(ctx.done(), () => false), recvCase(timer.c, () => true)];
  let fired = select(cases, () => null);
  if (fired === null) fired = await select(cases);
  else await new Promise(setImmediate);
  if (fired) return ms;
  timer.stop();
  return Math.min(ms, (nanotime() - t0) / 1e6);
}

function checkCancel(method: string, c: unknown): void {
  if (c === undefined || c instanceof AbortSignal) return;
  if (typeof c === 'object' && c !== null && typeof (c as Context).err === 'function') return;
  throw new InvalidArgumentError(`${OWNER}.${method}: cancel must be a Context or an AbortSignal, got ${show(c)}`);
}

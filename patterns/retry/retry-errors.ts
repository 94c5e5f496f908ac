/**
 * The retry family's errors: RetryExhaustedError (an expected failure: the executor gave up) and PermanentError
 * (a marker the operation throws to say "do not retry this").
 */
import { show } from '../core/option-checks.js';
import { hasCode, PatternError } from '../core/pattern-error.js';

/** RETRY_EXHAUSTED is the code of RetryExhaustedError. */
export const RETRY_EXHAUSTED = 'ERR_RETRY_EXHAUSTED';
/** RETRY_PERMANENT is the code of PermanentError. */
export const RETRY_PERMANENT = 'ERR_RETRY_PERMANENT';

/**
 * GiveUpReason says why retrying stopped: maxAttempts reached, or the shared RetryBudget refused a retry.
 *
 * @example
 * const executor = new RetryExecutor(new RetryPolicy({ maxAttempts: 2, initialDelay: 1 }));
 * const e = await executor.execute(() => Promise.reject(new Error('flaky'))).catch((x: unknown) => x);
 * const why: GiveUpReason | null = isRetryExhaustedError(e) ? e.reason : null;
 * console.log(why); // attempts
 */
export type GiveUpReason = 'attempts' | 'budget';

/**
 * RetryExhaustedError is how RetryExecutor rejects when an operation kept failing with retryable errors: after
 * maxAttempts attempts (`reason` 'attempts'), or earlier when the RetryBudget refused a retry (`reason` 'budget').
 * `cause` is the last attempt's error and `attempts` how many attempts were made. Code 'ERR_RETRY_EXHAUSTED'; guard
 * isRetryExhaustedError.
 *
 * @example
 * try { await executor.execute(call); }
 * catch (e) { if (isRetryExhaustedError(e)) log.warn(`gave up after ${e.attempts}`, e.cause); else throw e; }
 */
export class RetryExhaustedError extends PatternError {
  override name = 'RetryExhaustedError';
  /** attempts is how many times the operation was called. */
  readonly attempts: number;
  /** reason says what stopped the retries. */
  readonly reason: GiveUpReason;
  /** cause is the last attempt's error. */
  declare readonly cause: unknown;

  constructor(attempts: number, lastError: unknown, reason: GiveUpReason = 'attempts') {
    const why =
      reason === 'budget'
        ? `retry budget exhausted after ${attempts} attempt${attempts === 1 ? '' : 's'}`
        : `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
    super(`retry: ${why}: ${describeError(lastError)}`, RETRY_EXHAUSTED, { cause: lastError });
    this.attempts = attempts;
    this.reason = reason;
  }
}

/**
 * isRetryExhaustedError reports whether `e` is a RetryExhaustedError (by its code, so it works across threads).
 *
 * @example
 * const executor = new RetryExecutor(new RetryPolicy({ maxAttempts: 3, initialDelay: 1 }));
 * const e = await executor.execute(() => Promise.reject(new Error('down'))).catch((x: unknown) => x);
 * if (isRetryExhaustedError(e)) console.log(e.attempts, (e.cause as Error).message); // 3 down
 */
export function isRetryExhaustedError(e: unknown): e is RetryExhaustedError {
  return hasCode(e, RETRY_EXHAUSTED);
}

/**
 * PermanentError marks an error as not worth retrying (cenkalti/backoff's Permanent, p-retry's AbortError): thrown
 * by an attempt, it stops RetryExecutor at once, whatever retryCondition says and however many attempts are left,
 * and the executor rejects with the wrapped error (`cause`), not with the marker. Make one with permanent(error).
 * Code 'ERR_RETRY_PERMANENT'; guard isPermanentError.
 *
 * @example
 * const executor = new RetryExecutor(new RetryPolicy({ maxAttempts: 5, initialDelay: 1 }));
 * let calls = 0;
 * const e = await executor.execute(() => { calls++; throw new PermanentError(new Error('bad request')); }).catch((x: unknown) => x);
 * console.log(calls, (e as Error).message); // 1 bad request: the wrapped error, after one attempt
 */
export class PermanentError extends PatternError {
  override name = 'PermanentError';
  /** cause is the error that must not be retried. */
  declare readonly cause: unknown;

  constructor(error: unknown) {
    super(`permanent: ${describeError(error)}`, RETRY_PERMANENT, { cause: error });
  }
}

/**
 * permanent wraps `error` in a PermanentError, so that throwing it stops the retries (an already wrapped error is
 * returned as is).
 *
 * @example
 * await executor.execute(async () => {
 *   const res = await fetch(url);
 *   if (res.status === 404) throw permanent(new Error('not found')); // retrying cannot help
 *   if (!res.ok) throw new Error(`HTTP ${res.status}`);               // may be transient: retried
 *   return res.json();
 * });
 */
export function permanent(error: unknown): PermanentError {
  return isPermanentError(error) ? error : new PermanentError(error);
}

/**
 * isPermanentError reports whether `e` is a PermanentError (by its code, so it works across threads).
 *
 * @example
 * const e = permanent(new Error('invalid token'));
 * console.log(isPermanentError(e), isPermanentError(new Error('invalid token'))); // true false
 */
export function isPermanentError(e: unknown): e is PermanentError {
  return hasCode(e, RETRY_PERMANENT);
}

function describeError(e: unknown): string {
  if (e instanceof Error) return e.message === '' ? e.name : `${e.name}: ${e.message}`;
  return show(e);
}

/**
 * CallTimeoutError is what a TimeoutPolicy rejects with when a call did not finish in time: the call's Context was
 * canceled at the deadline (with this error as its cause), and the call then failed, or (strategy 'aggressive') the
 * policy stopped waiting. Like the other expected failures of the patterns it has a stable `code` and a guard that
 * checks it, because class identity does not survive crossing a thread.
 */
import { hasCode, PatternError } from '../core/pattern-error.js';

/** CALL_TIMEOUT is CallTimeoutError's code. */
export const CALL_TIMEOUT = 'ERR_CALL_TIMEOUT';

/**
 * CallTimeoutError says that a call ran out of its TimeoutPolicy's time. `timeout` is that time in ms; `cause` is
 * the call's own error when it failed after the deadline (a fetch's AbortError, say), and absent when the policy
 * stopped waiting ('aggressive') or the call threw this very error (`throw cancelReason(ctx)`).
 *
 * @example
 * try {
 *   return await withTimeout.execute((ctx) => fetch(url, { signal: ctx.signal }));
 * } catch (e) {
 *   if (isCallTimeoutError(e)) log.warn(`${url} took more than ${e.timeout} ms`);
 *   throw e;
 * }
 */
export class CallTimeoutError extends PatternError {
  override name = 'CallTimeoutError';
  readonly timeout: number;
  constructor(timeout: number) {
    super(`call timed out after ${timeout} ms`, CALL_TIMEOUT);
    this.timeout = timeout;
  }
}

/**
 * isCallTimeoutError reports whether `e` is a CallTimeoutError (by code, so it works across threads).
 *
 * @example
 * if (isCallTimeoutError(e)) metrics.timeouts++;
 */
export const isCallTimeoutError = (e: unknown): e is CallTimeoutError => hasCode(e, CALL_TIMEOUT);

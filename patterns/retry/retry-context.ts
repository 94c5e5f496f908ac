/**
 * RetryContext: what RetryExecutor.executeWithContext tells each attempt about the execution it belongs to.
 */
import { type Context, nowMillis } from '../../runtime/index.js';

/**
 * RetryContext describes one attempt of an execution.
 *
 * @example
 * await executor.executeWithContext(async (rc) => {
 *   console.log(`attempt ${rc.attempt} of ${rc.maxAttempts}, ${rc.elapsed} ms in, last error: ${rc.lastError}`);
 *   return fetch(url, { signal: rc.signal });
 * });
 */
export interface RetryContext {
  /** attempt is this attempt's number, 1 for the first call. */
  readonly attempt: number;
  /** maxAttempts is the policy's maxAttempts when the attempt started. */
  readonly maxAttempts: number;
  /** lastError is what the previous attempt threw (undefined for the first attempt). */
  readonly lastError: unknown;
  /** elapsed is the time in ms since the execution started, read when accessed (virtual inside synctest). */
  readonly elapsed: number;
  /** ctx is the execution's Context: canceled when the caller's context or signal is. Pass it on to gocsp calls. */
  readonly ctx: Context;
  /** signal is ctx's AbortSignal: pass it on to fetch and other web APIs. */
  readonly signal: AbortSignal;
}

/** AttemptContext is the RetryContext RetryExecutor makes for each attempt. */
export class AttemptContext implements RetryContext {
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly lastError: unknown;
  readonly ctx: Context;
  readonly #start: number;

  constructor(attempt: number, maxAttempts: number, lastError: unknown, ctx: Context, start: number) {
    this.attempt = attempt;
    this.maxAttempts = maxAttempts;
    this.lastError = lastError;
    this.ctx = ctx;
    this.#start = start;
  }

  get elapsed(): number {
    return nowMillis() - this.#start;
  }

  get signal(): AbortSignal {
    return this.ctx.signal;
  }
}

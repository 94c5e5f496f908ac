/**
 * The fan patterns' expected failures. A failing item is not a panic: fail-fast calls reject with the item's own
 * error (as Promise.all and errgroup do), and the other modes report it wrapped in a FanItemError that carries the
 * item's index. Each class has a stable `code` and an `isX(e)` guard that checks it.
 */
import { PatternError, hasCode } from '../core/pattern-error.js';

/** FanItemError reports one failed item with its index in the input (errorHandler, FanOutError.failures). */
export class FanItemError extends PatternError {
  override name = 'FanItemError';
  constructor(
    readonly index: number,
    cause: unknown,
  ) {
    super(`item ${index} failed: ${cause instanceof Error ? cause.message : String(cause)}`, 'ERR_FAN_ITEM', { cause });
  }
}

/** FanOutError is the rejection of a `errorMode: 'collect'` call in which some items failed. */
export class FanOutError<TOut = unknown> extends PatternError {
  override name = 'FanOutError';
  constructor(
    /** failures lists every failed item, by index, in input order. */
    readonly failures: readonly FanItemError[],
    /** results holds the outputs of the items that succeeded (holes where items failed). */
    readonly results: readonly (TOut | undefined)[],
  ) {
    super(`${failures.length} of ${results.length} items failed; first: ${failures[0]?.message ?? ''}`, 'ERR_FAN_OUT');
  }
}

/** FanTimeoutError is the failure of an item (or batch) whose processor took longer than the `timeout` option. */
export class FanTimeoutError extends PatternError {
  override name = 'FanTimeoutError';
  constructor(
    readonly index: number,
    readonly timeout: number,
  ) {
    super(`item ${index} timed out after ${timeout} ms`, 'ERR_FAN_TIMEOUT');
  }
}

/** FanInTimeoutError ends a merge in which no input delivered a value for `timeout` ms. */
export class FanInTimeoutError extends PatternError {
  override name = 'FanInTimeoutError';
  constructor(readonly timeout: number) {
    super(`fan-in: no input delivered a value for ${timeout} ms`, 'ERR_FAN_IN_TIMEOUT');
  }
}

/** isFanItemError reports whether `e` is a FanItemError (by code). */
export const isFanItemError = (e: unknown): e is FanItemError => hasCode(e, 'ERR_FAN_ITEM');
/** isFanOutError reports whether `e` is a FanOutError (by code). */
export const isFanOutError = (e: unknown): e is FanOutError => hasCode(e, 'ERR_FAN_OUT');
/** isFanTimeoutError reports whether `e` is a FanTimeoutError (by code). */
export const isFanTimeoutError = (e: unknown): e is FanTimeoutError => hasCode(e, 'ERR_FAN_TIMEOUT');
/** isFanInTimeoutError reports whether `e` is a FanInTimeoutError (by code). */
export const isFanInTimeoutError = (e: unknown): e is FanInTimeoutError => hasCode(e, 'ERR_FAN_IN_TIMEOUT');

/**
 * The fan patterns' expected failures. A failing item is not a panic: fail-fast calls reject with the item's own
 * error (as Promise.all and errgroup do), and the other modes report it wrapped in a FanItemError that carries the
 * item's index. Each class has a stable `code` and an `isX(e)` guard that checks it.
 */
import { PatternError, hasCode } from '../core/pattern-error.js';

/**
 * FanItemError reports one failed item with its index in the input (errorHandler, FanOutError.failures).
 *
 * @example
 * const fan = new FanOut<number, number>({
 *   errorMode: 'collect',
 *   errorHandler: (e) => { if (e instanceof FanItemError) console.log('item', e.index, 'failed:', (e.cause as Error).message); },
 * });
 * await fan.distribute([1, 0, 2], (n) => { if (n === 0) throw new Error('zero'); return 10 / n; }).catch(() => {});
 * // logs: item 1 failed: zero
 */
export class FanItemError extends PatternError {
  override name = 'FanItemError';
  constructor(
    readonly index: number,
    cause: unknown,
  ) {
    super(`item ${index} failed: ${cause instanceof Error ? cause.message : String(cause)}`, 'ERR_FAN_ITEM', { cause });
  }
}

/**
 * FanOutError is the rejection of a `errorMode: 'collect'` call in which some items failed.
 *
 * @example
 * const fan = new FanOut<number, number>({ errorMode: 'collect' });
 * try {
 *   await fan.distribute([1, 0, 2], (n) => { if (n === 0) throw new Error('zero'); return 10 / n; });
 * } catch (e) {
 *   if (e instanceof FanOutError) console.log(e.failures.map((f) => f.index), e.results); // [ 1 ] [ 10, <1 empty item>, 5 ]
 * }
 */
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

/**
 * FanTimeoutError is the failure of an item (or batch) whose processor took longer than the `timeout` option.
 *
 * @example
 * const fan = new FanOut<number, number>({ timeout: 50 });
 * await fan.distribute([7], () => new Promise<number>(() => {})).catch((e) => {
 *   if (e instanceof FanTimeoutError) console.log(e.message); // item 0 timed out after 50 ms
 * });
 */
export class FanTimeoutError extends PatternError {
  override name = 'FanTimeoutError';
  constructor(
    readonly index: number,
    readonly timeout: number,
  ) {
    super(`item ${index} timed out after ${timeout} ms`, 'ERR_FAN_TIMEOUT');
  }
}

/**
 * FanInTimeoutError ends a merge in which no input delivered a value for `timeout` ms.
 *
 * @example
 * const fanIn = new FanIn<number>({ timeout: 100 });
 * fanIn.addInput(chan<number>()); // never sends
 * for await (const v of fanIn.merge()) console.log(v); // the output closes after 100 ms without a value
 * if (fanIn.err() instanceof FanInTimeoutError) console.log('idle for 100 ms');
 */
export class FanInTimeoutError extends PatternError {
  override name = 'FanInTimeoutError';
  constructor(readonly timeout: number) {
    super(`fan-in: no input delivered a value for ${timeout} ms`, 'ERR_FAN_IN_TIMEOUT');
  }
}

/**
 * isFanItemError reports whether `e` is a FanItemError (by code).
 *
 * @example
 * const fan = new FanOut<string, number>({
 *   errorMode: 'collect',
 *   errorHandler: (e) => { if (isFanItemError(e)) console.log('item', e.index, 'failed'); },
 * });
 */
export const isFanItemError = (e: unknown): e is FanItemError => hasCode(e, 'ERR_FAN_ITEM');
/**
 * isFanOutError reports whether `e` is a FanOutError (by code).
 *
 * @example
 * const lengths = await fan.distribute(words, (w) => w.length).catch((e) => {
 *   if (isFanOutError(e)) return e.results.map((n) => n ?? 0); // errorMode 'collect': keep what succeeded
 *   throw e;
 * });
 */
export const isFanOutError = (e: unknown): e is FanOutError => hasCode(e, 'ERR_FAN_OUT');
/**
 * isFanTimeoutError reports whether `e` is a FanTimeoutError (by code).
 *
 * @example
 * await fan.distribute(urls, fetchPage).catch((e) => {
 *   if (isFanTimeoutError(e)) console.log(`item ${e.index} took over ${e.timeout} ms`);
 *   else throw e;
 * });
 */
export const isFanTimeoutError = (e: unknown): e is FanTimeoutError => hasCode(e, 'ERR_FAN_TIMEOUT');
/**
 * isFanInTimeoutError reports whether `e` is a FanInTimeoutError (by code).
 *
 * @example
 * for await (const v of fanIn.merge()) handle(v);
 * if (isFanInTimeoutError(fanIn.err())) console.log('every input went quiet');
 */
export const isFanInTimeoutError = (e: unknown): e is FanInTimeoutError => hasCode(e, 'ERR_FAN_IN_TIMEOUT');

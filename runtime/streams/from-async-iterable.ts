/**
 * fromAsyncIterable: any iterable (async or sync, a generator, a Readable, readline's line interface) pumped into a
 * channel by a goroutine. The channel, its error and the stop are described in source-chan.ts.
 */
import { InvalidArgumentError } from '../panics.js';
import { checkCount, describe } from '../validate.js';
import { type CancelOptions, checkOptions } from './cancel-options.js';
import { PumpChan, type SourceChan } from './source-chan.js';

/**
 * fromAsyncIterable starts a goroutine that pulls `source` and sends each value on a new channel of `capacity`
 * (default 0, unbuffered), awaiting each send: a full channel stops the pulling (backpressure), so at most
 * capacity + 1 values are pulled and not yet received. The channel is closed when the source ends or throws, or when
 * the consumer stops it. A sync iterable's promise values are awaited, as `for await` does. A Readable is read with
 * read() on demand (see fromReadable).
 *
 * Errors do not vanish: after the last value the channel is closed and `err()` returns what the source threw (Go's
 * bufio.Scanner.Err()); `for await` over the channel throws it; recv, recvOk and select see a closed channel.
 *
 * Stopping early: `stop()` (the consumer gives up: err() stays null), `options.ctx` done or `options.signal`
 * aborted (err() is the cause: `cause(ctx)` or `signal.reason`). Each calls the source iterator's return() at once
 * (a Readable is destroyed), even if a pull is pending; an async generator runs it once its pending step is over.
 * Breaking out of a `for await` over the channel does not stop the source (it is a channel: other receivers may go
 * on); put `src.stop()` in a finally, or pass a ctx.
 *
 * Throws InvalidArgumentError if `source` is not iterable, `capacity` is not a non-negative safe integer, or an
 * option is not what it should be.
 *
 * @example
 * async function* numbers() { for (let i = 1; ; i++) yield i; }
 * const src = fromAsyncIterable(numbers(), 8);
 * try {
 *   for await (const n of src) if (n === 3) break;
 * } finally {
 *   src.stop(); // numbers() is returned: its finally blocks run
 * }
 */
export function fromAsyncIterable<T>(
  source: AsyncIterable<T> | Iterable<T | PromiseLike<T>>,
  capacity = 0,
  options?: CancelOptions,
): SourceChan<T> {
  const s = source as Partial<AsyncIterable<T> & Iterable<T>> | null;
  if (
    s === null ||
    (typeof s !== 'object' && typeof s !== 'function') ||
    (typeof s[Symbol.asyncIterator] !== 'function' && typeof s[Symbol.iterator] !== 'function')
  ) {
    throw new InvalidArgumentError(
      `fromAsyncIterable: source must be an AsyncIterable or Iterable, got ${describe(source)}`,
    );
  }
  checkCount('fromAsyncIterable', 'capacity', capacity);
  return new PumpChan<T>(source, capacity, checkOptions('fromAsyncIterable', options));
}

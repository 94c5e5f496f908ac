/**
 * toAsyncIterable: a channel seen as an AsyncIterable, for APIs that take one (Readable.from, stream.pipeline,
 * a Pipeline source, any `for await`), with Go's nil channel and an optional cancel.
 *
 * Each [Symbol.asyncIterator]() call is a new receiver on the same channel (Go's `for v := range ch`): several
 * iterations at once share the values, each value going to one of them.
 */
import { blockForever } from '../chan/nil.js';
import type { RecvChan, RecvResult } from '../chan/types.js';
import { cause } from '../context/cancel-ctx.js';
import type { Context } from '../context/context.js';
import { InvalidArgumentError } from '../panics.js';
import { isSelectable } from '../chan/selectable.js';
import { recvCase, select } from '../select.js';
import { describe } from '../validate.js';
import { type CancelOptions, cancelContext, checkOptions } from './cancel-options.js';
import { PumpChan } from './source-chan.js';

const DONE: IteratorResult<never, undefined> = Object.freeze({ value: undefined, done: true });
const CANCELED: unique symbol = Symbol('canceled');

class ChanIterator<T> implements AsyncIterator<T, undefined> {
  readonly #ch: RecvChan<T> | null;
  readonly #options: CancelOptions;
  #cancel: [ctx: Context, release: () => void] | null | undefined = undefined;
  #over = false;

  constructor(ch: RecvChan<T> | null, options: CancelOptions) {
    this.#ch = ch;
    this.#options = options;
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    if (this.#over) return DONE;
    // The cancel is attached at the first next(), so an iterable that is never iterated holds no listener.
    if (this.#cancel === undefined) this.#cancel = cancelContext(this.#options);
    let r: RecvResult<T>;
    try {
      r = await this.#recv(this.#cancel?.[0]);
    } catch (e) {
      this.#end();
      throw e;
    }
    if (r.ok) return { value: r.value as T, done: false };
    this.#end();
    if (this.#ch instanceof PumpChan && this.#ch.err() !== null) throw this.#ch.err();
    return DONE;
  }

  /** return is `break`: this iteration ends; the channel is left as it is (not closed, its values not drained). */
  return(): Promise<IteratorResult<T, undefined>> {
    this.#end();
    return Promise.resolve(DONE);
  }

  /** recv receives one value, or throws the cause if `ctx` is done first (or already). */
  async #recv(ctx: Context | undefined): Promise<RecvResult<T>> {
    const ch = this.#ch;
    if (ctx === undefined) return ch === null ? blockForever('chan receive (nil chan)') : ch.recvOk();
    // A cancel that came first wins, even over a ready value: a canceled iteration stops at once.
    if (ctx.err() !== null) throw cause(ctx);
    const r = ch?.tryRecv() ??
      (await select([
        recvCase(ch, (value, ok): RecvResult<T> | typeof CANCELED =>
          ok ? { value: value as T, ok: true } : { value: undefined, ok: false },
        ),
        recvCase(ctx.done(), (): RecvResult<T> | typeof CANCELED => CANCELED),
      ]));
    if (r === CANCELED) throw cause(ctx);
    return r;
  }

  #end(): void {
    this.#over = true;
    this.#cancel?.[1]();
  }
}

/**
 * toAsyncIterable returns an AsyncIterable over `ch`: each iteration receives values until `ch` is closed and
 * drained, then ends. It is what `for await (const v of ch)` does, plus:
 * - `break` (or return/throw out of the loop) ends that iteration only: like leaving Go's `for range ch`, it does not
 *   close `ch`, does not drain it, and does not tell its senders, who stay parked if the channel is full. To stop a
 *   producer, cancel its context, or call `stop()` on a channel made by fromAsyncIterable or fromReadable.
 * - `null` (Go's nil channel) never yields: an iteration over it blocks forever, unless canceled.
 * - With `options.ctx` or `options.signal`, an iteration that is canceled (before or while it waits) throws the
 *   cause (`cause(ctx)`, or `signal.reason`), even if values are ready.
 * - Over a channel made by fromAsyncIterable or fromReadable, the iteration throws that channel's `err()` after the
 *   last value.
 *
 * Throws InvalidArgumentError if `ch` is neither a gocsp channel nor null, or an option is not what it should be.
 *
 * @example
 * const out = chan<string>(16);
 * go(produce, out); // sends lines, then closes out
 * await pipeline(Readable.from(toAsyncIterable(out)), createWriteStream('out.txt'));
 */
export function toAsyncIterable<T>(ch: RecvChan<T> | null, options?: CancelOptions): AsyncIterable<T> {
  if (ch !== null && !isSelectable(ch)) {
    throw new InvalidArgumentError(`toAsyncIterable: ch must be a channel or null, got ${describe(ch)}`);
  }
  const opts = checkOptions('toAsyncIterable', options);
  return { [Symbol.asyncIterator]: () => new ChanIterator<T>(ch, opts) };
}

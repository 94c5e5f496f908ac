/**
 * SourceChan: the receiving end of a channel that a pump goroutine fills from a source (an async or sync iterable,
 * a Node Readable), and closes when the source ends, fails, or the consumer stops it. It is what fromAsyncIterable
 * and fromReadable return.
 *
 *   source ──pump goroutine: pull one, await send──▶ channel (capacity) ──▶ receivers (recv, select, for await)
 *
 * How an error surfaces (Go's bufio.Scanner.Err() for the Go side, the throwing `for await` for the Node side):
 * - The channel is closed after the last value the source gave; buffered values are still received first.
 * - `err()` then says why: null for a clean end or a stop(), the source's error, or the cancel's cause.
 * - recv, recvOk, tryRecv and select keep Go's closed-channel semantics (zero value, ok false) and never throw.
 * - `for await (const v of src)` throws err() after the last value, as a loop over a failed Readable does.
 *
 * Invariants:
 * - The pump is the only sender and the only closer. It holds at most one value it has pulled and not yet sent, so
 *   items pulled and not received never exceed capacity + 1; it pulls the next one only once that send completed.
 * - `#over` is set once, by the first of: the source's end, its failure, stop(), the cancel. `#err`/`#failed` are set
 *   with it and the channel is closed in the same synchronous step, so a receiver that sees the close sees err().
 * - The source's return() (a Readable's destroy()) is called exactly once if the source did not end or fail by
 *   itself, at once when the consumer stops, even if a pull is pending. A pending pull no longer holds the pump.
 */
import { afterFunc } from '../context/context-after-func.js';
import { cause } from '../context/cancel-ctx.js';
import { LocalChan } from '../chan/local-chan.js';
import type { RecvChan } from '../chan/types.js';
import { go } from '../go.js';
import { isThenable } from '../thenable.js';
import { type CancelOptions, cancelContext } from './cancel-options.js';
import { isReadable, ReadableIterator } from './readable-iterator.js';

/**
 * SourceChan is a RecvChan filled by a pump goroutine from a source (see fromAsyncIterable and fromReadable), with
 * Go's bufio.Scanner.Err() beside it and a way for the consumer to stop the source. Receiving, select and several
 * receivers work as on any channel; `for await` over it also throws err() after the last value.
 *
 * @example
 * const lines = fromAsyncIterable(createInterface({ input }), 16);
 * try {
 *   for (let r = await lines.recvOk(); r.ok; r = await lines.recvOk()) handle(r.value!);
 *   if (lines.err() !== null) throw lines.err(); // Go: if err := scanner.Err(); err != nil
 * } finally {
 *   lines.stop(); // a no-op after the end; releases the source if handle() threw
 * }
 */
export interface SourceChan<out T> extends RecvChan<T> {
  /**
   * err is null while the source runs and after a clean end or a stop(); once the channel is closed by a failure it
   * is the error the source threw (or the stream emitted), or the cause of the cancel (`cause(ctx)`: ctx.err() unless
   * a cause was given; `signal.reason` for an AbortSignal). Check it after the channel is drained, as Go's
   * Scanner.Err() after Scan returns false.
   */
  err(): unknown;
  /**
   * stop is the consumer giving up: the source's return() is called (a Readable is destroyed) unless it already
   * ended, and the channel is closed with err() null. Values already buffered can still be received. Calls after
   * the first, or after the end, do nothing.
   */
  stop(): void;
}

type Pull = Iterator<unknown> | AsyncIterator<unknown>;

/** Source is what a pump reads: an iterable, or a Readable (read through ReadableIterator). */
export type Source = AsyncIterable<unknown> | Iterable<unknown>;

/**
 * PumpChan is the SourceChan implementation: a LocalChan whose only sender and closer is its pump goroutine, started
 * by the constructor (unless the cancel is already done). Internal: made by fromAsyncIterable and fromReadable.
 */
export class PumpChan<T> extends LocalChan<T> implements SourceChan<T> {
  readonly #source: Source;
  /** #it is the source's iterator, opened by the pump (or by a stop that comes first, to release it). */
  #it: Pull | null = null;
  #isSync = false;
  #over = false;
  #failed = false;
  #err: unknown = null;
  /** #wake ends a pending pull early: the pump then returns without waiting for the source. */
  #wake: (() => void) | null = null;
  #release: (() => void) | null = null;
  #stopWatch: (() => boolean) | null = null;

  constructor(source: Source, capacity: number, options: CancelOptions) {
    super(capacity);
    this.#source = source;
    // A Readable is watched from now on, so that an 'error' it emits before the pump starts is kept.
    if (isReadable(source)) this.#it = new ReadableIterator(source);
    const cancel = cancelContext(options);
    if (cancel !== null) {
      const [ctx, release] = cancel;
      this.#release = release;
      if (ctx.err() !== null) this.#halt(cause(ctx));
      else this.#stopWatch = afterFunc(ctx, () => this.#halt(cause(ctx)));
    }
    if (!this.#over) go(() => this.#pump());
  }

  err(): unknown {
    return this.#err;
  }

  stop(): void {
    if (this.#over) return;
    this.#finish(null, false);
    this.#returnSource();
  }

  /** close is stop(): a consumer that closes the channel (a cast RecvChan) stops the source instead. */
  override close(): void {
    this.stop();
  }

  override [Symbol.asyncIterator](): AsyncIterator<T> {
    const inner = super[Symbol.asyncIterator]();
    return { next: () => inner.next().then(this.#checkEnd) };
  }

  readonly #checkEnd = (r: IteratorResult<T>): IteratorResult<T> => {
    if (r.done === true && this.#failed) throw this.#err;
    return r;
  };

  /** pump is the goroutine: pull one value, send it (parking while the channel is full), until the source is over. */
  async #pump(): Promise<void> {
    try {
      const it = this.#open();
      while (!this.#over) {
        const r = await this.#pull(it);
        if (r === null || this.#over) return;
        if (r.done === true) {
          this.#finish(null, false);
          return;
        }
        if (!this.trySend(r.value as T)) await this.send(r.value as T);
      }
    } catch (e) {
      // A send woken by stop() or the cancel rejects with the close: not a failure of the source.
      if (this.#over) return;
      this.#finish(e ?? new Error(`source threw ${String(e)}`), true);
    }
  }

  #open(): Pull {
    if (this.#it !== null) return this.#it;
    const s = this.#source as Partial<AsyncIterable<unknown>>;
    if (typeof s[Symbol.asyncIterator] === 'function') {
      this.#it = (s as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    } else {
      this.#it = (s as Iterable<unknown>)[Symbol.iterator]();
      this.#isSync = true;
    }
    return this.#it;
  }

  /**
   * pull is one next() that stop and the cancel can interrupt: it resolves with the result, or null once they have.
   * A sync source's value that is a promise is awaited, as `for await` does; if it rejects, the iterator is closed
   * (its return() called) and the rejection is the source's failure.
   */
  #pull(it: Pull): Promise<IteratorResult<unknown> | null> {
    return new Promise((resolve, reject) => {
      this.#wake = () => resolve(null);
      const settle = (r: IteratorResult<unknown>): void => {
        this.#wake = null;
        resolve(r);
      };
      const fail = (e: unknown): void => {
        this.#wake = null;
        reject(e);
      };
      const r = it.next();
      if (!this.#isSync) {
        Promise.resolve(r).then(settle, fail);
        return;
      }
      const sr = r as IteratorResult<unknown>;
      if (sr.done === true || !isThenable(sr.value)) return settle(sr);
      sr.value.then(
        (value) => settle({ value, done: false }),
        (e: unknown) => {
          this.#callReturn(it);
          fail(e);
        },
      );
    });
  }

  /** halt is the cancel: the source is released and the channel closed with the cause as err(). */
  #halt(reason: unknown): void {
    if (this.#over) return;
    this.#finish(reason ?? new Error(`canceled with ${String(reason)}`), true);
    this.#returnSource();
  }

  /** finish ends the pump's life: records why, detaches the cancel, closes the channel, ends a pending pull. */
  #finish(err: unknown, failed: boolean): void {
    this.#over = true;
    this.#err = err;
    this.#failed = failed;
    this.#stopWatch?.();
    this.#release?.();
    super.close();
    this.#wake?.();
  }

  /** returnSource calls the source's return() (destroys a Readable), opening a source the pump has not opened yet. */
  #returnSource(): void {
    let it: Pull;
    try {
      it = this.#open();
    } catch {
      return;
    }
    this.#callReturn(it);
  }

  /** callReturn calls return() on `it` if it has one; what it throws or rejects with is ignored. */
  #callReturn(it: Pull): void {
    const ret = (it as { return?: unknown }).return;
    if (typeof ret !== 'function') return;
    try {
      const r: unknown = (ret as (this: Pull) => unknown).call(it);
      if (isThenable(r)) r.then(undefined, () => undefined);
    } catch {
      // A source that fails to clean up is past caring about: the consumer has stopped.
    }
  }
}

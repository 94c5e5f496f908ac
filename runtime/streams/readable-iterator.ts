/**
 * readableIterator: a Node Readable read as an AsyncIterator, one read() per next(), whose return() destroys the
 * stream at once.
 *
 * Node's own `readable[Symbol.asyncIterator]()` is an async generator, so its return() waits behind a pending next():
 * a consumer that stops while the stream has nothing to give (a quiet socket, a stalled source) would leave it open.
 * Here return() destroys the stream whatever is pending, and a pending next() resolves done.
 *
 * Backpressure: the stream is read only when next() is called. While nobody asks, its buffer fills up to its
 * highWaterMark and Node stops calling `_read`: nothing is buffered beyond that.
 *
 * Invariants:
 * - The iterator listens to 'readable' (which puts the stream in paused mode) and to the stream's end through
 *   stream.finished, from construction: an 'error' emitted before the first next() is kept, not thrown as an
 *   unhandled 'error' event.
 * - `#state` goes OPEN -> ENDED (clean end), FAILED (error, reported by one next(), then ENDED) or RETURNED, once.
 * - After an end or an error every listener is removed; after return() the finished listener stays, so that an error
 *   raised while the stream is being destroyed is not an unhandled 'error' event.
 */
import { finished, type Readable } from 'node:stream';

const OPEN = 0;
const ENDED = 1;
const FAILED = 2;
const RETURNED = 3;

const DONE: IteratorResult<never, undefined> = Object.freeze({ value: undefined, done: true });

/**
 * ReadableIterator reads a Readable one read() per next(), and destroys it at once on return() (see the file
 * comment). Internal: used by the pump of fromReadable and fromAsyncIterable, and by a Pipeline's feeder.
 */
export class ReadableIterator<T> implements AsyncIterator<T, undefined> {
  readonly #r: Readable;
  #state: typeof OPEN | typeof ENDED | typeof FAILED | typeof RETURNED = OPEN;
  #error: unknown = undefined;
  /** #wake resolves the wait of a pending next() (set only while one waits). */
  #wake: (() => void) | null = null;
  readonly #cleanup: () => void;

  constructor(r: Readable) {
    this.#r = r;
    r.on('readable', this.#onReadable);
    this.#cleanup = finished(r, { writable: false }, (err) => {
      if (this.#state !== OPEN) return;
      if (err) {
        this.#state = FAILED;
        this.#error = err;
      } else {
        this.#state = ENDED;
      }
      this.#detach();
      this.#onReadable();
    });
  }

  /**
   * next resolves with the next chunk (one object in object mode; in byte mode every byte buffered so far, as a
   * Buffer, or a string after setEncoding), waiting for the stream to have one; done at the end. It rejects once with
   * the stream's error, or ERR_STREAM_PREMATURE_CLOSE if the stream is destroyed before its end.
   */
  async next(): Promise<IteratorResult<T, undefined>> {
    const r = this.#r;
    for (;;) {
      // A chunk already buffered is delivered even after the end was reported, as read() would.
      if (this.#state === OPEN || this.#state === ENDED) {
        const chunk: unknown = r.destroyed ? null : r.read();
        if (chunk !== null) return { value: chunk as T, done: false };
      }
      if (this.#state === FAILED) {
        this.#state = ENDED;
        throw this.#error;
      }
      if (this.#state !== OPEN) return DONE;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** return destroys the stream (unless it already ended or failed) and ends a pending next(). */
  return(): Promise<IteratorResult<T, undefined>> {
    if (this.#state === OPEN) {
      this.#state = RETURNED;
      this.#r.off('readable', this.#onReadable);
      this.#r.destroy();
      this.#onReadable();
    }
    return Promise.resolve(DONE);
  }

  #detach(): void {
    this.#r.off('readable', this.#onReadable);
    this.#cleanup();
  }

  readonly #onReadable = (): void => {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  };
}

/**
 * isReadable reports whether `v` is a Node Readable (or a Duplex, or a stream that looks like one: read, on, pipe and
 * destroy methods, as userland readable-stream instances have).
 */
export function isReadable(v: unknown): v is Readable {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.read === 'function' && typeof s.on === 'function' && typeof s.pipe === 'function' &&
    typeof s.destroy === 'function';
}

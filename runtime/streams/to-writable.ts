/**
 * toWritable: a channel drained into a Node Writable with the stream's backpressure, Go's `for v := range ch { w.Write(v) }`
 * in stream terms.
 *
 *   channel ──receive──▶ write(v) ── false? await 'drain' ──▶ ... closed ──▶ end(), await 'finish'
 *
 * Invariants:
 * - At most one receive is outstanding, and none while write() has returned false and 'drain' has not come: a slow
 *   Writable holds its senders back through the channel (they park once it is full), and the Writable's buffer never
 *   grows past its highWaterMark by more than one value.
 * - Every way to fail (the Writable's 'error', a write callback's error, a write() that throws, a premature close, the
 *   source channel's err(), the caller's ctx or signal) cancels one run context with the error as its cause; the first
 *   one wins and is what the promise rejects with. Every wait (receive, drain, finish, flush) is woken by that cancel.
 * - The Writable is ended only after the channel is closed and drained without a failure, and only with
 *   `end: true` (the default). On a failure with `end: true` it is destroyed with the error, as stream.pipeline does;
 *   with `end: false` it is left as it is, and every listener toWritable added is removed.
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream';
import { isSelectable } from '../chan/selectable.js';
import type { RecvChan, RecvResult } from '../chan/types.js';
import { afterFunc } from '../context/context-after-func.js';
import { background } from '../context/background.js';
import { cause, withCancelCause } from '../context/cancel-ctx.js';
import type { CancelCauseFunc, Context } from '../context/context.js';
import { InvalidArgumentError } from '../panics.js';
import { recvCase, select } from '../select.js';
import { describe } from '../validate.js';
import { type CancelOptions, cancelContext, checkOptions } from './cancel-options.js';
import { PumpChan } from './source-chan.js';

/**
 * ToWritableOptions configure toWritable: `end` (default true) and the CancelOptions `ctx` and `signal`.
 *
 * @example
 * await toWritable(logLines, process.stdout, { end: false, ctx });
 */
export interface ToWritableOptions extends CancelOptions {
  /**
   * end ends the Writable once the channel is closed and every value is written (default true). With false the
   * Writable is left open (process.stdout, a socket you write more to), and toWritable resolves once every write's
   * callback has run.
   */
  readonly end?: boolean | undefined;
}

const CANCELED: unique symbol = Symbol('canceled');

class Sink<T> {
  readonly #ch: RecvChan<T> | null;
  readonly #w: Writable;
  readonly #end: boolean;
  readonly #ctx: Context;
  readonly #fail: CancelCauseFunc;
  /** #pending counts the writes whose callback has not run yet. */
  #pending = 0;
  #needDrain = false;
  #finished = false;
  /** #wake ends the current wait (drain, finish, flush); each wait re-checks its condition. */
  #wake: (() => void) | null = null;

  constructor(ch: RecvChan<T> | null, w: Writable, end: boolean, parent: Context) {
    this.#ch = ch;
    this.#w = w;
    this.#end = end;
    [this.#ctx, this.#fail] = withCancelCause(parent);
  }

  async run(release: () => void): Promise<void> {
    const w = this.#w;
    const ctx = this.#ctx;
    w.on('drain', this.#onDrain);
    const stopEos = finished(w, { readable: false }, (err) => {
      if (err) this.#fail(err);
      else this.#finished = true;
      this.#wakeUp();
    });
    const stopWatch = afterFunc(ctx, this.#wakeUp);
    let ok = false;
    try {
      while (ctx.err() === null) {
        const r = this.#ch?.tryRecv() ?? (await this.#recv());
        if (r === CANCELED || ctx.err() !== null) break;
        if (!r.ok) {
          const ch = this.#ch;
          if (ch instanceof PumpChan && ch.err() !== null) this.#fail(ch.err());
          break;
        }
        this.#write(r.value as T);
        if (this.#needDrain) await this.#until(() => !this.#needDrain);
      }
      if (ctx.err() === null) {
        if (this.#end) {
          w.end();
          await this.#until(() => this.#finished);
        } else {
          await this.#until(() => this.#pending === 0);
        }
      }
      ok = ctx.err() === null;
    } finally {
      stopWatch();
      release();
      w.off('drain', this.#onDrain);
      const failure = ok ? undefined : cause(ctx);
      this.#fail(null); // release the run context
      if (ok || !this.#end) {
        stopEos();
      } else if (!w.destroyed) {
        // The finished listener stays: it takes the 'error' that destroy emits.
        w.destroy(failure instanceof Error ? failure : new Error(String(failure)));
      }
      if (!ok) throw failure;
    }
  }

  /** recv parks on the channel and on the run context; CANCELED if the context is done first. */
  #recv(): Promise<RecvResult<T> | typeof CANCELED> {
    return select([
      recvCase(this.#ch, (value, ok): RecvResult<T> | typeof CANCELED =>
        ok ? { value: value as T, ok: true } : { value: undefined, ok: false },
      ),
      recvCase(this.#ctx.done(), (): RecvResult<T> | typeof CANCELED => CANCELED),
    ]);
  }

  #write(v: T): void {
    this.#pending++;
    let more: boolean;
    try {
      more = this.#w.write(v, this.#onWritten);
    } catch (e) {
      this.#pending--; // a write() that throws (a value of the wrong type) never calls its callback
      this.#fail(e);
      return;
    }
    if (!more) this.#needDrain = true;
  }

  /** until waits for `cond`, or for the run context to be done. */
  async #until(cond: () => boolean): Promise<void> {
    while (!cond() && this.#ctx.err() === null) await new Promise<void>((resolve) => (this.#wake = resolve));
  }

  readonly #onWritten = (err?: Error | null): void => {
    this.#pending--;
    if (err) this.#fail(err);
    this.#wakeUp();
  };

  readonly #onDrain = (): void => {
    this.#needDrain = false;
    this.#wakeUp();
  };

  readonly #wakeUp = (): void => {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  };
}

/**
 * toWritable receives every value of `ch` and writes it to `writable`, awaiting 'drain' whenever write() returns
 * false (the senders on `ch` park meanwhile once it is full: backpressure end to end). When `ch` is closed and
 * drained it ends the Writable (unless `end: false`) and resolves once it has finished ('finish'), or, with
 * `end: false`, once every write's callback has run.
 *
 * It rejects with the first failure: the Writable's 'error' (or ERR_STREAM_PREMATURE_CLOSE if it is destroyed
 * before finishing), an error passed to a write callback, a throw from write() (a value the stream does not take),
 * the `err()` of a channel made by fromAsyncIterable or fromReadable, or the cancel's cause (`options.ctx`,
 * `options.signal`). It then stops receiving; with `end: true` it destroys the Writable with that error (as
 * stream.pipeline does), with `end: false` it leaves it as it is. It does not stop the channel's senders: cancel their
 * context too (an errgroup's context does both).
 *
 * A nil channel (`null`) is never ready: toWritable waits until it is canceled or the Writable fails.
 *
 * Throws InvalidArgumentError if `ch` is neither a gocsp channel nor null, `writable` is not a Writable, or an option
 * is not what it should be.
 *
 * @example
 * const [g, ctx] = withContext(background());
 * const lines = chan<string>(64);
 * void g.go(() => produce(ctx, lines)); // sends, then closes lines
 * void g.go(() => toWritable(lines, createWriteStream('out.txt'), { ctx }));
 * await g.wait();
 */
export function toWritable<T>(ch: RecvChan<T> | null, writable: Writable, options?: ToWritableOptions): Promise<void> {
  // A call that returns a promise never throws: bad arguments are its rejection.
  let sink: Sink<T>;
  let release: () => void;
  try {
    if (ch !== null && !isSelectable(ch)) {
      throw new InvalidArgumentError(`toWritable: ch must be a channel or null, got ${describe(ch)}`);
    }
    if (!isWritable(writable)) {
      throw new InvalidArgumentError(`toWritable: writable must be a stream.Writable, got ${describe(writable)}`);
    }
    const opts = checkOptions('toWritable', options);
    const end = (opts as ToWritableOptions).end ?? true;
    if (typeof end !== 'boolean') {
      throw new InvalidArgumentError(`toWritable: end must be a boolean, got ${describe(end)}`);
    }
    const cancel = cancelContext(opts);
    const [parent, rel] = cancel ?? [background(), noop];
    release = rel;
    sink = new Sink<T>(ch, writable, end, parent);
  } catch (e) {
    return Promise.reject(e);
  }
  return sink.run(release);
}

/** isWritable reports whether `v` looks like a Node Writable (write, end, on and destroy methods). */
function isWritable(v: unknown): v is Writable {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.write === 'function' && typeof s.end === 'function' && typeof s.on === 'function' &&
    typeof s.destroy === 'function';
}

function noop(): void {}

/**
 * OrderedRun is the engine of a pattern that streams a source through goroutines and hands the outputs back in
 * source order: a feeder, a window of tokens, the goroutines in between (the pattern's own: a pipeline's stages, the
 * fan pattern's workers), and the consumer's reorder buffer.
 *
 *   source ──feeder──▶ first ──the pattern's goroutines──▶ out ──reorder──▶ consumer (next, collect)
 *                 ▲                                                             │
 *                 └──────── window: a token channel, one token per item in flight ◀┘
 *
 * Invariants:
 * - Every item travels in an envelope { seq, value, live } numbered by the feeder (feeder.ts). An item the pattern
 *   dropped or failed keeps travelling with live = false, so that the consumer can account for its number.
 * - The feeder takes a window token before it pulls an item from the source, and the consumer gives it back when it
 *   delivers or discards that item: items pulled minus items delivered never exceeds `window`, whatever the speeds.
 *   The reorder buffer holds only items that own a token, so it is bounded by the same window.
 * - The feeder closes `first`; the pattern closes `out` once its goroutines reading `first` are done. So the end of
 *   the source, or a cancel, ripples down and the consumer sees `out` closed once every goroutine of the run has
 *   returned or is about to.
 * - A cancel (consumer break, AbortSignal, Context, a failure, the pattern's stop) reaches every goroutine without a
 *   select on the hot path: each goroutine checks the context after each receive and returns; a drainer goroutine
 *   per channel made by the run (started when the run's context is done) receives and discards until the channel
 *   closes, so no sender stays parked on a full channel; and the closes ripple down from the feeder, so no receiver
 *   stays parked on an empty one.
 *
 * @example
 * const run = new OrderedRun<number>(source, { ordered: true, cancel: undefined, window: 8, firstCap: 0 }, (r, first) => {
 *   const out = r.chan<Envelope>(0);
 *   r.spawn(async () => { for await (const env of first) await out.send(double(env)); out.close(); });
 *   return out;
 * });
 * for await (const v of run) console.log(v);
 */
import {
  chan,
  type Chan,
  type RecvChan,
  type RecvResult,
  afterFunc,
  cause,
  withCancelCause,
  type CancelCauseFunc,
  type Context,
  go,
  WaitGroup,
} from '../../runtime/index.js';
import { type Cancel, toContext } from './cancel.js';
import { type Envelope, Feeder, type FeedSource } from './feeder.js';

/** OrderedRunOptions say how a run treats order, how far it reads ahead, and whom it tells what. */
export interface OrderedRunOptions {
  readonly ordered: boolean;
  readonly cancel: Cancel;
  /** window is the most items in flight between the feeder and the consumer (at least 1). */
  readonly window: number;
  /** firstCap is the capacity of the channel the feeder sends on. */
  readonly firstCap: number;
  /** onPull is told of each item pulled from the source. */
  readonly onPull?: (() => void) | undefined;
  /** onDeliver is told of each item delivered. */
  readonly onDeliver?: (() => void) | undefined;
  /** onEnd is called once when the run is over (its goroutines all returned). */
  readonly onEnd?: ((run: OrderedRun<unknown>) => void) | undefined;
}

/**
 * Build starts the pattern's goroutines between the feeder's channel `first` and the channel it returns, with
 * run.spawn, over channels made with run.chan; it closes the returned channel once they are done.
 */
export type Build = (run: OrderedRun<unknown>, first: RecvChan<Envelope>) => RecvChan<Envelope>;

/** CONSUMER_DONE is the cause of a run whose consumer stopped iterating: not an error. */
const CONSUMER_DONE = Object.freeze(new Error('ordered run: consumer stopped'));

/**
 * OrderedRun is one pass over a source: an AsyncIterator of outputs. next blocks until the next output (in source
 * order when ordered) and rejects with the run's failure; return (a `break` out of `for await`) cancels the run and
 * resolves once every goroutine of the run has returned and the source's return() has been called.
 */
export class OrderedRun<O> implements AsyncIterableIterator<O> {
  readonly ctx: Context;
  readonly window: number;
  readonly #cancel: CancelCauseFunc;
  readonly #release: () => void;
  readonly #wg = new WaitGroup();
  readonly #tokens: Chan<void>;
  readonly #out: RecvChan<Envelope>;
  readonly #opts: OrderedRunOptions;
  readonly #chans: Chan<unknown>[] = [];
  readonly #stopDrain: () => boolean;
  readonly #pending = new Map<number, Envelope>();
  #next = 0;
  #live = 0;
  readonly #feeder: Feeder;
  #failure: unknown = undefined;
  #over = false;

  /** OrderedRun starts a run of `source` through the goroutines that `build` starts. */
  constructor(source: FeedSource, opts: OrderedRunOptions, build: Build) {
    this.#opts = opts;
    const [parent, release] = toContext(opts.cancel);
    [this.ctx, this.#cancel] = withCancelCause(parent);
    this.#release = release;
    this.window = Math.max(1, opts.window);
    this.#tokens = chan<void>(this.window);
    const first = this.chan<Envelope>(opts.firstCap);
    this.#out = build(this as OrderedRun<unknown>, first);
    this.#feeder = new Feeder(source, { ctx: this.ctx, tokens: this.#tokens, c0: first, onPull: opts.onPull, fail: (e) => this.fail(e) });
    this.spawn(() => this.#feeder.run());
    this.#stopDrain = afterFunc(this.ctx, () => this.#drainAll());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** live is the number of the run's goroutines that have not returned. */
  get live(): number {
    return this.#live;
  }

  /** inFlight is the number of items pulled from the source and not yet delivered or discarded (<= window). */
  get inFlight(): number {
    return this.#tokens.len();
  }

  /** chan makes a channel of the run: drained on cancel, so that no sender of the run stays parked on it. */
  chan<T>(cap: number): Chan<T> {
    const c = chan<T>(cap);
    this.#chans.push(c as Chan<unknown>);
    return c;
  }

  /** spawn starts `fn` as a goroutine of the run: the run is over only once it has returned. */
  spawn(fn: () => Promise<void>): void {
    this.#wg.add(1);
    this.#live++;
    go(async () => {
      try {
        await fn();
      } finally {
        this.#live--;
        this.#wg.done();
      }
    });
  }

  /** fail ends the run with `e` (the first failure wins): next rejects with it once the goroutines are gone. */
  fail(e: unknown): void {
    if (this.ctx.err() !== null) return;
    this.#failure = e;
    this.#cancel(e);
  }

  async next(): Promise<IteratorResult<O, undefined>> {
    const ordered = this.#opts.ordered;
    for (;;) {
      if (ordered && this.#pending.size > 0) {
        const env = this.#pending.get(this.#next);
        if (env !== undefined) {
          this.#pending.delete(this.#next);
          const r = this.#take(env);
          if (r !== null) return r;
          continue;
        }
      }
      const r: RecvResult<Envelope> = this.#out.tryRecv() ?? (await this.#out.recvOk());
      if (!r.ok) return this.#finish();
      if (this.ctx.err() !== null) continue; // canceled: drain to the close, deliver nothing more
      const env = r.value!;
      if (!ordered || env.seq === this.#next) {
        const out = this.#take(env);
        if (out !== null) return out;
      } else {
        this.#pending.set(env.seq, env);
      }
    }
  }

  /** return cancels the run (a consumer's break) and resolves once every goroutine has returned. */
  async return(): Promise<IteratorResult<O, undefined>> {
    if (!this.#over) {
      this.#cancel(CONSUMER_DONE);
      await this.#finish().catch(() => undefined);
    }
    return { done: true, value: undefined };
  }

  /** collect drains the run into an array: next's loop without an IteratorResult per item. */
  async collect(): Promise<O[]> {
    const all: O[] = [];
    const ordered = this.#opts.ordered;
    const pending = this.#pending;
    for (;;) {
      const r: RecvResult<Envelope> = this.#out.tryRecv() ?? (await this.#out.recvOk());
      if (!r.ok) {
        await this.#finish();
        return all;
      }
      if (this.ctx.err() !== null) continue;
      const env = r.value!;
      if (ordered && env.seq !== this.#next) {
        pending.set(env.seq, env);
        continue;
      }
      this.#collect(env, all);
      for (let e = pending.size > 0 ? pending.get(this.#next) : undefined; e !== undefined; e = pending.get(this.#next)) {
        pending.delete(e.seq);
        this.#collect(e, all);
      }
    }
  }

  #collect(env: Envelope, all: O[]): void {
    this.#next = env.seq + 1;
    this.#tokens.tryRecv();
    if (env.live) {
      this.#opts.onDeliver?.();
      all.push(env.value as O);
    }
  }

  #take(env: Envelope): IteratorResult<O, undefined> | null {
    this.#next = env.seq + 1;
    this.#tokens.tryRecv();
    if (!env.live) return null;
    this.#opts.onDeliver?.();
    return { done: false, value: env.value as O };
  }

  async #finish(): Promise<IteratorResult<O, undefined>> {
    await this.#wg.wait();
    const err = this.ctx.err() === null ? undefined : cause(this.ctx);
    if (!this.#over) {
      this.#over = true;
      this.#stopDrain(); // the run is over: no drainer may start after wait returned
      this.#pending.clear();
      this.#cancel(CONSUMER_DONE);
      this.#release();
      this.#opts.onEnd?.(this as OrderedRun<unknown>);
    }
    if (this.#failure !== undefined) throw this.#failure;
    if (err !== undefined && err !== CONSUMER_DONE) throw err;
    return { done: true, value: undefined };
  }

  /** drainAll starts a drainer per channel of the run: it discards values until the channel closes. */
  #drainAll(): void {
    // With no goroutine left every channel is closed already, and adding to a WaitGroup whose waiters were just
    // released would be Go's "WaitGroup is reused before previous Wait has returned".
    if (this.#over || this.#live === 0) return;
    this.#feeder.interrupt();
    const drain = async (c: RecvChan<unknown>): Promise<void> => {
      while ((c.tryRecv() ?? (await c.recvOk())).ok);
    };
    for (const c of this.#chans) this.spawn(() => drain(c));
    this.spawn(() => drain(this.#tokens));
  }
}

/**
 * run: one pass of a source through a list of stages, as goroutines and channels.
 *
 *   source ──feeder──▶ c0 ──stage 0 (concurrency goroutines)──▶ c1 ──stage 1──▶ ... ──▶ cN ──▶ consumer (next)
 *                 ▲                                                                           │
 *                 └──────────── window: a token channel, one token per item in flight ◀───────┘
 *
 * Invariants:
 * - Every item travels in an envelope { seq, value, live } numbered by the feeder. A filtered or failed item keeps
 *   travelling with live = false, so that the consumer can account for its number; later stages pass it on untouched.
 * - The feeder takes a window token before it pulls an item from the source, and the consumer gives it back when it
 *   delivers or discards that item: items pulled minus items delivered never exceeds `window`, the sum over stages of
 *   bufferSize + concurrency, whatever the speeds. The reorder buffer holds only items that own a token, so it is
 *   bounded by the same window.
 * - Stage i's output channel is closed by the last of its goroutines to return; the feeder closes c0. So the end of
 *   the source, or a cancel, ripples down the chain and the consumer sees cN closed once every goroutine of the run
 *   has returned or is about to.
 * - A cancel (consumer break, AbortSignal, Context, fail-fast, pipeline stop) reaches every goroutine without a select
 *   on the hot path: each goroutine checks the context after each receive and returns; a drainer goroutine per channel
 *   (started by afterFunc when the run's context is done) receives and discards until the channel closes, so no
 *   sender stays parked on a full channel; and the closes ripple down from the feeder, so no receiver stays parked
 *   on an empty one. Sends and receives are plain channel operations (try* first), which is what keeps a stage hop
 *   cheap.
 */
import {
  type Chan,
  type RecvChan,
  type RecvResult,
  chan,
  afterFunc,
  cause,
  withCancelCause,
  type CancelCauseFunc,
  type Context,
  go,
  WaitGroup,
} from '../../runtime/index.js';
import { type Cancel, toContext } from '../core/cancel.js';
import { type DeadLetter, PipelineStageError } from './pipeline-errors.js';
import { type Envelope, Feeder } from './feeder.js';
import { DROP } from './processor.js';


/** RunOptions say how a run treats order and failures. */
export interface RunOptions {
  readonly ordered: boolean;
  readonly failFast: boolean;
  readonly cancel: Cancel;
  /** onDeadLetter receives each failed item when failFast is off. */
  readonly onDeadLetter: ((d: DeadLetter) => void) | null;
  /** onPull is told of each item pulled from the source (for the pipeline's metrics). */
  readonly onPull?: (() => void) | undefined;
  /** onDeliver is told of each item delivered (for the pipeline's metrics). */
  readonly onDeliver?: (() => void) | undefined;
  /** onEnd is called once when the run is over (its goroutines all returned). */
  readonly onEnd?: ((run: Run<unknown>) => void) | undefined;
}

/** CONSUMER_DONE is the cause of a run whose consumer stopped iterating: not an error. */
const CONSUMER_DONE = Object.freeze(new Error('pipeline: consumer stopped'));

/**
 * RunStage is what a run needs of a stage (PipelineStage is one): its shape, and the accounting and call of one item
 * (begin, then call, then end or fail).
 */
export interface RunStage {
  readonly name: string;
  readonly concurrency: number;
  readonly bufferSize: number;
  begin(): number;
  call(input: never, ctx: Context): unknown;
  end(t0: number): void;
  fail(t0: number, e: unknown, ctx: Context): void;
}

/** Stage is a RunStage as the run drives it: with the items of its input channel. */
interface Stage extends Omit<RunStage, 'call'> {
  call(input: unknown, ctx: Context): unknown;
}

type Stages = readonly Stage[];

/**
 * Run is one pass over a source: an AsyncIterator of outputs. next blocks until the next output (in source order when
 * ordered) and rejects with the run's failure; return (a `break` out of `for await`) cancels the run and resolves once
 * every goroutine of the run has returned and the source's return() has been called.
 */
export class Run<O> implements AsyncIterableIterator<O> {
  readonly ctx: Context;
  readonly window: number;
  readonly #cancel: CancelCauseFunc;
  readonly #release: () => void;
  readonly #wg = new WaitGroup();
  readonly #tokens: Chan<void>;
  readonly #out: Chan<Envelope>;
  readonly #opts: RunOptions;
  readonly #chans: Chan<Envelope>[] = [];
  readonly #stopDrain: () => boolean;
  readonly #pending = new Map<number, Envelope>();
  #next = 0;
  #live = 0;
  readonly #feeder: Feeder;
  #failure: unknown = undefined;
  #over = false;

  constructor(stages: Stages, source: Iterable<unknown> | AsyncIterable<unknown>, opts: RunOptions) {
    this.#opts = opts;
    const [parent, release] = toContext(opts.cancel);
    [this.ctx, this.#cancel] = withCancelCause(parent);
    this.#release = release;
    let window = 0;
    for (const s of stages) window += s.bufferSize + s.concurrency;
    this.window = Math.max(1, window);
    this.#tokens = chan<void>(this.window);
    const c0 = chan<Envelope>(stages[0]?.bufferSize ?? 0);
    this.#chans.push(c0);
    let input = c0;
    for (const s of stages) {
      const from = input;
      const output = chan<Envelope>(s.bufferSize);
      this.#chans.push(output);
      let left = s.concurrency;
      const closeWhenLast = (): void => {
        if (--left === 0) output.close();
      };
      for (let i = 0; i < s.concurrency; i++) this.#spawn(() => this.#work(s, from, output).finally(closeWhenLast));
      input = output;
    }
    this.#out = input;
    this.#feeder = new Feeder(source, { ctx: this.ctx, tokens: this.#tokens, c0, onPull: opts.onPull, fail: (e) => this.fail(e) });
    this.#spawn(() => this.#feeder.run());
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

  /** collect drains the run into an array (processBatch): next's loop without an IteratorResult per item. */
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
      this.#opts.onEnd?.(this as Run<unknown>);
    }
    if (this.#failure !== undefined) throw this.#failure;
    if (err !== undefined && err !== CONSUMER_DONE) throw err;
    return { done: true, value: undefined };
  }

  #spawn(fn: () => Promise<void>): void {
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

  /** drainAll starts a drainer per channel of the run: it discards values until the channel closes. */
  #drainAll(): void {
    // With no goroutine left every channel is closed already, and adding to a WaitGroup whose waiters were just
    // released would be Go's "WaitGroup is reused before previous Wait has returned".
    if (this.#over || this.#live === 0) return;
    this.#feeder.interrupt();
    const drain = async (c: RecvChan<unknown>): Promise<void> => {
      while ((c.tryRecv() ?? (await c.recvOk())).ok);
    };
    for (const c of this.#chans) this.#spawn(() => drain(c));
    this.#spawn(() => drain(this.#tokens));
  }

  /** work is one of a stage's goroutines: receive, process, send on, until the input closes or the run is canceled. */
  async #work(stage: Stage, input: Chan<Envelope>, output: Chan<Envelope>): Promise<void> {
    const ctx = this.ctx;
    for (;;) {
      const r = input.tryRecv() ?? (await input.recvOk());
      if (!r.ok || ctx.err() !== null) return;
      const env = r.value!;
      if (env.live) {
        const item = env.value;
        const t0 = stage.begin();
        try {
          let out = stage.call(item, ctx);
          if (out instanceof Promise) out = await out;
          stage.end(t0);
          if (out === DROP) env.live = false;
          else env.value = out;
        } catch (e) {
          stage.fail(t0, e, ctx);
          if (ctx.err() !== null) return;
          env.live = false;
          env.value = undefined;
          if (this.#opts.failFast || this.#opts.onDeadLetter === null) {
            this.fail(new PipelineStageError(stage.name, item, e));
            return;
          }
          this.#opts.onDeadLetter({ item, stage: stage.name, error: e });
        }
      }
      if (!output.trySend(env)) await output.send(env);
    }
  }
}

/** runStages starts a run of `source` through `stages`. */
export function runStages<O>(stages: readonly RunStage[], source: Iterable<unknown> | AsyncIterable<unknown>, opts: RunOptions): Run<O> {
  return new Run<O>(stages as unknown as Stages, source, opts);
}

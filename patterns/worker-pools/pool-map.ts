/**
 * PoolMap is a pool's map (WorkerPool.map): the inputs of an iterable run through the pool with at most
 * `concurrency` of them taken and not yet delivered, their outputs delivered in input order or as they end.
 *
 *   inputs ──feeder goroutine: take one while outstanding < concurrency, admit it──► pool queue ──► workers
 *   workers ── a MapJob's finish records its outcome and signals ──► next() ── outputs ──► SourceChan (pump)
 *
 * Invariants: #outstanding counts the inputs taken from the iterable and not yet delivered by next() (queued,
 * running, or ended and waiting for their turn), never more than #concurrency, so memory stays bounded however long
 * the iterable is; #running holds the admitted jobs that have not ended, which a failure (stopOnError), the
 * cancel or return() gives up at once (counted canceled). The first of those sets #over; from then on the feeder
 * takes no more inputs. Signals (#wake for next(), #room for the feeder) are one-slot channels: they coalesce.
 */
import {
  withCancelCause,
  type CancelCauseFunc,
  type Context,
  chan,
  type Chan,
  go,
  recvCase,
  select,
  nowMillis,
} from '../../runtime/index.js';
import { type Cancel, cancelReason, toContext } from '../core/cancel.js';
import { Job } from './job.js';
import type { PoolCore } from './pool-core.js';

/** MapSettings are a map's resolved options (WorkerPool.map validates MapOptions into them). */
export interface MapSettings {
  readonly concurrency: number;
  readonly ordered: boolean;
  readonly stopOnError: boolean;
  readonly priority: number;
  readonly cancel: Cancel;
}

/** MapJob is one input of a map: its outcome stays on it, and its end is told to its map. */
class MapJob<TIn, TOut> extends Job<TIn, TOut> {
  ok = false;
  out: unknown = undefined;
  done = false;
  /** next links the map's delivery list (input order, or end order). */
  next: MapJob<TIn, TOut> | null = null;

  constructor(
    input: TIn,
    enqueuedAt: number,
    readonly map: PoolMap<TIn, TOut>,
  ) {
    super(input, enqueuedAt);
  }

  override finish(ok: boolean, v: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.ok = ok;
    this.out = v;
    this.map.ended(this);
    return true;
  }
}

export class PoolMap<TIn, TOut> implements AsyncIterableIterator<TOut> {
  readonly #core: PoolCore<TIn, TOut>;
  readonly #inputs: AsyncIterable<TIn> | Iterable<TIn | PromiseLike<TIn>>;
  readonly #s: MapSettings;
  readonly #ctx: Context;
  readonly #cancel: CancelCauseFunc;
  readonly #release: () => void;
  readonly #running = new Set<MapJob<TIn, TOut>>();
  // The delivery list: every outstanding job in input order (ordered), or the ended ones in end order.
  #head: MapJob<TIn, TOut> | null = null;
  #tail: MapJob<TIn, TOut> | null = null;
  #outstanding = 0;
  #fed = false;
  #over = false;
  /** #failure is what next() throws once (the first error, the iterable's error, or the cancel's reason). */
  #failure: { error: unknown } | null = null;
  #finished = false;
  readonly #errors: unknown[] = [];
  readonly #wake: Chan<void> = chan<void>(1);
  readonly #room: Chan<void> = chan<void>(1);
  readonly #timed: boolean;
  /** #refill: the feeder waiting for room is woken when #outstanding is down to this (hysteresis: batches). */
  readonly #refill: number;

  constructor(core: PoolCore<TIn, TOut>, inputs: AsyncIterable<TIn> | Iterable<TIn | PromiseLike<TIn>>, s: MapSettings, timed: boolean) {
    this.#core = core;
    this.#inputs = inputs;
    this.#s = s;
    this.#timed = timed;
    this.#refill = s.concurrency - Math.max(1, s.concurrency >> 2);
    const [parent, release] = toContext(s.cancel);
    this.#release = release;
    [this.#ctx, this.#cancel] = withCancelCause(parent);
    go(() => this.#feed());
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<TOut> {
    return this;
  }

  /** ended is told by a MapJob as it settles (from the worker that ran it, or a stop or restart that failed it). */
  ended(job: MapJob<TIn, TOut>): void {
    job.done = true;
    this.#running.delete(job);
    if (!this.#s.ordered) this.#append(job);
    this.#wake.trySend();
  }

  /**
   * next delivers the next output: in input order (ordered) or the next to end. A failed input, with stopOnError,
   * ends the map: next() throws its error once and the other inputs are given up; without stopOnError it is left
   * out and its error kept for the AggregateError thrown at the end. The cancel throws its reason.
   */
  async next(): Promise<IteratorResult<TOut>> {
    for (;;) {
      if (this.#finished) return { value: undefined, done: true };
      if (this.#failure !== null) {
        this.#finish();
        throw this.#failure.error;
      }
      // pass 1 - deliver what is ready
      const j = this.#head;
      if (j !== null && j.done) {
        this.#head = j.next;
        if (this.#head === null) this.#tail = null;
        // The feeder is woken once a quarter of the window is free, not at each delivery: it then admits a batch.
        if (--this.#outstanding <= this.#refill) this.#room.trySend();
        if (j.ok) return { value: j.out as TOut, done: false };
        if (this.#s.stopOnError) this.#fail(j.out);
        else this.#errors.push(j.out);
        continue;
      }
      // pass 2 - the end: every input taken and delivered
      if (this.#fed && this.#outstanding === 0) {
        this.#finish();
        if (this.#errors.length > 0) throw new AggregateError(this.#errors, `${this.#errors.length} inputs failed`);
        return { value: undefined, done: true };
      }
      // pass 3 - wait for an end, or the cancel
      const done = this.#ctx.done();
      const woken = await select([recvCase(this.#wake, () => true), recvCase(done, () => false)]);
      if (!woken && !this.#over) this.#fail(cancelReason(this.#ctx));
    }
  }

  /** return is the consumer giving up (SourceChan.stop, a break): the feeder stops, running inputs are given up. */
  return(): Promise<IteratorResult<TOut>> {
    this.#stopAll(undefined);
    this.#finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** #feed is the feeder goroutine: it takes inputs while fewer than concurrency are outstanding and admits them. */
  async #feed(): Promise<void> {
    try {
      for await (const input of this.#inputs) {
        while (!this.#over && this.#outstanding >= this.#s.concurrency) {
          await select([recvCase(this.#room), recvCase(this.#ctx.done())]);
        }
        if (this.#over) return;
        const job = new MapJob<TIn, TOut>(input, this.#timed ? nowMillis() : 0, this);
        this.#outstanding++;
        this.#running.add(job);
        if (this.#s.ordered) this.#append(job);
        try {
          await this.#core.admit(job, this.#ctx, this.#s.priority);
        } catch (e) {
          // Not queued (PoolFullError, PatternStoppedError, the cancel): that input's failure.
          if (!job.done) job.finish(false, e);
        }
      }
    } catch (e) {
      this.#fail(e); // the iterable threw
    } finally {
      this.#fed = true;
      this.#wake.trySend();
    }
  }

  #append(job: MapJob<TIn, TOut>): void {
    if (this.#tail === null) this.#head = job;
    else this.#tail.next = job;
    this.#tail = job;
  }

  /** #fail ends the map with `error` (thrown once by next()), unless it is over already. */
  #fail(error: unknown): void {
    if (this.#over) return;
    this.#failure = { error };
    this.#stopAll(error);
  }

  /** #stopAll stops the feeder and gives up every running input with `c` (undefined: the map's Canceled). */
  #stopAll(c: unknown): void {
    if (this.#over) return;
    this.#over = true;
    this.#cancel(c);
    const why = c ?? this.#ctx.err();
    for (const job of [...this.#running]) this.#core.giveUp(job, why);
    this.#running.clear();
    this.#wake.trySend();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#head = this.#tail = null;
    this.#release();
  }
}

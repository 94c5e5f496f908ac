/**
 * MergeRun is one run of FanIn.merge: the goroutines that move values from the inputs to one output channel.
 *
 *   Go's merge ('round-robin'):   input i ──forwarder i──▶ out                 (out closed by the last forwarder)
 *   with a MergeStrategy:         input i ──forwarder i──▶ stage i ──merger──▶ out   (out closed by the merger)
 *
 * Invariants: a forwarder that took a value from its input delivers it (to out or its stage) before it looks at
 * its quit channel again, so removing an input never loses or duplicates a value: what the forwarder did not take
 * stays in the input. Only the end of the whole merge (cancel, stop, idle timeout) drops the values in hand.
 */
import {
  chan,
  type Chan,
  type RecvChan,
  type SendChan,
  cause,
  withCancelCause,
  type CancelCauseFunc,
  type Context,
  InvalidArgumentError,
  go,
  recvCase,
  select,
  sendCase,
  WaitGroup,
  nowMillis,
  newTimer,
} from '../../runtime/index.js';
import { cancelReason } from '../core/cancel.js';
import { show } from '../core/option-checks.js';
import { FanInTimeoutError } from './fan-errors.js';
import type { FanInInput, MergeCandidate, MergeStrategy } from './merge-strategy.js';
import { untilDone } from './run-item.js';

/** Entry is one input registered with a FanIn. */
export interface Entry<T> {
  readonly input: FanInInput<T>;
  readonly priority: number;
  readonly order: number;
  /** quit is closed by removeInput: it wakes the input's forwarder. */
  readonly quit: Chan<never>;
  removed: boolean;
  delivered: number;
}

/** Hooks are what a run reports to its FanIn. */
export interface Hooks<T> {
  owner: string;
  delivered(e: Entry<T>): void;
  /** exhausted: the input ended (closed, done, or threw `error`): the FanIn forgets it. */
  exhausted(e: Entry<T>, error?: unknown): void;
  ended(run: MergeRun<T>): void;
}

const ENDED = Symbol('merge ended');

/** isRecvChan tells a gocsp channel from other AsyncIterables. */
export function isRecvChan<T>(x: FanInInput<T>): x is RecvChan<T> {
  const c = x as Partial<RecvChan<T>>;
  return typeof c.tryRecv === 'function' && typeof c.recvOk === 'function';
}

export class MergeRun<T> {
  readonly out: Chan<T>;
  readonly ctx: Context;
  readonly stop: CancelCauseFunc;
  readonly wg = new WaitGroup();
  ended = false;
  firstError: unknown = undefined;
  readonly #release: () => void;
  readonly #parent: Context;
  readonly #stages = new Map<Entry<T>, RecvChan<T>>();
  readonly #wake = chan<true>(1);
  #live = 0;
  #holding = 0;
  #last = nowMillis();

  constructor(
    parent: [Context, () => void],
    bufferSize: number,
    readonly strategy: MergeStrategy<T> | null,
    readonly timeout: number,
    readonly hooks: Hooks<T>,
  ) {
    this.out = chan<T>(bufferSize);
    this.#parent = parent[0];
    [this.ctx, this.stop] = withCancelCause(parent[0]);
    this.#release = parent[1];
  }

  /** begin starts the forwarders of `entries`, the merger (with a strategy) and the idle watchdog (with a timeout). */
  begin(entries: Iterable<Entry<T>>): void {
    for (const e of entries) this.add(e);
    if (this.strategy) this.#spawn(() => this.#merge(this.strategy!));
    else if (this.#live === 0) this.#end();
    if (this.timeout !== Infinity) this.#spawn(() => this.#watch());
  }

  /**
   * add brings `e` into this run (also for an input added while the merge runs). Go's merge gives every input a
   * forwarder; a strategy merger reads channels itself (so its choice sees what is really ready in them) and gives
   * only AsyncIterables a forwarder into a stage channel.
   */
  add(e: Entry<T>): void {
    if (!this.strategy) {
      this.#live++;
      this.#spawn(() => this.#forward(e, this.out));
      return;
    }
    if (isRecvChan(e.input)) {
      this.#stages.set(e, e.input);
    } else {
      const stage = chan<T>();
      this.#stages.set(e, stage);
      this.#live++;
      this.#spawn(() => this.#forward(e, stage));
    }
    this.#wake.trySend(true);
  }

  /** poke wakes the merger so that it notices a removed input. */
  poke(): void {
    this.#wake.trySend(true);
  }

  /** err is why the run ended early: an input's error, the cancel cause, or undefined when every input ended. */
  err(): unknown {
    if (this.firstError !== undefined) return this.firstError;
    if (this.#parent.err() !== null) return cancelReason(this.#parent);
    const why = this.ctx.err() === null ? undefined : cause(this.ctx);
    return why === ENDED ? undefined : why;
  }

  #spawn(f: () => Promise<void>): void {
    this.wg.add(1);
    go(async () => {
      try {
        await f();
      } finally {
        this.wg.done();
      }
    });
  }

  #end(): void {
    if (this.ended) return;
    this.ended = true;
    this.out.close();
    this.stop(ENDED);
    this.#release();
    this.hooks.ended(this);
  }

  /**
   * deliver sends `v` to `sink` unless the run ends first; it reports whether it did. A send that completes at once
   * stays synchronous (no promise); the clock is read only when an idle timeout needs it.
   */
  #deliver(sink: SendChan<T>, v: T): boolean | Promise<boolean> {
    if (sink.trySend(v)) {
      if (this.timeout !== Infinity) this.#last = nowMillis();
      return true;
    }
    return this.#deliverSlow(sink, v);
  }

  async #deliverSlow(sink: SendChan<T>, v: T): Promise<boolean> {
    this.#holding++;
    try {
      return await select([sendCase(sink, v, () => true), recvCase(this.ctx.done(), () => false)]);
    } finally {
      this.#holding--;
      if (this.timeout !== Infinity) this.#last = nowMillis();
    }
  }

  async #forward(e: Entry<T>, sink: SendChan<T>): Promise<void> {
    const done = this.ctx.done()!;
    let exhausted = false;
    let error: unknown;
    try {
      if (isRecvChan(e.input)) {
        const src = e.input;
        for (;;) {
          if (e.removed || this.ctx.err() !== null) return;
          const r =
            src.tryRecv() ??
            (await select([recvCase(src, (value, ok) => ({ value, ok })), recvCase(e.quit, () => null), recvCase(done, () => null)]));
          if (r === null) return;
          if (!r.ok) return void (exhausted = true);
          const sent = this.#deliver(sink, r.value!);
          if (sent !== true && !(await sent)) return;
          this.#count(e, sink);
        }
      }
      const it = e.input[Symbol.asyncIterator]();
      try {
        for (;;) {
          if (e.removed || this.ctx.err() !== null) return;
          const r = await untilDone(it.next(), this.ctx);
          if (r.done === true) return void (exhausted = true);
          const sent = this.#deliver(sink, r.value);
          if (sent !== true && !(await sent)) return;
          this.#count(e, sink);
        }
      } finally {
        if (!exhausted) it.return?.()?.catch(() => {});
      }
    } catch (err) {
      if (this.ctx.err() === null) [exhausted, error] = [true, err];
    } finally {
      if (exhausted) this.hooks.exhausted(e, error);
      if (error !== undefined) this.firstError ??= error;
      if (sink !== this.out) sink.close(); // its stage: the merger drops the input
      if (--this.#live === 0 && !this.strategy) this.#end();
    }
  }

  #count(e: Entry<T>, sink: SendChan<T>): void {
    if (sink === this.out) {
      e.delivered++;
      this.hooks.delivered(e);
    }
  }

  /**
   * merge is the strategy's goroutine: it keeps at most one value (a head) taken from each input and sends the one
   * the strategy picks. A removed channel input is let go at once, after its head (if any) is delivered.
   */
  async #merge(strategy: MergeStrategy<T>): Promise<void> {
    const done = this.ctx.done()!;
    const heads = new Map<Entry<T>, T>();
    const drop = (e: Entry<T>, exhausted: boolean): void => {
      this.#stages.delete(e);
      if (!isRecvChan(e.input)) return; // its forwarder reports and exits by itself
      if (exhausted) this.hooks.exhausted(e);
    };
    const take = (e: Entry<T>, v: T | undefined, ok: boolean): void => {
      if (ok) heads.set(e, v as T);
      else drop(e, true);
    };
    try {
      for (;;) {
        // pass 1: let go of removed channels; take a head from every input that has a value ready, without blocking
        for (const [e, src] of this.#stages) {
          if (e.removed && isRecvChan(e.input)) drop(e, false);
          else if (!heads.has(e)) {
            const r = src.tryRecv();
            if (r) take(e, r.value, r.ok);
          }
        }
        if (heads.size === 0) {
          if (this.#stages.size === 0) return;
          // pass 2: block on every input, an input added or removed, and the end of the run
          const cases = [...this.#stages].map(([e, s]) => recvCase(s, (v, ok) => take(e, v, ok)));
          if ((await select([...cases, recvCase(this.#wake), recvCase(done, () => ENDED)])) === ENDED) return;
          continue;
        }
        const ready = [...heads.keys()].sort((a, b) => a.order - b.order);
        const cs: MergeCandidate<T>[] = ready.map((e) => ({ input: e.input, priority: e.priority, order: e.order, value: heads.get(e) as T }));
        const i = strategy.select(cs);
        const e = ready[i as number];
        if (!Number.isInteger(i) || e === undefined) {
          throw new InvalidArgumentError(
            `${this.hooks.owner}: merge strategy "${strategy.name}" picked ${show(i)}, want an integer in [0, ${cs.length})`,
          );
        }
        const v = heads.get(e) as T;
        heads.delete(e);
        const sent = this.#deliver(this.out, v);
        if (sent !== true && !(await sent)) return;
        e.delivered++;
        this.hooks.delivered(e);
      }
    } catch (err) {
      this.firstError ??= err;
      this.stop(err);
    } finally {
      this.#end();
    }
  }

  /** watch ends the run with FanInTimeoutError once no input has delivered (or held) a value for `timeout` ms. */
  async #watch(): Promise<void> {
    const done = this.ctx.done()!;
    const t = newTimer(this.timeout);
    try {
      for (;;) {
        if (!(await select([recvCase(t.c, () => true), recvCase(done, () => false)]))) return;
        const idle = nowMillis() - this.#last;
        if (this.#holding === 0 && idle >= this.timeout) return this.stop(new FanInTimeoutError(this.timeout));
        t.reset(this.#holding > 0 ? this.timeout : this.timeout - idle);
      }
    } finally {
      t.stop();
    }
  }
}

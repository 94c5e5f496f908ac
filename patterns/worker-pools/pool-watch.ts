/**
 * PoolWatch is how a pool is watched without polling: waits for a condition on the pool's state (onIdle, onEmpty,
 * onSizeLessThan) and the change signals that progress goroutines follow (pool-progress.ts).
 *
 *   PoolCore ── changed() at each admission, start, end of a job, pause, resume ──► PoolWatch
 *       ├─► a waiter whose condition now holds: its channel is closed (every receiver wakes, as Go's broadcast)
 *       └─► each subscriber's one-slot signal channel: trySend (a signal already pending absorbs this one)
 *
 * Invariants: a waiter is in #waiters from until() until its condition held (its channel closed) or its wait was
 * canceled; a condition is tested only by changed() and on entry to until(), synchronously, so a waiter never misses
 * the moment it holds. Subscriber signals coalesce: a slow subscriber sees one pending signal however many changes
 * it missed, and reads the state itself when it wakes.
 */
import { chan, type Chan, type RecvChan, recvCase, select } from '../../runtime/index.js';
import { type Cancel, cancelReason, toContext } from '../core/cancel.js';

interface Waiter {
  readonly holds: () => boolean;
  readonly ch: Chan<void>;
}

const RESOLVED: Promise<void> = Promise.resolve();

export class PoolWatch {
  #waiters: Waiter[] = [];
  readonly #signals = new Set<Chan<void>>();
  /** #over is closed when the pool has stopped; a fresh one is made when it starts again. */
  #over: Chan<void> = chan<void>();
  #overClosed = false;

  /** active reports whether anyone watches (the core skips changed() otherwise: one branch per event). */
  get active(): boolean {
    return this.#waiters.length > 0 || this.#signals.size > 0;
  }

  /** over is closed once the pool has stopped (progress channels end there). */
  get over(): RecvChan<void> {
    return this.#over;
  }

  /** started is told when the pool starts: a new `over` channel for this run, if the last one was closed. */
  started(): void {
    if (!this.#overClosed) return;
    this.#over = chan<void>();
    this.#overClosed = false;
  }

  /** stopped is told once the pool has stopped. */
  stopped(): void {
    this.changed();
    if (this.#overClosed) return;
    this.#overClosed = true;
    this.#over.close();
  }

  /** changed is told after every change of the pool's state: it wakes the waiters whose condition now holds. */
  changed(): void {
    if (this.#waiters.length > 0) {
      const still: Waiter[] = [];
      for (const w of this.#waiters) {
        if (w.holds()) w.ch.close();
        else still.push(w);
      }
      this.#waiters = still;
    }
    for (const s of this.#signals) s.trySend();
  }

  /**
   * until resolves once `holds()` is true (at once if it is now), or rejects with the cancel's reason (the one
   * cancellation rule, core/cancel.ts) if `cancel` fires first. The wait is a receive on a channel, so on a synctest
   * bubble's virtual clock the waiter counts as parked.
   */
  until(holds: () => boolean, cancel: Cancel): Promise<void> {
    if (holds()) return RESOLVED;
    const [ctx, release] = toContext(cancel);
    if (ctx.err() !== null) {
      release();
      return Promise.reject(cancelReason(ctx));
    }
    const w: Waiter = { holds, ch: chan<void>() };
    this.#waiters.push(w);
    const done = ctx.done();
    if (done === null) return w.ch.recv().then(() => undefined);
    return select([recvCase(w.ch, () => true), recvCase(done, () => false)]).then((ok) => {
      release();
      if (ok) return;
      this.#waiters = this.#waiters.filter((x) => x !== w);
      throw cancelReason(ctx);
    });
  }

  /** subscribe returns a one-slot signal channel sent to (without blocking) at every change, until unsubscribed. */
  subscribe(): RecvChan<void> {
    const s = chan<void>(1);
    this.#signals.add(s);
    return s;
  }

  unsubscribe(s: RecvChan<void>): void {
    this.#signals.delete(s as Chan<void>);
  }
}

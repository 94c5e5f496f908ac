/**
 * Semaphore is golang.org/x/sync/semaphore's Weighted for one thread: a counting semaphore whose callers acquire
 * and release a weight, waiting in strict FIFO order, with cancellation by context.
 *
 *   size      the total weight
 *   cur       the weight held now; 0 <= cur <= size
 *   waiters   FIFO of parked acquirers, each asking for weight <= size
 *
 * Invariant: when waiters is non-empty, its head does not fit (size - cur < head.weight). Whenever weight is freed
 * (a release, or the cancellation of the head) the head and those behind it are granted in order while they fit;
 * the first that does not fit stops the pass, even if a smaller request behind it would fit, so a big request
 * cannot be starved by a stream of small ones. tryAcquire fails whenever anyone waits, for the same reason.
 *
 * A parked acquirer is a two-case select, as in x/sync: "granted" or "ctx done". It registers one select waiter on
 * the context's done channel (the channel protocol of runtime/chan/waiter.ts); whichever happens first removes the
 * other, synchronously, so a waiter is never granted after its context is done and never left on the channel.
 */
import { recv } from '../chan/nil.js';
import { EMPTY, isSelectable, type Selectable } from '../chan/selectable.js';
import { SELECT, Waiter, type Selection } from '../chan/waiter.js';
import type { Context } from '../context/context.js';
import { InvalidArgumentError } from '../panics.js';
import { checkCount, describe } from '../validate.js';
import { semaphoreReleasedMoreThanHeld } from './misuse-panics.js';
import { SyncWaiter } from './sync-waiter.js';
import { WaitQueue } from '../sched/wait-queue.js';

const RESOLVED: Promise<void> = Promise.resolve();
// x/sync parks an acquirer in a select statement, so a goroutine dump shows it as Go's `select`.
const WAIT = 'select';

/** SemaphoreWaiter is a parked acquirer (also used by SharedSemaphore, runtime/shared/sync/shared-semaphore.ts). */
export class SemaphoreWaiter extends SyncWaiter {
  /** reg is this waiter's registration on its context's done channel, or null for a context never done. */
  reg: Waiter | null = null;
  constructor(
    weight: number,
    readonly done: Selectable | null,
  ) {
    super(WAIT, weight);
  }
}

/**
 * Semaphore is golang.org/x/sync/semaphore's Weighted: acquire(ctx, n) waits, in strict FIFO order, until weight n
 * is free (or rejects with the context's error), release(n) frees it; tryAcquire never waits. Releasing more than is
 * held throws SyncMisuseError. Across threads, use SharedSemaphore.
 *
 * @example
 * const sem = new Semaphore(4); // at most 4 downloads at once
 * await sem.acquire(ctx);
 * try { await download(url); } finally { sem.release(); }
 */
export class Semaphore {
  readonly #size: number;
  #cur = 0;
  readonly #waiters = new WaitQueue<SemaphoreWaiter>();

  /**
   * Semaphore makes a semaphore of total weight `n` (x/sync's NewWeighted). Throws InvalidArgumentError if `n` is
   * not a non-negative safe integer.
   *
   * @example
   * const sem = new Semaphore(4); // at most 4 jobs at once
   * for (const job of jobs) {
   *   await sem.acquire(ctx);
   *   go(async () => { try { await run(job); } finally { sem.release(); } });
   * }
   */
  constructor(n: number) {
    this.#size = checkCount('new Semaphore', 'n', n);
  }

  /**
   * acquire takes weight `n` (default 1), parking (wait reason `select`) until it is free and every earlier
   * acquirer has been served. If `ctx` is done first, the promise rejects with ctx.err() and nothing is taken; if
   * this waiter was first in line, the acquirers behind it that now fit are granted. A context that is already
   * done fails the call even if the weight is free. A request larger than the semaphore's size can never succeed:
   * it waits for `ctx` to be done (forever if ctx can never be canceled) without holding up anybody else, then
   * rejects with ctx.err().
   *
   * It never throws: if `ctx` is not a Context or `n` is not a non-negative safe integer, it returns a promise
   * rejected with InvalidArgumentError.
   */
  acquire(ctx: Context, n = 1): Promise<void> {
    let done: Selectable | null;
    try {
      done = checkContext('Semaphore.acquire', ctx);
      checkCount('Semaphore.acquire', 'n', n);
    } catch (e) {
      return Promise.reject(e);
    }
    // pass 1 - a context already done fails, even if the weight is free (it was done before the call).
    if (done !== null && done.pollRecv() !== EMPTY) return Promise.reject(ctx.err());
    // pass 2 - the weight is free and nobody is ahead: take it.
    if (this.#size - this.#cur >= n && this.#waiters.size === 0) {
      this.#cur += n;
      return RESOLVED;
    }
    // pass 3 - doomed: wait for ctx alone, so that acquirers behind are not held up.
    if (n > this.#size) {
      return recv(ctx.done()).then(() => {
        throw ctx.err();
      });
    }
    // pass 4 - park in line, and on ctx's done channel.
    const w = new SemaphoreWaiter(n, done);
    this.#waiters.push(w);
    if (done !== null) {
      const sel: Selection = {
        won: () => this.#canceled(w, ctx),
        failed: () => this.#canceled(w, ctx),
      };
      w.reg = new Waiter(SELECT, undefined, w.park, sel, 0);
      done.enqueueRecv(w.reg);
    }
    return w.promise;
  }

  /**
   * tryAcquire takes weight `n` (default 1) only if it is free and nobody is waiting, and reports whether it did.
   * Throws InvalidArgumentError if `n` is not a non-negative safe integer.
   */
  tryAcquire(n = 1): boolean {
    checkCount('Semaphore.tryAcquire', 'n', n);
    if (this.#size - this.#cur < n || this.#waiters.size !== 0) return false;
    this.#cur += n;
    return true;
  }

  /**
   * release gives back weight `n` (default 1) and grants the parked acquirers that now fit, in order. Throws
   * SyncMisuseError `semaphore: released more than held` if more than the weight held would be released, and
   * InvalidArgumentError if `n` is not a non-negative safe integer; either way nothing changes.
   */
  release(n = 1): void {
    checkCount('Semaphore.release', 'n', n);
    if (n > this.#cur) throw semaphoreReleasedMoreThanHeld();
    this.#cur -= n;
    this.#notify();
  }

  /** notify grants waiters from the head while they fit, and stops at the first that does not. */
  #notify(): void {
    for (let w = this.#waiters.head; w !== null; w = this.#waiters.head) {
      if (this.#size - this.#cur < w.weight) return;
      // A waiter whose context is done is never granted, even while that cancellation is still being delivered (a
      // context shared by several waiters wakes them one by one): x/sync's acquirer would see done and give the
      // weight back. Drop it from the line; its registration on the closed channel rejects it.
      if (w.done !== null && w.done.pollRecv() !== EMPTY) {
        this.#waiters.remove(w);
        continue;
      }
      // Polling may have expired a deadline and so run cancellations (re-entering here): look at the line again.
      if (w !== this.#waiters.head || this.#size - this.#cur < w.weight) continue;
      this.#cur += w.weight;
      this.#waiters.remove(w);
      if (w.reg !== null) w.done!.dequeue(w.reg);
      w.wake();
    }
  }

  /** canceled runs when waiter `w`'s context is done (the done channel has already dropped its registration). */
  #canceled(w: SemaphoreWaiter, ctx: Context): void {
    const wasHead = this.#waiters.head === w;
    this.#waiters.remove(w);
    // The head was what held up those behind it: with it gone, some may fit now.
    if (wasHead && this.#size > this.#cur) this.#notify();
    w.fail(ctx.err());
  }
}

/** checkContext requires a Context and returns its done channel, which must be a gocsp channel or null. */
export function checkContext(fn: string, ctx: unknown): Selectable | null {
  const c = ctx as Context | null;
  if (typeof c !== 'object' || c === null || typeof c.done !== 'function' || typeof c.err !== 'function') {
    throw new InvalidArgumentError(`${fn}: ctx must be a Context, got ${describe(ctx)}`);
  }
  const done: unknown = c.done();
  if (done !== null && !isSelectable(done)) {
    throw new InvalidArgumentError(`${fn}: ctx.done() must return a gocsp channel or null, got ${describe(done)}`);
  }
  return done;
}

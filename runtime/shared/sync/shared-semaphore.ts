/**
 * SharedSemaphore is golang.org/x/sync/semaphore's Weighted over shared memory: a counting semaphore whose callers,
 * on any threads, acquire and release a weight, with cancellation by context. Same API and panics as the one-thread
 * Semaphore.
 *
 *   +--------------------------------------------------------------------------------------------+
 *   | LOCK ID KIND | LINE (line.ts: acquirers, one record per thread) | HOLDS words (holds.ts)     |
 *   | numbers: SIZE CUR WEIGHT[MAX_THREADS] | HOLDS counts                                       |
 *   +--------------------------------------------------------------------------------------------+
 *
 *   SIZE       the total weight (fixed)
 *   CUR        the weight held now (also counted per thread in HOLDS); 0 <= CUR <= SIZE
 *   WEIGHT[s]  what the acquirer thread s's record stands for asks for
 *   LINE       threads with parked acquirers, oldest first; a record is GRANTED once its weight was taken for it
 *   local      this thread's parked acquirers, FIFO; the head is what its record stands for
 *
 * Everything is guarded by LOCK.
 *
 * Invariant: when the line has a WAITING record, the oldest one does not fit (SIZE - CUR < its weight). Whenever
 * weight is freed, records are granted oldest first while they fit; the first that does not fit stops the pass,
 * even if a smaller request behind it would fit, so a big request cannot be starved by small ones, on any thread.
 * tryAcquire fails whenever anyone waits. Within a thread acquirers are served in arrival order; across threads,
 * threads take turns (line.ts).
 *
 * A grant to another thread takes the weight at once (CUR) and wakes the thread, which gives it to its oldest
 * acquirer. If that acquirer's context is done by then, it is never granted: the weight is given back and the next
 * in line served. A thread that dies holding weight (acquired and not released) has it taken back when a thread
 * parks or re-polls.
 */
import { recv } from '../../chan/nil.js';
import { EMPTY, type Selectable } from '../../chan/selectable.js';
import { SELECT, Waiter, type Selection } from '../../chan/waiter.js';
import type { Context } from '../../context/context.js';
import { semaphoreReleasedMoreThanHeld } from '../../sync/misuse-panics.js';
import { checkContext, SemaphoreWaiter } from '../../sync/semaphore.js';
import { WaitQueue } from '../../sched/wait-queue.js';
import { checkCount } from '../../validate.js';
import { lock, unlock } from '../memory/lock.js';
import type { Source } from '../memory/parker.js';
import { MAX_THREADS } from '../memory/registry.js';
import { TO_WIRE, type Wire, type Wireable } from '../objects/wire.js';
import { Holds, HOLDS_NUMBERS, HOLDS_WORDS } from './holds.js';
import { GRANTED, Line, LINE_WORDS, NONE } from './line.js';
import {
  flushWakes,
  HEADER,
  LOCK,
  me,
  myToken,
  registerSyncKind,
  SEMAPHORE,
  type SyncKind,
  SyncObject,
  wakeLater,
} from './sync-object.js';

const LINE = HEADER;
const HOLDS = LINE + LINE_WORDS;
const WORDS = HOLDS + HOLDS_WORDS;
const SIZE = 0;
const CUR = 1;
const WEIGHT = 2;
const HOLD_COUNTS = WEIGHT + MAX_THREADS;
const NUMBERS = HOLD_COUNTS + HOLDS_NUMBERS;

const RESOLVED: Promise<void> = Promise.resolve();

export const SHARED_SEMAPHORE_KIND = 'gocsp.sharedSemaphore';
const KIND: SyncKind = { name: 'SharedSemaphore', wire: SHARED_SEMAPHORE_KIND, code: SEMAPHORE };

/**
 * SharedSemaphore is golang.org/x/sync/semaphore's Weighted over shared memory: acquire(ctx, n), tryAcquire and
 * release from goroutines on any threads, FIFO across threads, with the one-thread Semaphore's API and panics.
 *
 * @example
 * const gpu = new SharedSemaphore(2); // two renders at once, program-wide
 * go(render, frame, gpu); // the task: await gpu.acquire(background()); try { ... } finally { gpu.release(); }
 */
export class SharedSemaphore implements Wireable, Source {
  readonly #o: SyncObject;
  readonly #w: Int32Array;
  readonly #f: Float64Array;
  readonly #size: number;
  readonly #line: Line;
  readonly #holds: Holds;
  readonly #waiters = new WaitQueue<SemaphoreWaiter>();

  /**
   * SharedSemaphore makes a semaphore of total weight `n` in shared memory (x/sync's NewWeighted). Pass it to tasks
   * or post `toWire(sem)`: every side draws on the same weight. Throws InvalidArgumentError if `n` is not a
   * non-negative safe integer.
   *
   * @example
   * const sem = new SharedSemaphore(4); // at most 4 jobs at once, over all threads
   * for (const job of jobs) go(runJob, sem, job); // each task: await sem.acquire(ctx); try {...} finally { sem.release(); }
   */
  constructor(n: number) {
    checkCount('new SharedSemaphore', 'n', n);
    const o = (this.#o = new SyncObject(this, KIND, WORDS, NUMBERS));
    if (o.fresh) o.f[SIZE] = n;
    this.#w = o.w;
    this.#f = o.f;
    this.#size = o.f[SIZE]!;
    this.#line = new Line(o.w, LINE);
    this.#holds = new Holds(o.w, HOLDS, o.f, HOLD_COUNTS);
  }

  /** id is the semaphore's program-wide id. */
  get id(): number {
    return this.#o.id;
  }

  /**
   * acquire takes weight `n` (default 1), parking (wait reason `select`) until it is free and every earlier
   * acquirer has been served (see the file comment for the order across threads). If `ctx` is done first, the
   * promise rejects with ctx.err() and nothing is taken; the acquirers behind it that now fit are granted, on every
   * thread. A context that is already done fails the call even if the weight is free. A request larger than the
   * semaphore's size waits for `ctx` to be done (forever if it never can be) without holding up anybody, then
   * rejects with ctx.err(). `ctx` belongs to the calling thread, like any Context.
   *
   * It never throws: if `ctx` is not a Context or `n` is not a non-negative safe integer, it returns a promise
   * rejected with InvalidArgumentError.
   */
  acquire(ctx: Context, n = 1): Promise<void> {
    let done: Selectable | null;
    try {
      done = checkContext('SharedSemaphore.acquire', ctx);
      checkCount('SharedSemaphore.acquire', 'n', n);
    } catch (e) {
      return Promise.reject(e);
    }
    // pass 1 - a context already done fails, even if the weight is free.
    if (done !== null && done.pollRecv() !== EMPTY) return Promise.reject(ctx.err());
    // pass 2 - the weight is free and nobody, on any thread, is ahead: take it.
    if (this.#waiters.size === 0 && this.#take(n)) return RESOLVED;
    // pass 3 - doomed: wait for ctx alone, so that acquirers behind are not held up.
    if (n > this.#size) {
      return recv(ctx.done()).then(() => {
        throw ctx.err();
      });
    }
    // pass 4 - park in this thread's line (its record joins the shared line when it is the head), and on ctx.
    const wt = new SemaphoreWaiter(n, done);
    this.#waiters.push(wt);
    if (done !== null) {
      const sel: Selection = {
        won: () => this.#canceled(wt, ctx),
        failed: () => this.#canceled(wt, ctx),
      };
      wt.reg = new Waiter(SELECT, undefined, wt.park, sel, 0);
      done.enqueueRecv(wt.reg);
    }
    if (this.#waiters.size === 1) {
      lock(this.#w, LOCK);
      this.#joinLocked();
      unlock(this.#w, LOCK);
    }
    this.#sync(true); // what is in the way may be weight a dead thread held
    return wt.promise;
  }

  /**
   * tryAcquire takes weight `n` (default 1) only if it is free and nobody, on any thread, is waiting, and reports
   * whether it did. Throws InvalidArgumentError if `n` is not a non-negative safe integer.
   */
  tryAcquire(n = 1): boolean {
    checkCount('SharedSemaphore.tryAcquire', 'n', n);
    return this.#waiters.size === 0 && this.#take(n);
  }

  /**
   * release gives back weight `n` (default 1) and grants the parked acquirers that now fit, in order, on whatever
   * thread they wait. Any thread may release weight acquired on another. Throws SyncMisuseError `semaphore: released
   * more than held` if more than the weight held (on all threads) would be released, and InvalidArgumentError if `n`
   * is not a non-negative safe integer; either way nothing changes.
   */
  release(n = 1): void {
    checkCount('SharedSemaphore.release', 'n', n);
    const f = this.#f;
    lock(this.#w, LOCK);
    if (n > f[CUR]!) {
      unlock(this.#w, LOCK);
      throw semaphoreReleasedMoreThanHeld();
    }
    f[CUR] = f[CUR]! - n;
    this.#holds.remove(n);
    unlock(this.#w, LOCK);
    if (n > 0) this.#sync(false);
  }

  [TO_WIRE](): Wire {
    return this.#o.wire();
  }

  /** repoll (parker.ts) runs when another thread may have granted this one weight, or died holding some. */
  repoll(): void {
    this.#sync(true);
  }

  // Internals.

  /** #take takes `n` if it is free and no record waits in the shared line (taking back dead threads' weight). */
  #take(n: number): boolean {
    const f = this.#f;
    lock(this.#w, LOCK);
    let ok = this.#size - f[CUR]! >= n;
    let lost = 0;
    if (!ok) {
      lost = this.#holds.reap();
      f[CUR] = f[CUR]! - lost;
      ok = this.#size - f[CUR]! >= n;
    }
    ok &&= this.#line.oldest() < 0;
    if (ok) f[CUR] = f[CUR]! + n - this.#holds.add(me(), myToken(), n);
    unlock(this.#w, LOCK);
    if (lost > 0) this.#sync(false);
    return ok;
  }

  /**
   * #sync grants the shared line's oldest records while they fit (taking back dead threads' weight first if
   * `recover`) and hands what this thread was granted to its oldest acquirer, until nothing more can proceed.
   */
  #sync(recover: boolean): void {
    const f = this.#f;
    for (;;) {
      lock(this.#w, LOCK);
      if (recover) f[CUR] = f[CUR]! - this.#holds.reap();
      this.#grantLocked();
      let granted = -1;
      if (this.#line.mine() === GRANTED) {
        granted = f[WEIGHT + me()]!;
        this.#line.put(NONE);
      }
      unlock(this.#w, LOCK);
      flushWakes();
      if (granted < 0) break;
      this.#deliver(granted);
    }
    this.#watch();
  }

  /** #grantLocked grants records oldest first while they fit; the first that does not fit stops the pass. */
  #grantLocked(): void {
    const f = this.#f;
    for (let s = this.#line.oldest(); s >= 0; s = this.#line.oldest()) {
      const n = f[WEIGHT + s]!;
      if (this.#size - f[CUR]! < n) return;
      f[CUR] = f[CUR]! + n - this.#holds.add(s, this.#line.token(s), n);
      this.#line.serve(s);
      wakeLater(s);
    }
  }

  /**
   * #deliver gives weight `n`, granted to this thread, to its oldest acquirer, or gives it back if that acquirer's
   * context is done; then puts the thread back in line for its next acquirer. Called with no lock held: polling a
   * context may expire a deadline and so run cancellations, which re-enter this semaphore.
   */
  #deliver(n: number): void {
    const wt = this.#waiters.head;
    let given = false;
    if (wt !== null && wt.weight === n) {
      if (wt.done !== null && wt.done.pollRecv() !== EMPTY) {
        // Never granted once its context is done: its registration on the done channel rejects it.
        this.#waiters.remove(wt);
      } else if (this.#waiters.head === wt) {
        this.#waiters.remove(wt);
        if (wt.reg !== null) wt.done!.dequeue(wt.reg);
        wt.wake();
        given = true;
      }
    }
    lock(this.#w, LOCK);
    if (!given) {
      this.#f[CUR] = this.#f[CUR]! - n;
      this.#holds.remove(n);
    }
    if (this.#line.mine() === NONE) this.#joinLocked();
    unlock(this.#w, LOCK);
  }

  /** #joinLocked puts this thread's record in line for its oldest acquirer, if it has one. */
  #joinLocked(): void {
    const head = this.#waiters.head;
    if (head === null) return;
    this.#f[WEIGHT + me()] = head.weight;
    this.#line.join();
  }

  /** #canceled runs when waiter `wt`'s context is done (the done channel has already dropped its registration). */
  #canceled(wt: SemaphoreWaiter, ctx: Context): void {
    const wasHead = this.#waiters.head === wt;
    this.#waiters.remove(wt);
    if (wasHead) {
      // The record stood for wt: withdraw it (giving back weight already granted for it) and stand for the next.
      const f = this.#f;
      lock(this.#w, LOCK);
      if (this.#line.mine() === GRANTED) {
        f[CUR] = f[CUR]! - f[WEIGHT + me()]!;
        this.#holds.remove(f[WEIGHT + me()]!);
      }
      this.#line.put(NONE);
      this.#joinLocked();
      unlock(this.#w, LOCK);
      // The head was what held up those behind it, here and on other threads: some may fit now.
      this.#sync(false);
    }
    wt.fail(ctx.err());
    this.#watch();
  }

  #watch(): void {
    this.#o.watch(this.#waiters.size > 0);
  }
}

registerSyncKind(KIND, () => new SharedSemaphore(0));

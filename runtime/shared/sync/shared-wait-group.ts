/**
 * SharedWaitGroup is Go's sync.WaitGroup over shared memory: a counter of outstanding tasks, on any threads, that
 * goroutines on any threads can wait on until it is zero. Same API and panics as the one-thread WaitGroup.
 *
 *   +-----------------------------------------------------------+
 *   | LOCK ID KIND | GEN MASK[2] | numbers: COUNT                |
 *   +-----------------------------------------------------------+
 *
 *   COUNT   outstanding tasks; never negative
 *   GEN     bumped each time COUNT drops to zero: a waiter that saw GEN = g is released once GEN != g
 *   MASK    bit s set while thread s has goroutines parked in wait() (cleared by the release that wakes them)
 *   local   this thread's parked waiters, one group, all waiting for the release of generation `#gen`
 *
 * Everything is guarded by LOCK.
 *
 * wait() resolves at once if COUNT is zero, else it parks with this thread's bit set under the same lock, so the
 * add() that brings COUNT to zero sees the bit and wakes the thread (lost wake-ups are impossible). The thread that
 * brings it to zero releases its own waiters at once.
 *
 * Reuse, as Go: a released waiter checks that the counter is still zero once it is woken (here, in the microtask
 * after its release on its thread); if another set of tasks was already added, it rejects with `sync: WaitGroup is
 * reused before previous Wait has returned`. Across threads a waiter is woken later than on one thread, so add the
 * next set only after every wait() of the previous set has returned, as Go requires.
 *
 * A WaitGroup has no owner: a thread that dies before calling done() leaves the counter above zero, as a goroutine
 * that never calls Done would in Go.
 */
import { checkFunction, checkInteger } from '../../validate.js';
import { go as spawnGoroutine } from '../../go.js';
import { Broadcast } from '../../sync/broadcast.js';
import { negativeWaitGroupCounter, waitGroupReused } from '../../sync/misuse-panics.js';
import { lock, unlock } from '../memory/lock.js';
import type { Source } from '../memory/parker.js';
import { TO_WIRE, type Wire, type Wireable } from '../objects/wire.js';
import {
  flushWakes,
  HEADER,
  LOCK,
  registerSyncKind,
  setBit,
  type SyncKind,
  SyncObject,
  WAIT_GROUP,
  wakeBitsLater,
} from './sync-object.js';

const GEN = HEADER;
const MASK = HEADER + 1;
const WORDS = HEADER + 3;
const COUNT = 0;
const NUMBERS = 1;

const RESOLVED: Promise<void> = Promise.resolve();
const WAIT = 'sync.WaitGroup.Wait';

export const SHARED_WAIT_GROUP_KIND = 'gocsp.sharedWaitGroup';
const KIND: SyncKind = { name: 'SharedWaitGroup', wire: SHARED_WAIT_GROUP_KIND, code: WAIT_GROUP };

/**
 * SharedWaitGroup is Go's sync.WaitGroup over shared memory: add, done and wait from goroutines on any threads,
 * with the one-thread WaitGroup's panics.
 *
 * @example
 * const wg = new SharedWaitGroup();
 * wg.add(4);
 * for (let i = 0; i < 4; i++) go(work, i, wg); // each task calls wg.done() when it ends
 * await wg.wait();
 */
export class SharedWaitGroup implements Wireable, Source {
  readonly #o: SyncObject;
  readonly #w: Int32Array;
  readonly #f: Float64Array;
  readonly #waiters = new Broadcast();
  /** #gen is the generation this thread's parked waiters wait to see end. */
  #gen = 0;
  #raw: Promise<void> | null = null;
  #checked: Promise<void> = RESOLVED;

  /**
   * SharedWaitGroup makes a wait group in shared memory with a zero counter. Pass it to tasks or post `toWire(wg)`:
   * every side counts and waits on the same counter.
   *
   * @example
   * const wg = new SharedWaitGroup();
   * wg.add(4);
   * for (let i = 0; i < 4; i++) go(work, i, wg); // each task calls wg.done() on its worker
   * await wg.wait();
   */
  constructor() {
    this.#o = new SyncObject(this, KIND, WORDS, NUMBERS);
    this.#w = this.#o.w;
    this.#f = this.#o.f;
  }

  /** id is the wait group's program-wide id. */
  get id(): number {
    return this.#o.id;
  }

  /**
   * add adds `delta` (a safe integer, possibly negative) to the counter. When the counter reaches zero every
   * goroutine parked in wait(), on every thread, is released. Call add before starting the goroutine it counts.
   *
   * Throws SyncMisuseError `sync: negative WaitGroup counter` if the counter would drop below zero, and
   * InvalidArgumentError for a delta that is not a safe integer; either way the counter is unchanged.
   */
  add(delta: number): void {
    this.#add(checkInteger('SharedWaitGroup.add', 'delta', delta));
  }

  /** done decrements the counter by one (Go's Done); it throws like add(-1). */
  done(): void {
    this.#add(-1);
  }

  /**
   * wait parks the caller until the counter is zero (wait reason `sync.WaitGroup.Wait`), and resolves at once if it
   * already is. Any number of goroutines on any threads may wait; all are released when the counter reaches zero.
   * It rejects with SyncMisuseError `sync: WaitGroup is reused before previous Wait has returned` if the counter was
   * raised again before the released waiter could return (see the file comment). A parked wait keeps its thread
   * alive.
   */
  wait(): Promise<void> {
    const w = this.#w;
    lock(this.#w, LOCK);
    if (this.#f[COUNT] === 0) {
      unlock(this.#w, LOCK);
      return RESOLVED;
    }
    // Waiters of an earlier generation were released already and not yet told: tell them first.
    const stale = this.#waiters.size > 0 && this.#gen !== w[GEN];
    this.#gen = w[GEN]!;
    setBit(w, MASK, true);
    unlock(this.#w, LOCK);
    if (stale) this.#waiters.release();
    const p = this.#waiters.wait(WAIT);
    if (p !== this.#raw) {
      this.#raw = p;
      this.#checked = p.then(this.#afterWait);
    }
    this.#watch();
    return this.#checked;
  }

  /**
   * go runs `fn` in a new goroutine on this thread, counted by this group (Go 1.25's WaitGroup.Go): it adds one now
   * and calls done when `fn` returns or its promise settles. A throw or rejection of `fn` still calls done, and then
   * is a panic of that goroutine. Throws InvalidArgumentError if `fn` is not a function (nothing is added then).
   */
  go(fn: () => unknown): void {
    checkFunction('SharedWaitGroup.go', 'fn', fn);
    this.#add(1);
    spawnGoroutine(async () => {
      try {
        await fn();
      } finally {
        this.#add(-1);
      }
    });
  }

  [TO_WIRE](): Wire {
    return this.#o.wire();
  }

  /** repoll (parker.ts) runs when another thread may have brought the counter to zero. */
  repoll(): void {
    if (this.#waiters.size === 0) return this.#watch();
    const w = this.#w;
    lock(this.#w, LOCK);
    const released = this.#gen !== w[GEN];
    if (released) setBit(w, MASK, false);
    unlock(this.#w, LOCK);
    if (released) this.#waiters.release();
    this.#watch();
  }

  #add(delta: number): void {
    const w = this.#w;
    lock(this.#w, LOCK);
    const v = this.#f[COUNT]! + delta;
    if (v < 0) {
      unlock(this.#w, LOCK);
      throw negativeWaitGroupCounter();
    }
    this.#f[COUNT] = v;
    if (v === 0) {
      w[GEN] = (w[GEN]! + 1) | 0;
      wakeBitsLater(w[MASK]!, w[MASK + 1]!);
      w[MASK] = 0;
      w[MASK + 1] = 0;
    }
    unlock(this.#w, LOCK);
    if (v !== 0) return;
    flushWakes();
    this.#waiters.release();
    this.#watch();
  }

  #afterWait = (): void => {
    lock(this.#w, LOCK);
    const count = this.#f[COUNT];
    unlock(this.#w, LOCK);
    if (count !== 0) throw waitGroupReused();
  };

  #watch(): void {
    this.#o.watch(this.#waiters.size > 0);
  }
}

registerSyncKind(KIND, () => new SharedWaitGroup());

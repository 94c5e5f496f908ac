/**
 * SharedCond is Go's sync.Cond over shared memory: a condition variable whose waiters, on any threads, are woken by
 * signal or broadcast from any thread, over a shared Locker (a SharedMutex, a SharedRWMutex, or its rLocker()).
 *
 *   +-----------------------------------------------------------------------------------------+
 *   | LOCK ID KIND | WAIT NOTIFY MAX | HOLDS words (holds.ts) | RING[R]                           |
 *   | numbers: HOLDS counts                                                                    |
 *   +-----------------------------------------------------------------------------------------+
 *
 *   WAIT      the next ticket to hand out (wraps: tickets are compared by difference)
 *   NOTIFY    the next ticket to notify; tickets before NOTIFY have been notified (or skipped)
 *   MAX       maxWaiters: at most MAX tickets between NOTIFY and WAIT (R, a power of two >= MAX, is the ring size)
 *   RING      RING[t % R] is the owner token of the thread that took ticket t, for NOTIFY <= t < WAIT; 0 for a
 *             ticket withdrawn by a wait() that failed
 *   HOLDS     per thread: notifications given to its tickets that it has not collected yet
 *   local     this thread's parked waiters, in ticket order
 *
 * Everything is guarded by LOCK.
 *
 * This is Go's notifyList (runtime/sema.go) across threads. wait() takes a ticket before it unlocks the locker, so a
 * signal that follows the unlock sees it; signal() notifies the oldest ticket not yet notified (a signal with no
 * ticket outstanding is lost); broadcast() notifies every ticket taken so far. Notifying ticket t credits its
 * owner's HOLDS count and wakes that thread, which collects: the first `count` of its parked waiters (a thread's
 * notified tickets are always the oldest of its tickets) relock the locker, then their wait() resolves. A thread
 * notified by its own signal collects at once.
 *
 * Threads dying (each operation first reaps, as ../objects/recovery.ts wakes every thread on a worker's death):
 * - a ticket whose owner is dead is skipped: signal() passes on to the next live ticket, broadcast() ignores it, so a
 *   signal is never lost to a dead waiter;
 * - notifications a thread was given and never collected (it died before it could wake its waiters) are passed on,
 *   each one as a signal() made at that moment, to the oldest live ticket not yet notified (or lost if none);
 * - a waiter already collected is past the condition: it dies relocking or holding the locker, which the locker's
 *   own recovery handles.
 * Tickets of a dead thread count against MAX until a signal or broadcast passes them.
 */
import { InvalidArgumentError } from '../../panics.js';
import type { Locker } from '../../sync/locker.js';
import { SyncWaiter } from '../../sync/sync-waiter.js';
import { WaitQueue } from '../../sched/wait-queue.js';
import { checkIntegerIn, describe } from '../../validate.js';
import { lock, unlock } from '../memory/lock.js';
import type { Source } from '../memory/parker.js';
import { isOwnerAlive } from '../memory/registry.js';
import { fromWire, isWireable, TO_WIRE, toWire, type Wire, type Wireable } from '../objects/wire.js';
import { Holds, HOLDS_NUMBERS, HOLDS_WORDS } from './holds.js';
import {
  COND,
  flushWakes,
  HEADER,
  LOCK,
  me,
  myToken,
  registerSyncKind,
  type SyncKind,
  SyncObject,
  tokenSlot,
  wakeLater,
} from './sync-object.js';

const WAIT = HEADER;
const NOTIFY = HEADER + 1;
const MAX = HEADER + 2;
const HOLDS = HEADER + 3;
const RING = HOLDS + HOLDS_WORDS;
const NUMBERS = HOLDS_NUMBERS;

/** MAX_WAITERS_LIMIT bounds the maxWaiters option (the ring takes 4 bytes per waiter). */
const MAX_WAITERS_LIMIT = 1 << 20;
const DEFAULT_MAX_WAITERS = 1024;

const REASON = 'sync.Cond.Wait';

export const SHARED_COND_KIND = 'gocsp.sharedCond';
const KIND: SyncKind = { name: 'SharedCond', wire: SHARED_COND_KIND, code: COND };

/**
 * SharedCondOptions configures a SharedCond.
 *
 * @example
 * const options: SharedCondOptions = { maxWaiters: 64 }; // up to 64 goroutines waiting at once, over all threads
 * const cond = new SharedCond(new SharedMutex(), options);
 */
export interface SharedCondOptions {
  /**
   * maxWaiters is how many goroutines, over all threads, may wait at once (default 1024, at most 1048576); the
   * cond's memory grows by 4 bytes per waiter allowed.
   */
  readonly maxWaiters?: number;
}

function ringSize(max: number): number {
  let r = 1;
  while (r < max) r *= 2;
  return r;
}

/**
 * SharedCond is Go's sync.Cond over shared memory: goroutines on any threads wait() on a shared Locker (SharedMutex,
 * SharedRWMutex or its rLocker()) until another thread signals or broadcasts. Check the condition in a loop.
 *
 * @example
 * const mu = new SharedMutex();
 * const nonEmpty = new SharedCond(mu);
 * await mu.lock();
 * while (Atomics.load(count, 0) === 0) await nonEmpty.wait();
 * mu.unlock();
 */
export class SharedCond implements Wireable, Source {
  readonly #o: SyncObject;
  readonly #w: Int32Array;
  readonly #holds: Holds;
  readonly #locker: Locker & Wireable;
  readonly #max: number;
  readonly #mask: number;
  readonly #waiters = new WaitQueue<SyncWaiter>();

  /**
   * SharedCond makes a condition variable in shared memory over `locker` (Go's sync.NewCond): a SharedMutex, a
   * SharedRWMutex (its write side) or a SharedRWMutex's rLocker(), any shared Locker that can cross threads. Pass
   * the cond to a task or post `toWire(cond)`: the other side gets an object bound to the same cond, over its own
   * object for the same locker.
   *
   * Throws InvalidArgumentError if `locker` is not a shared Locker (a local Mutex cannot cross threads: use a local
   * Cond with it) or maxWaiters is not an integer in [1, 1048576].
   *
   * @example
   * const mu = new SharedMutex();
   * const ready = new SharedCond(mu);
   * const state = new Int32Array(new SharedArrayBuffer(4));
   * await Promise.all([goThread(consume, mu, ready, state), goThread(produce, mu, ready, state)]);
   * // consume: await mu.lock(); while (Atomics.load(state, 0) === 0) await ready.wait(); ... mu.unlock();
   * // produce: await mu.lock(); Atomics.store(state, 0, 1); ready.signal(); mu.unlock();
   */
  constructor(locker: Locker, options: SharedCondOptions = {}) {
    if (!isSharedLocker(locker)) {
      throw new InvalidArgumentError(
        'new SharedCond: locker must be a shared Locker (SharedMutex, SharedRWMutex or its rLocker()), got ' +
          describe(locker),
      );
    }
    const max = checkMaxWaiters(options);
    const o = (this.#o = new SyncObject(this, KIND, (sab) => RING + ringSize(sab === null ? max : peekMax(sab)), NUMBERS));
    if (o.fresh) o.w[MAX] = max;
    this.#w = o.w;
    this.#holds = new Holds(o.w, HOLDS, o.f, 0);
    this.#locker = locker;
    this.#max = o.w[MAX]!;
    this.#mask = ringSize(this.#max) - 1;
  }

  /** id is the cond's program-wide id. */
  get id(): number {
    return this.#o.id;
  }

  /** locker is the Locker the cond was made over (Go's c.L): on another thread, that thread's object for it. */
  get locker(): Locker {
    return this.#locker;
  }

  /**
   * wait unlocks the locker, parks the caller until a signal or broadcast wakes it (wait reason `sync.Cond.Wait`),
   * then locks the locker again before it resolves, as Go's Wait. The unlock happens at the call, after the caller
   * took its place in line: a signal made after wait() was called, on any thread, wakes it (or an earlier waiter).
   * A woken waiter relocks like any locker, so the condition may have changed again: wait in a loop.
   *
   * It rejects, without waiting, with the locker's panic if the locker is not held (`sync: unlock of unlocked
   * mutex`), and with InvalidArgumentError, the locker still held, if maxWaiters goroutines already wait. A parked
   * wait keeps its thread alive.
   *
   * @example
   * await mu.lock();
   * while (queue.length === 0) await cond.wait();
   * const job = queue.shift();
   * mu.unlock();
   */
  wait(): Promise<void> {
    const w = this.#w;
    lock(this.#w, LOCK);
    this.#reap();
    const t = w[WAIT]!;
    if (((t - w[NOTIFY]!) | 0) >= this.#max) {
      const woken = this.#collect();
      unlock(this.#w, LOCK);
      this.#after(woken);
      return Promise.reject(
        new InvalidArgumentError(
          `SharedCond.wait: more than ${this.#max} goroutines waiting at once (raise the maxWaiters option)`,
        ),
      );
    }
    w[RING + (t & this.#mask)] = myToken();
    w[WAIT] = (t + 1) | 0;
    unlock(this.#w, LOCK);
    try {
      this.#locker.unlock();
    } catch (e) {
      this.#withdraw(t);
      return Promise.reject(e);
    }
    const wt = new SyncWaiter(REASON);
    this.#waiters.push(wt);
    // Collect last: a signal from another thread may already have notified this ticket.
    this.#sync();
    return wt.promise.then(() => this.#locker.lock());
  }

  /**
   * signal wakes the goroutine that has waited longest, on whatever thread, if any waits (Go's Signal); a signal
   * with nobody waiting is lost. Waiters of threads that died are skipped. The caller need not hold the locker.
   *
   * @example
   * await mu.lock();
   * queue.push(job);
   * cond.signal(); // one consumer, on whatever thread, takes it
   * mu.unlock();
   */
  signal(): void {
    lock(this.#w, LOCK);
    this.#reap();
    this.#deliver(1);
    const woken = this.#collect();
    unlock(this.#w, LOCK);
    this.#after(woken);
  }

  /**
   * broadcast wakes every goroutine waiting now, on every thread (Go's Broadcast); goroutines that call wait()
   * afterwards wait for the next signal or broadcast. The caller need not hold the locker.
   *
   * @example
   * await mu.lock();
   * Atomics.store(state, CLOSED, 1);
   * cond.broadcast(); // every waiter re-checks and sees CLOSED
   * mu.unlock();
   */
  broadcast(): void {
    const w = this.#w;
    lock(this.#w, LOCK);
    this.#reap();
    const end = w[WAIT]!;
    for (let t = w[NOTIFY]!; t !== end; t = (t + 1) | 0) this.#credit(w[RING + (t & this.#mask)]!);
    w[NOTIFY] = end;
    const woken = this.#collect();
    unlock(this.#w, LOCK);
    this.#after(woken);
  }

  [TO_WIRE](): Wire {
    return this.#o.wire({ locker: toWire(this.#locker) });
  }

  /** repoll (parker.ts) runs when another thread may have notified this one's waiters, or died notified. */
  repoll(): void {
    this.#sync();
  }

  // Internals; the #-methods are called with LOCK held unless they take it.

  #sync(): void {
    lock(this.#w, LOCK);
    this.#reap();
    const woken = this.#collect();
    unlock(this.#w, LOCK);
    this.#after(woken);
  }

  /**
   * #reap passes on the notifications that dead threads never collected, and moves NOTIFY past the dead and withdrawn
   * tickets at its head (no signal could ever go to them: skipping them now changes nothing but the room they take).
   */
  #reap(): void {
    const lost = this.#holds.reap();
    if (lost > 0) this.#deliver(lost);
    const w = this.#w;
    const end = w[WAIT]!;
    let t = w[NOTIFY]!;
    while (t !== end && !live(w[RING + (t & this.#mask)]!)) t = (t + 1) | 0;
    w[NOTIFY] = t;
  }

  /** #deliver makes `n` signals: each notifies the oldest ticket not yet notified whose thread is alive. */
  #deliver(n: number): void {
    const w = this.#w;
    const end = w[WAIT]!;
    let t = w[NOTIFY]!;
    while (n > 0 && t !== end) {
      const owner = w[RING + (t & this.#mask)]!;
      t = (t + 1) | 0;
      if (!live(owner)) continue;
      n += this.#credit(owner) - 1;
    }
    w[NOTIFY] = t;
  }

  /**
   * #credit gives one notification to the thread of owner token `owner` (skipped if that thread is dead) and returns
   * the stale count it dropped from an earlier, dead thread of the slot (0 once #reap ran), for the caller to pass on.
   */
  #credit(owner: number): number {
    if (!live(owner)) return 0;
    const s = tokenSlot(owner);
    const stale = this.#holds.add(s, owner, 1);
    wakeLater(s);
    return stale;
  }

  /** #collect takes the notifications given to this thread: its oldest parked waiters, to wake once LOCK is free. */
  #collect(): SyncWaiter[] | null {
    const n = this.#holds.of(me(), myToken());
    if (n === 0) return null;
    this.#holds.remove(n);
    const woken: SyncWaiter[] = [];
    for (let i = 0; i < n; i++) {
      const wt = this.#waiters.shift();
      if (wt === null) break; // cannot happen: a notification stands for a parked waiter of this thread
      woken.push(wt);
    }
    return woken;
  }

  /**
   * #withdraw takes back ticket `t` of a wait() whose unlock threw: a ticket not yet notified is marked withdrawn
   * (skipped like a dead thread's); one already notified gives its notification to the next waiter in line.
   */
  #withdraw(t: number): void {
    const w = this.#w;
    lock(this.#w, LOCK);
    if (((t - w[NOTIFY]!) | 0) >= 0) {
      w[RING + (t & this.#mask)] = 0;
    } else {
      // Notified: the newest ticket of this thread, so counted in its HOLDS after every parked waiter of it.
      this.#holds.remove(1);
      this.#deliver(1);
    }
    this.#reap();
    const woken = this.#collect();
    unlock(this.#w, LOCK);
    this.#after(woken);
  }

  /** #after runs once LOCK is released: wake the threads noted, then this thread's collected waiters. */
  #after(woken: SyncWaiter[] | null): void {
    flushWakes();
    if (woken !== null) for (const wt of woken) wt.wake();
    this.#o.watch(this.#waiters.size > 0);
  }
}

/** live reports whether ticket owner token `owner` (0: withdrawn) belongs to a running thread. */
function live(owner: number): boolean {
  return owner !== 0 && isOwnerAlive(owner);
}

/** isSharedLocker: a Locker that can cross threads (a SharedMutex, a SharedRWMutex, an rLocker() of one). */
function isSharedLocker(l: unknown): l is Locker & Wireable {
  return (
    isWireable(l) &&
    typeof (l as Partial<Locker>).lock === 'function' &&
    typeof (l as Partial<Locker>).unlock === 'function'
  );
}

function checkMaxWaiters(options: SharedCondOptions): number {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`new SharedCond: options must be an object, got ${describe(options)}`);
  }
  const v = options.maxWaiters ?? DEFAULT_MAX_WAITERS;
  return checkIntegerIn('new SharedCond', 'maxWaiters', v, 1, MAX_WAITERS_LIMIT);
}

/** peekMax reads MAX from a buffer to rebuild from, to know its size (attach then checks the buffer for real). */
function peekMax(sab: unknown): number {
  if (!(sab instanceof SharedArrayBuffer) || sab.byteLength < (MAX + 1) * 4) return 1;
  const max = new Int32Array(sab, 0, MAX + 1)[MAX]!;
  return max >= 1 && max <= MAX_WAITERS_LIMIT ? max : 1;
}

registerSyncKind(KIND, (w) => new SharedCond(fromWire(w['locker'] as Wire) as Locker));

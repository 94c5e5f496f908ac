/**
 * SharedMutex is Go's sync.Mutex over shared memory: one mutex, usable from every thread that has it, with the API
 * and the panics of the one-thread Mutex, and direct hand-off so that no waiter starves.
 *
 *   +----------------------------------------------------------------------------+
 *   | LOCK ID KIND | OWNER RECOVERED | LINE (line.ts: one record per thread)      |
 *   +----------------------------------------------------------------------------+
 *
 *   OWNER      owner token of the thread whose goroutine holds the mutex, or to which unlock handed it; 0: unlocked.
 *              Guarded by LOCK.
 *   RECOVERED  1 from the moment the mutex is taken back from a thread that died holding it until the next unlock,
 *              so the goroutine that gets it next can tell; read with Atomics.load by `recovered`.
 *   LINE       the threads with goroutines parked in lock(), oldest first. Guarded by LOCK.
 *   local      this thread's goroutines parked in lock(), FIFO; the head is the one its record in LINE stands for.
 *
 * Invariants: a live WAITING record exists only while OWNER != 0. This thread's record is out of NONE exactly while
 * its local FIFO is non-empty.
 *
 * Hand-off: unlock with parked lockers does not release the mutex; it gives it to the oldest record's thread (OWNER
 * becomes that thread's token, the record GRANTED) and wakes that thread, which passes it to its oldest parked
 * goroutine. Nobody can barge in between: tryLock fails and a new lock() parks behind. Across threads, threads take
 * turns in the order they joined the line; within a thread, goroutines are served in arrival order.
 *
 * A thread that dies holding the mutex (or handed it and not yet collecting it) leaves its token in OWNER; the next
 * lock, tryLock or re-poll sees that the token's thread is dead and unlocks on its behalf, handing the mutex to the
 * oldest waiter, with RECOVERED set. As with a robust pthread mutex, the data the mutex protected may be half
 * updated: check `recovered` after locking where that matters.
 */
import { unlockOfUnlockedMutex } from '../../sync/misuse-panics.js';
import type { Locker } from '../../sync/locker.js';
import { SyncWaiter } from '../../sync/sync-waiter.js';
import { WaitQueue } from '../../sched/wait-queue.js';
import { lock, unlock } from '../memory/lock.js';
import type { Source } from '../memory/parker.js';
import { isOwnerAlive } from '../memory/registry.js';
import { TO_WIRE, type Wire, type Wireable } from '../objects/wire.js';
import { GRANTED, Line, LINE_WORDS, NONE } from './line.js';
import {
  flushWakes,
  HEADER,
  LOCK,
  MUTEX,
  myToken,
  registerSyncKind,
  type SyncKind,
  SyncObject,
  wakeLater,
} from './sync-object.js';

const OWNER = HEADER;
const RECOVERED = HEADER + 1;
const LINE = HEADER + 2;
const WORDS = LINE + LINE_WORDS;

const RESOLVED: Promise<void> = Promise.resolve();
const WAIT = 'sync.Mutex.Lock';

export const SHARED_MUTEX_KIND = 'gocsp.sharedMutex';
const KIND: SyncKind = { name: 'SharedMutex', wire: SHARED_MUTEX_KIND, code: MUTEX };

/**
 * SharedMutex is Go's sync.Mutex over shared memory: lock, tryLock and unlock from goroutines on any thread that
 * has it (pass it to a task as an argument), with FIFO hand-off and the one-thread Mutex's panics. A mutex held by a
 * thread that dies is recovered for the next locker.
 *
 * @example
 * const mu = new SharedMutex();
 * go(addToTotal, mu, total, 5); // a task: await mu.lock(); try { ... } finally { mu.unlock(); }
 * await mu.lock();
 * try { console.log(total[0]); } finally { mu.unlock(); }
 */
export class SharedMutex implements Locker, Wireable, Source {
  readonly #o: SyncObject;
  readonly #w: Int32Array;
  readonly #line: Line;
  readonly #waiters = new WaitQueue<SyncWaiter>();

  /**
   * SharedMutex makes a mutex in shared memory, unlocked. Pass it to a task (`go(task, mu)`, `goThread(task, mu)`)
   * or post `toWire(mu)` to a worker: the other side gets an object bound to the same mutex (one per thread).
   *
   * @example
   * const mu = new SharedMutex();
   * const counts = new Int32Array(new SharedArrayBuffer(4));
   * await Promise.all([goThread(bump, mu, counts), goThread(bump, mu, counts)]); // bump locks mu around its update
   */
  constructor() {
    this.#o = new SyncObject(this, KIND, WORDS, 0);
    this.#w = this.#o.w;
    this.#line = new Line(this.#w, LINE);
  }

  /** id is the mutex's program-wide id. */
  get id(): number {
    return this.#o.id;
  }

  /**
   * recovered reports whether the mutex was taken back from a thread that died holding it, since the last unlock:
   * read it right after lock() to learn that the data it protects may be inconsistent (the dead holder may have
   * stopped half-way). It stays true until the goroutine that got the mutex unlocks it.
   *
   * @example
   * await mu.lock();
   * if (mu.recovered) repair(table);
   */
  get recovered(): boolean {
    return Atomics.load(this.#w, RECOVERED) === 1;
  }

  /**
   * lock acquires the mutex, parking until it is free (wait reason `sync.Mutex.Lock`). Parked lockers get the mutex
   * by hand-off: in arrival order within a thread, threads taking turns in the order they started waiting. The
   * mutex is not tied to a goroutine or a thread: any goroutine on any thread may unlock it. A goroutine that locks
   * a mutex it already holds waits forever, as in Go. A parked lock keeps its thread alive.
   *
   * @example
   * await mu.lock();
   * try { Atomics.add(total, 0, n); } finally { mu.unlock(); }
   */
  lock(): Promise<void> {
    const w = this.#w;
    lock(this.#w, LOCK);
    if (w[OWNER] === 0) {
      w[OWNER] = myToken();
      unlock(this.#w, LOCK);
      return RESOLVED;
    }
    const wt = new SyncWaiter(WAIT);
    this.#waiters.push(wt);
    if (this.#waiters.size === 1) this.#line.join();
    // The holder may be dead already: settle recovers the mutex (for the oldest waiter, possibly this one).
    const woken = this.#settle();
    unlock(this.#w, LOCK);
    this.#after(woken);
    return wt.promise;
  }

  /**
   * tryLock acquires the mutex only if it is free right now and reports whether it did (Go's TryLock). It fails
   * while the mutex is being handed to a parked locker, on whatever thread.
   */
  tryLock(): boolean {
    const w = this.#w;
    lock(this.#w, LOCK);
    let woken: SyncWaiter | null = null;
    if (w[OWNER] !== 0) woken = this.#settle();
    const ok = w[OWNER] === 0;
    if (ok) w[OWNER] = myToken();
    unlock(this.#w, LOCK);
    this.#after(woken);
    return ok;
  }

  /**
   * unlock releases the mutex, or hands it to the longest-waiting thread's oldest parked locker if there is one. It
   * throws SyncMisuseError `sync: unlock of unlocked mutex` (fatal in Go) if the mutex is not locked.
   */
  unlock(): void {
    const w = this.#w;
    lock(this.#w, LOCK);
    if (w[OWNER] === 0) {
      unlock(this.#w, LOCK);
      throw unlockOfUnlockedMutex();
    }
    Atomics.store(w, RECOVERED, 0);
    this.#handOff();
    const woken = this.#collect();
    unlock(this.#w, LOCK);
    this.#after(woken);
  }

  [TO_WIRE](): Wire {
    return this.#o.wire();
  }

  /** repoll (parker.ts) runs when another thread may have handed the mutex to this one, or died holding it. */
  repoll(): void {
    lock(this.#w, LOCK);
    const woken = this.#settle();
    unlock(this.#w, LOCK);
    this.#after(woken);
  }

  // Internals; the #-methods that end in the lock being held are called with LOCK held.

  /** #settle takes the mutex back from a dead holder, then collects what was handed to this thread. */
  #settle(): SyncWaiter | null {
    const w = this.#w;
    const owner = w[OWNER]!;
    if (owner !== 0 && !isOwnerAlive(owner)) {
      Atomics.store(w, RECOVERED, 1);
      this.#handOff();
    }
    return this.#collect();
  }

  /** #handOff gives the held mutex to the oldest waiting thread, or unlocks it if nobody waits. */
  #handOff(): void {
    const s = this.#line.oldest();
    if (s < 0) {
      this.#w[OWNER] = 0;
      return;
    }
    this.#w[OWNER] = this.#line.token(s);
    this.#line.serve(s);
    wakeLater(s);
  }

  /** #collect takes a hand-off to this thread: its oldest parked locker now holds the mutex. */
  #collect(): SyncWaiter | null {
    if (this.#line.mine() !== GRANTED) return null;
    this.#line.put(NONE);
    const head = this.#waiters.shift();
    if (this.#waiters.size > 0) this.#line.join();
    if (head === null) this.#handOff(); // cannot happen (a granted record stands for a parked locker); never lose it
    return head;
  }

  /** #after runs once LOCK is released: wake the threads and the goroutine the operation served. */
  #after(woken: SyncWaiter | null): void {
    flushWakes();
    woken?.wake();
    this.#o.watch(this.#waiters.size > 0);
  }
}

registerSyncKind(KIND, () => new SharedMutex());


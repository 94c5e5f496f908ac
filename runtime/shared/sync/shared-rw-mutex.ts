/**
 * SharedRWMutex is Go's sync.RWMutex over shared memory: many readers or one writer, on any threads, with Go's
 * writer preference and the API and panics of the one-thread RWMutex.
 *
 *   +-------------------------------------------------------------------------------------------------+
 *   | LOCK ID KIND | WRITER PENDING READERS RECOVERED RMASK[2] | per slot: PARKED ADMITTED RTOKEN        |
 *   | LINE (line.ts: writers, one record per thread) | HOLDS (holds.ts: read locks held per thread)     |
 *   +-------------------------------------------------------------------------------------------------+
 *
 *   WRITER     owner token of the thread whose writer holds the write lock (or was handed it); 0: none
 *   PENDING    owner token of the thread whose writer claimed the lock and waits for the readers to leave; 0: none
 *   READERS    read locks held now (also counted per thread in HOLDS)
 *   RECOVERED  1 from the moment something a dead thread held was taken back until the next write unlock
 *   RMASK      bit s set while thread s has readers parked (PARKED[s] > 0)
 *   PARKED[s]  readers of thread s parked behind a writer, not yet admitted
 *   ADMITTED[s] readers of thread s admitted by a write unlock (counted in READERS), to be woken by thread s
 *   RTOKEN[s]  owner token of the thread PARKED[s] and ADMITTED[s] belong to
 *   LINE       threads with writers queued behind the holding or claiming writer; a record is CLAIMED while its
 *              writer is the pending one and GRANTED once it has the lock
 *   local      this thread's parked writers (FIFO; the head is what its record stands for) and parked readers
 *              (FIFO; PARKED + ADMITTED of its slot count them)
 *
 * Everything is guarded by LOCK (RECOVERED is also read with Atomics.load).
 *
 * Invariants: WRITER != 0 implies PENDING == 0; PENDING != 0 implies READERS > 0 (until its thread collects the
 * lock). Parked readers and queued writers exist only while WRITER != 0 or PENDING != 0.
 *
 * Fairness, as Go: a writer that wants the lock stops new readers at once (they park), so a stream of readers on any
 * threads cannot starve it. When it unlocks, every reader parked meanwhile, on every thread, is admitted before the
 * next writer, which then claims the lock and waits for exactly those readers; so writers cannot starve readers.
 * Writers are served like SharedMutex lockers: threads take turns, in arrival order within a thread.
 *
 * Recovery: a dead thread's write lock, its pending claim and its read locks (HOLDS) are taken back whenever a thread
 * re-polls or parks, and RECOVERED is set for the next writer to see. The data may be inconsistent then.
 */
import { rUnlockOfUnlockedRWMutex, unlockOfUnlockedRWMutex } from '../../sync/misuse-panics.js';
import type { Locker } from '../../sync/locker.js';
import { SyncWaiter } from '../../sync/sync-waiter.js';
import { WaitQueue } from '../../sched/wait-queue.js';
import { lock, unlock } from '../memory/lock.js';
import type { Source } from '../memory/parker.js';
import { isOwnerAlive, MAX_THREADS } from '../memory/registry.js';
import { fromWire, registerWireKind, TO_WIRE, WIRE_KIND, type Wire, type Wireable } from '../objects/wire.js';
import { Holds, HOLDS_NUMBERS, HOLDS_WORDS } from './holds.js';
import { CLAIMED, GRANTED, Line, LINE_WORDS, NONE } from './line.js';
import {
  flushWakes,
  HEADER,
  LOCK,
  me,
  myToken,
  registerSyncKind,
  RW_MUTEX,
  setBit,
  type SyncKind,
  SyncObject,
  tokenSlot,
  wakeLater,
} from './sync-object.js';

const WRITER = HEADER;
const PENDING = HEADER + 1;
const READERS = HEADER + 2;
const RECOVERED = HEADER + 3;
const RMASK = HEADER + 4;
const READERQ = HEADER + 6;
const Q_WORDS = 3;
const Q_PARKED = 0;
const Q_ADMITTED = 1;
const Q_TOKEN = 2;
const LINE = READERQ + MAX_THREADS * Q_WORDS;
const HOLDS = LINE + LINE_WORDS;
const WORDS = HOLDS + HOLDS_WORDS;

const RESOLVED: Promise<void> = Promise.resolve();
const RLOCK = 'sync.RWMutex.RLock';
const WLOCK = 'sync.RWMutex.Lock';

export const SHARED_RW_MUTEX_KIND = 'gocsp.sharedRWMutex';
const KIND: SyncKind = { name: 'SharedRWMutex', wire: SHARED_RW_MUTEX_KIND, code: RW_MUTEX };

/**
 * SharedRWMutex is Go's sync.RWMutex over shared memory: many readers or one writer, on any threads, with Go's
 * writer preference and the one-thread RWMutex's API and panics; rLocker() is its read half as a Locker.
 *
 * @example
 * const rw = new SharedRWMutex();
 * await rw.rLock();
 * try { return table.lookup(key); } finally { rw.rUnlock(); }
 */
export class SharedRWMutex implements Locker, Wireable, Source {
  readonly #o: SyncObject;
  readonly #w: Int32Array;
  readonly #line: Line;
  readonly #holds: Holds;
  readonly #writers = new WaitQueue<SyncWaiter>();
  readonly #readers = new WaitQueue<SyncWaiter>();
  #rlocker: SharedRLocker | null = null;

  /**
   * SharedRWMutex makes a readers-writer lock in shared memory, unlocked. Pass it to a task or post `toWire(rw)`:
   * the other side gets an object bound to the same lock.
   *
   * @example
   * const rw = new SharedRWMutex();
   * go(readMany, rw, table); go(writeSome, rw, table); // tasks on workers, sharing one lock
   */
  constructor() {
    const o = (this.#o = new SyncObject(this, KIND, WORDS, HOLDS_NUMBERS));
    this.#w = o.w;
    this.#line = new Line(o.w, LINE);
    this.#holds = new Holds(o.w, HOLDS, o.f, 0);
  }

  /** id is the lock's program-wide id. */
  get id(): number {
    return this.#o.id;
  }

  /**
   * recovered reports whether something a dead thread held (the write lock, a writer's claim, read locks) was taken
   * back since the last write unlock: read it right after lock() to learn that the protected data may be
   * inconsistent.
   */
  get recovered(): boolean {
    return Atomics.load(this.#w, RECOVERED) === 1;
  }

  /**
   * rLock acquires a read lock, parking (wait reason `sync.RWMutex.RLock`) while a writer, on any thread, holds the
   * lock or waits for it. Do not take a read lock recursively: a writer arriving in between makes the inner rLock
   * wait for the writer, which waits for the outer read lock, a deadlock (as in Go).
   *
   * @example
   * await rw.rLock();
   * try { return lookup(table, key); } finally { rw.rUnlock(); }
   */
  rLock(): Promise<void> {
    const w = this.#w;
    lock(this.#w, LOCK);
    if (w[WRITER] === 0 && w[PENDING] === 0) {
      this.#addReaders(me(), myToken(), 1);
      unlock(this.#w, LOCK);
      return RESOLVED;
    }
    const wt = new SyncWaiter(RLOCK);
    this.#readers.push(wt);
    const q = this.#myQueue();
    w[q + Q_PARKED] = w[q + Q_PARKED]! + 1;
    setBit(w, RMASK, true);
    const woken = this.#settle(true);
    unlock(this.#w, LOCK);
    this.#after(woken);
    return wt.promise;
  }

  /** tryRLock acquires a read lock only if that needs no wait, and reports whether it did. */
  tryRLock(): boolean {
    return this.#try(false);
  }

  /**
   * rUnlock releases one read lock; the last reader out lets a pending writer in, on whatever thread it waits. It
   * throws SyncMisuseError `sync: RUnlock of unlocked RWMutex` (fatal in Go) if no read lock is held.
   */
  rUnlock(): void {
    const w = this.#w;
    lock(this.#w, LOCK);
    if (w[READERS] === 0) {
      unlock(this.#w, LOCK);
      throw rUnlockOfUnlockedRWMutex();
    }
    w[READERS] = w[READERS]! - 1;
    this.#holds.remove(1);
    const woken = this.#settle(false);
    unlock(this.#w, LOCK);
    this.#after(woken);
  }

  /**
   * lock acquires the write lock, parking (wait reason `sync.RWMutex.Lock`) until no reader and no other writer
   * holds it. From the moment a writer claims the lock, new readers on every thread wait. Writers are served like
   * SharedMutex lockers: in arrival order within a thread, threads taking turns.
   */
  lock(): Promise<void> {
    const w = this.#w;
    lock(this.#w, LOCK);
    if (w[WRITER] === 0 && w[PENDING] === 0 && w[READERS] === 0) {
      w[WRITER] = myToken();
      unlock(this.#w, LOCK);
      return RESOLVED;
    }
    const wt = new SyncWaiter(WLOCK);
    this.#writers.push(wt);
    if (this.#writers.size === 1) {
      if (w[WRITER] === 0 && w[PENDING] === 0) {
        // Readers hold the lock: claim it, stopping new readers, and wait for these to leave.
        w[PENDING] = myToken();
        this.#line.put(CLAIMED);
      } else {
        this.#line.join();
      }
    }
    const woken = this.#settle(true);
    unlock(this.#w, LOCK);
    this.#after(woken);
    return wt.promise;
  }

  /** tryLock acquires the write lock only if nobody holds or awaits the lock, and reports whether it did. */
  tryLock(): boolean {
    return this.#try(true);
  }

  /**
   * unlock releases the write lock: every reader parked meanwhile, on every thread, gets in, then the next queued
   * writer claims the lock (and holds it at once if no reader was parked). It throws SyncMisuseError
   * `sync: Unlock of unlocked RWMutex` (fatal in Go) if the write lock is not held.
   */
  unlock(): void {
    const w = this.#w;
    lock(this.#w, LOCK);
    if (w[WRITER] === 0) {
      unlock(this.#w, LOCK);
      throw unlockOfUnlockedRWMutex();
    }
    w[WRITER] = 0;
    Atomics.store(w, RECOVERED, 0);
    const woken = this.#settle(false);
    unlock(this.#w, LOCK);
    this.#after(woken);
  }

  /**
   * rLocker returns a Locker whose lock and unlock are this mutex's rLock and rUnlock (Go's RLocker). It returns the
   * same object on every call. It is a shared object too: pass it to a task or post `toWire(l)`, and the other side
   * gets the rLocker of its own object for this mutex (a SharedCond over the read side crosses threads this way).
   *
   * @example
   * const cond = new SharedCond(rw.rLocker()); // waiters hold read locks
   */
  rLocker(): Locker & Wireable {
    return (this.#rlocker ??= new SharedRLocker(this, this.#o));
  }

  [TO_WIRE](): Wire {
    return this.#o.wire();
  }

  /** repoll (parker.ts) runs when another thread may have admitted this thread's readers or granted its writer. */
  repoll(): void {
    lock(this.#w, LOCK);
    const woken = this.#settle(true);
    unlock(this.#w, LOCK);
    this.#after(woken);
  }

  // Internals; called with LOCK held unless they take it.

  #try(write: boolean): boolean {
    const w = this.#w;
    lock(this.#w, LOCK);
    let woken: SyncWaiter[] | null = null;
    let ok = this.#free(write);
    if (!ok) {
      woken = this.#settle(true); // a dead holder may be all that is in the way
      ok = this.#free(write);
    }
    if (ok && write) w[WRITER] = myToken();
    else if (ok) this.#addReaders(me(), myToken(), 1);
    unlock(this.#w, LOCK);
    this.#after(woken);
    return ok;
  }

  #free(write: boolean): boolean {
    const w = this.#w;
    return w[WRITER] === 0 && w[PENDING] === 0 && (!write || w[READERS] === 0);
  }

  /** #addReaders counts `n` read locks held by thread `s` (owner token `token`). */
  #addReaders(s: number, token: number, n: number): void {
    const w = this.#w;
    w[READERS] = w[READERS]! + n - this.#holds.add(s, token, n);
  }

  /** #myQueue is the index of this thread's reader queue words, reset if an earlier thread of the slot left them. */
  #myQueue(): number {
    const w = this.#w;
    const q = READERQ + me() * Q_WORDS;
    if (w[q + Q_TOKEN] !== myToken()) {
      w[q + Q_PARKED] = 0;
      w[q + Q_ADMITTED] = 0;
      w[q + Q_TOKEN] = myToken();
    }
    return q;
  }

  /**
   * #settle restores the invariants after any change (and takes back what dead threads held if `recover`), then
   * collects what this thread was given: the goroutines to wake once LOCK is released.
   */
  #settle(recover: boolean): SyncWaiter[] | null {
    const w = this.#w;
    // pass 1 - take back what dead threads hold: the write lock, a claim, read locks.
    if (recover) {
      const writer = w[WRITER]!;
      if (writer !== 0 && !isOwnerAlive(writer)) {
        w[WRITER] = 0;
        Atomics.store(w, RECOVERED, 1);
      }
      const pending = w[PENDING]!;
      if (pending !== 0 && !isOwnerAlive(pending)) w[PENDING] = 0;
      const lost = this.#holds.reap();
      if (lost > 0) {
        w[READERS] = w[READERS]! - lost;
        Atomics.store(w, RECOVERED, 1);
      }
    }
    // pass 2 - the claiming writer gets the lock once the last reader has left.
    if (w[WRITER] === 0 && w[PENDING] !== 0 && w[READERS] === 0) {
      const s = tokenSlot(w[PENDING]!);
      w[WRITER] = w[PENDING]!;
      w[PENDING] = 0;
      this.#line.serve(s);
      wakeLater(s);
    }
    // pass 3 - nobody holds or claims the write lock: admit every parked reader, then the next writer claims it.
    if (w[WRITER] === 0 && w[PENDING] === 0) {
      this.#admitAll();
      const s = this.#line.oldest();
      if (s >= 0) {
        if (w[READERS] === 0) {
          w[WRITER] = this.#line.token(s);
          this.#line.serve(s);
          wakeLater(s);
        } else {
          w[PENDING] = this.#line.token(s);
          this.#line.claim(s);
        }
      }
    }
    // pass 4 - collect what was given to this thread.
    return this.#collect();
  }

  /** #admitAll admits the parked readers of every live thread, counting them as held. */
  #admitAll(): void {
    const w = this.#w;
    for (let m = 0; m < 2; m++) {
      let bits = w[RMASK + m]!;
      w[RMASK + m] = 0;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits);
        bits &= ~(1 << b);
        const s = m * 32 + b;
        const q = READERQ + s * Q_WORDS;
        const n = w[q + Q_PARKED]!;
        w[q + Q_PARKED] = 0;
        const token = w[q + Q_TOKEN]!;
        if (n === 0 || !isOwnerAlive(token)) continue;
        this.#addReaders(s, token, n);
        w[q + Q_ADMITTED] = w[q + Q_ADMITTED]! + n;
        wakeLater(s);
      }
    }
  }

  #collect(): SyncWaiter[] | null {
    const w = this.#w;
    let woken: SyncWaiter[] | null = null;
    if (this.#line.mine() === GRANTED) {
      this.#line.put(NONE);
      // A granted record stands for this thread's oldest parked writer (writers cannot give up waiting).
      (woken ??= []).push(this.#writers.shift()!);
      if (this.#writers.size > 0) this.#line.join();
    }
    const q = READERQ + me() * Q_WORDS;
    if (w[q + Q_TOKEN] === myToken() && w[q + Q_ADMITTED]! > 0) {
      for (let n = w[q + Q_ADMITTED]!; n > 0; n--) {
        const r = this.#readers.shift();
        if (r !== null) (woken ??= []).push(r);
      }
      w[q + Q_ADMITTED] = 0;
    }
    return woken;
  }

  #after(woken: SyncWaiter[] | null): void {
    flushWakes();
    if (woken !== null) for (const wt of woken) wt.wake();
    this.#o.watch(this.#writers.size > 0 || this.#readers.size > 0);
  }
}

registerSyncKind(KIND, () => new SharedRWMutex());

export const SHARED_RLOCKER_KIND = 'gocsp.sharedRLocker';

/** SharedRLocker is the read side of a SharedRWMutex as a Locker (SharedRWMutex.rLocker), able to cross threads. */
class SharedRLocker implements Locker, Wireable {
  readonly #rw: SharedRWMutex;
  readonly #o: SyncObject;

  constructor(rw: SharedRWMutex, o: SyncObject) {
    this.#rw = rw;
    this.#o = o;
  }

  lock(): Promise<void> {
    return this.#rw.rLock();
  }

  unlock(): void {
    this.#rw.rUnlock();
  }

  [TO_WIRE](): Wire {
    return { ...this.#o.wire(), [WIRE_KIND]: SHARED_RLOCKER_KIND };
  }
}

registerWireKind(SHARED_RLOCKER_KIND, (w) =>
  (fromWire({ ...w, [WIRE_KIND]: SHARED_RW_MUTEX_KIND }) as SharedRWMutex).rLocker(),
);

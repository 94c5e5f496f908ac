/**
 * RWMutex is Go's sync.RWMutex for one thread: many readers or one writer, with Go's writer preference.
 *
 *   readers   read locks held now
 *   writer    true while a writer holds the lock
 *   pending   the writer that has claimed the lock and waits for the readers holding it to leave
 *   writers   FIFO of writers queued behind the holding or pending writer
 *   readerq   readers queued behind the holding or pending writer; admitted all together when it unlocks
 *
 * Invariants:
 * - writer implies readers === 0 and pending === null; pending !== null implies readers > 0.
 * - writers or readerq non-empty implies writer || pending !== null.
 *
 * Fairness, as Go: a writer that wants the lock stops new readers at once (they queue in readerq), so a steady
 * stream of readers cannot starve it. When it unlocks, every reader that queued meanwhile gets in before the next
 * writer, which then claims the lock and waits for exactly those readers; so writers cannot starve readers either.
 */
import { Broadcast } from './broadcast.js';
import { rUnlockOfUnlockedRWMutex, unlockOfUnlockedRWMutex } from './misuse-panics.js';
import type { Locker } from './locker.js';
import { park, SyncWaiter } from './sync-waiter.js';
import { WaitQueue } from '../sched/wait-queue.js';

const RESOLVED: Promise<void> = Promise.resolve();
const RLOCK = 'sync.RWMutex.RLock';
const LOCK = 'sync.RWMutex.Lock';

/**
 * RWMutex is Go's sync.RWMutex for one thread: any number of readers (rLock/rUnlock) or one writer (lock/unlock),
 * with Go's fairness: a waiting writer stops new readers, and the readers that queued behind it go before the next
 * writer. Misuse throws SyncMisuseError with Go's message.
 *
 * @example
 * const rw = new RWMutex();
 * await rw.rLock();
 * try { return cache.get(key); } finally { rw.rUnlock(); }
 */
export class RWMutex implements Locker {
  #readers = 0;
  #writer = false;
  #pending: SyncWaiter | null = null;
  readonly #writers = new WaitQueue<SyncWaiter>();
  readonly #readerq = new Broadcast();
  #rlocker: Locker | null = null;

  /**
   * rLock acquires a read lock, parking (wait reason `sync.RWMutex.RLock`) while a writer holds the lock or waits
   * for it. Do not take a read lock recursively: a writer arriving in between makes the inner rLock wait for the
   * writer, which waits for the outer read lock, a deadlock (as in Go).
   *
   * @example
   * await rw.rLock();
   * try { return cache.get(key); } finally { rw.rUnlock(); }
   */
  rLock(): Promise<void> {
    if (this.#writer || this.#pending !== null) return this.#readerq.wait(RLOCK);
    this.#readers++;
    return RESOLVED;
  }

  /** tryRLock acquires a read lock only if that needs no wait, and reports whether it did. */
  tryRLock(): boolean {
    if (this.#writer || this.#pending !== null) return false;
    this.#readers++;
    return true;
  }

  /**
   * rUnlock releases one read lock; the last reader out lets a pending writer in. It throws SyncMisuseError
   * `sync: RUnlock of unlocked RWMutex` (fatal in Go) if no read lock is held.
   */
  rUnlock(): void {
    if (this.#readers === 0) throw rUnlockOfUnlockedRWMutex();
    if (--this.#readers === 0 && this.#pending !== null) {
      const w = this.#pending;
      this.#pending = null;
      this.#writer = true;
      w.wake();
    }
  }

  /**
   * lock acquires the write lock, parking (wait reason `sync.RWMutex.Lock`) until no reader and no other writer
   * holds it. Writers get the lock in arrival order; from the moment a writer claims the lock, new readers wait.
   */
  lock(): Promise<void> {
    if (this.#writer || this.#pending !== null) return park(this.#writers, LOCK);
    if (this.#readers === 0) {
      this.#writer = true;
      return RESOLVED;
    }
    const w = new SyncWaiter(LOCK);
    this.#pending = w;
    return w.promise;
  }

  /** tryLock acquires the write lock only if nobody holds or awaits the lock, and reports whether it did. */
  tryLock(): boolean {
    if (this.#writer || this.#pending !== null || this.#readers !== 0) return false;
    this.#writer = true;
    return true;
  }

  /**
   * unlock releases the write lock: every reader queued meanwhile gets in, then the next queued writer claims the
   * lock (at once if no reader was queued). It throws SyncMisuseError `sync: Unlock of unlocked RWMutex` (fatal in
   * Go) if the write lock is not held.
   */
  unlock(): void {
    if (!this.#writer) throw unlockOfUnlockedRWMutex();
    this.#writer = false;
    // pass 1 - admit every reader that queued behind this writer.
    const r = this.#readerq.size;
    if (r > 0) {
      this.#readers += r;
      this.#readerq.release();
    }
    // pass 2 - the next writer claims the lock: it holds it at once, or waits for the readers just admitted.
    const w = this.#writers.shift();
    if (w === null) return;
    if (this.#readers === 0) {
      this.#writer = true;
      w.wake();
    } else {
      this.#pending = w;
    }
  }

  /**
   * rLocker returns a Locker whose lock and unlock are this mutex's rLock and rUnlock (Go's RLocker), for code
   * that takes any Locker. It returns the same object on every call.
   */
  rLocker(): Locker {
    return (this.#rlocker ??= Object.freeze({
      lock: (): Promise<void> => this.rLock(),
      unlock: (): void => this.rUnlock(),
    }));
  }
}

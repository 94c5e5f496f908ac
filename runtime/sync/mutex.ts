/**
 * Mutex is Go's sync.Mutex for one thread: a mutual exclusion lock with a strict FIFO hand-off.
 *
 *   locked    true from a lock until the matching unlock, and across a hand-off
 *   waiters   FIFO of goroutines parked in lock()
 *
 * Invariant: waiters is non-empty only while locked is true. unlock() with waiters does not release the lock: it
 * passes ownership straight to the first waiter (locked stays true), so nobody can barge in between the unlock and
 * the waiter's wake-up (tryLock fails, a new lock() queues behind), and no waiter starves. Go's Mutex only switches
 * to hand-off in its starvation mode; on one thread strict FIFO costs nothing and is easier to reason about.
 *
 * The uncontended path allocates nothing: lock() returns one shared settled promise.
 */
import { unlockOfUnlockedMutex } from './misuse-panics.js';
import type { Locker } from './locker.js';
import { WaitQueue } from '../sched/wait-queue.js';
import { park, type SyncWaiter } from './sync-waiter.js';

const RESOLVED: Promise<void> = Promise.resolve();
const LOCK = 'sync.Mutex.Lock';

/**
 * Mutex is Go's sync.Mutex for goroutines of one thread: lock() resolves once the caller holds the lock, unlock()
 * hands it to the first waiter (strict FIFO, no barging). unlock of an unlocked Mutex throws SyncMisuseError
 * `sync: unlock of unlocked mutex`. Across threads, use SharedMutex.
 *
 * @example
 * const mu = new Mutex();
 * await mu.lock();
 * try { balance += amount; } finally { mu.unlock(); }
 */
export class Mutex implements Locker {
  #locked = false;
  readonly #waiters = new WaitQueue<SyncWaiter>();

  /**
   * lock acquires the mutex, parking until it is free (wait reason `sync.Mutex.Lock`). Parked lockers get the mutex
   * in arrival order. The mutex is not tied to a goroutine: any goroutine may unlock it. A goroutine that locks a
   * mutex it already holds waits forever, as in Go (the deadlock report shows it).
   *
   * @example
   * const mu = new Mutex();
   * await mu.lock();
   * try { balance += amount; } finally { mu.unlock(); }
   */
  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return RESOLVED;
    }
    return park(this.#waiters, LOCK);
  }

  /**
   * tryLock acquires the mutex only if it is free right now and reports whether it did (Go 1.18's TryLock). It
   * fails while the mutex is being handed to a parked locker.
   */
  tryLock(): boolean {
    if (this.#locked) return false;
    this.#locked = true;
    return true;
  }

  /**
   * unlock releases the mutex, or hands it to the longest-parked locker if there is one. It throws SyncMisuseError
   * `sync: unlock of unlocked mutex` (fatal in Go) if the mutex is not locked.
   */
  unlock(): void {
    if (!this.#locked) throw unlockOfUnlockedMutex();
    const w = this.#waiters.shift();
    if (w === null) this.#locked = false;
    else w.wake();
  }
}

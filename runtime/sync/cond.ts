/**
 * Cond is Go's sync.Cond for one thread: a rendezvous point for goroutines waiting for, or announcing, the change
 * of a condition guarded by a Locker.
 *
 *   l         the Locker held while the condition is checked or changed (Go's L)
 *   waiters   FIFO of goroutines parked in wait(), in the order they called it (Go's notifyList tickets)
 *
 * Invariant: a waiter is in `waiters` from the synchronous step of its wait() until the signal or broadcast that
 * wakes it, and in no other list. Go's wait takes a ticket before it unlocks, so a signal sent by whoever gets the
 * lock next is never lost; here the waiter is queued before l.unlock() runs, to the same effect. A signal or
 * broadcast wakes only waiters queued before it: a signal with nobody waiting is lost, as in Go.
 *
 * A woken waiter relocks l before its wait() resolves; with a Mutex, woken waiters get the lock in wake-up order,
 * behind anyone already queued for it.
 */
import { InvalidArgumentError } from '../panics.js';
import { describe } from '../validate.js';
import type { Locker } from './locker.js';
import { SyncWaiter } from './sync-waiter.js';
import { WaitQueue } from '../sched/wait-queue.js';

const WAIT = 'sync.Cond.Wait';

/**
 * Cond is Go's sync.Cond: goroutines wait() (unlocking its Locker, relocking it before wait resolves) until
 * another signals one of them or broadcasts to all. Check the condition in a loop, as in Go.
 *
 * @example
 * const mu = new Mutex();
 * const ready = new Cond(mu);
 * await mu.lock();
 * while (queue.length === 0) await ready.wait();
 * const item = queue.shift();
 * mu.unlock();
 */
export class Cond {
  /** l is the Locker that wait() unlocks and relocks, and that callers hold while they check the condition. */
  readonly l: Locker;
  readonly #waiters = new WaitQueue<SyncWaiter>();

  /**
   * Cond makes a condition variable over `l` (Go's sync.NewCond): a Mutex, an RWMutex, `rw.rLocker()`, or any
   * Locker. Throws InvalidArgumentError if `l` has no lock and unlock methods.
   *
   * @example
   * const mu = new Mutex();
   * const ready = new Cond(mu);
   * const queue: Job[] = [];
   * // consumer
   * await mu.lock();
   * while (queue.length === 0) await ready.wait();
   * const job = queue.shift()!;
   * mu.unlock();
   * // producer
   * await mu.lock();
   * queue.push(job);
   * ready.signal();
   * mu.unlock();
   */
  constructor(l: Locker) {
    const c = l as Partial<Locker> | null;
    if (typeof c !== 'object' || c === null || typeof c.lock !== 'function' || typeof c.unlock !== 'function') {
      throw new InvalidArgumentError(`new Cond: l must be a Locker (lock and unlock methods), got ${describe(l)}`);
    }
    this.l = l;
  }

  /**
   * wait unlocks `l`, parks the caller (wait reason `sync.Cond.Wait`) until a signal or broadcast wakes it, then
   * locks `l` again before it resolves. Call it with `l` held. As in Go, the condition may no longer hold when
   * wait resolves (another goroutine may have taken the lock first and changed it), so wait in a loop:
   * `while (!condition()) await cond.wait();`.
   *
   * Never throws: if `l.unlock()` throws, as a Mutex does when it is not locked (`sync: unlock of unlocked mutex`,
   * fatal in Go), the promise rejects with that error and the caller is not queued. A rejection of the final
   * `l.lock()` rejects the promise too.
   */
  wait(): Promise<void> {
    // Queue first, then unlock: the wake-up of a signal sent right after the unlock is not lost.
    const w = new SyncWaiter(WAIT);
    this.#waiters.push(w);
    try {
      this.l.unlock();
    } catch (e) {
      this.#waiters.remove(w);
      w.wake(); // ends the park; nobody observes w.promise
      return Promise.reject(e);
    }
    return w.promise.then(() => this.l.lock());
  }

  /**
   * signal wakes the goroutine that has waited longest, if any (Go's Signal); with nobody waiting it does nothing.
   * The caller may, but need not, hold `l`.
   */
  signal(): void {
    this.#waiters.shift()?.wake();
  }

  /** broadcast wakes every goroutine waiting now, in the order they called wait (Go's Broadcast). */
  broadcast(): void {
    for (let n = this.#waiters.size; n > 0; n--) this.#waiters.shift()!.wake();
  }
}

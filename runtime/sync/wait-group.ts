/**
 * WaitGroup is Go's sync.WaitGroup: a counter of outstanding tasks that goroutines can wait on until it is zero.
 *
 *   count     outstanding tasks; never negative
 *   waiters   goroutines parked in wait(), released together when count drops to zero
 *   checked   the promise the current group of waiters gets: it settles after the reuse check below
 *
 * Reuse, as Go: a WaitGroup may count a new set of tasks only after every wait() of the previous set has returned.
 * Go's waiter checks, once woken, that the counter is still zero; here the check runs in the microtask after the
 * release, before any released waiter continues, so `wg.done(); wg.add(1)` in one step (a waiter released and the
 * group restarted under it) rejects those waiters with `sync: WaitGroup is reused before previous Wait has
 * returned`. A waiter that calls add() after its wait() returned is fine.
 */
import { go as spawnGoroutine } from '../go.js';
import { checkFunction, checkInteger } from '../validate.js';
import { Broadcast } from './broadcast.js';
import { negativeWaitGroupCounter, waitGroupReused } from './misuse-panics.js';

const RESOLVED: Promise<void> = Promise.resolve();
const WAIT = 'sync.WaitGroup.Wait';

/**
 * WaitGroup is Go's sync.WaitGroup: add(n) counts tasks, done() marks one finished, wait() resolves when the count
 * is zero. A negative count throws SyncMisuseError `sync: negative WaitGroup counter`; restarting the group under a
 * waiter rejects that waiter, as Go panics on reuse.
 *
 * @example
 * const wg = new WaitGroup();
 * for (const job of jobs) wg.go(() => run(job)); // wg.add(1) + go + wg.done()
 * await wg.wait();
 */
export class WaitGroup {
  #count = 0;
  readonly #waiters = new Broadcast();
  #raw: Promise<void> | null = null;
  #checked: Promise<void> = RESOLVED;

  /**
   * add adds `delta` (a safe integer, possibly negative) to the counter. When the counter reaches zero every
   * goroutine parked in wait() is released. Call add before starting the goroutine it counts, not inside it.
   *
   * Throws SyncMisuseError `sync: negative WaitGroup counter` if the counter would drop below zero, and
   * InvalidArgumentError for a delta that is not a safe integer; either way the counter is unchanged.
   */
  add(delta: number): void {
    this.#add(checkInteger('WaitGroup.add', 'delta', delta));
  }

  /** done decrements the counter by one (Go's Done); it throws like add(-1). */
  done(): void {
    this.#add(-1);
  }

  /**
   * wait parks the caller until the counter is zero (wait reason `sync.WaitGroup.Wait`), and resolves at once if it
   * already is. Any number of goroutines may wait; all are released together. It rejects with SyncMisuseError
   * `sync: WaitGroup is reused before previous Wait has returned` if the counter was raised again before the
   * released waiters could return (see the file comment).
   *
   * @example
   * const wg = new WaitGroup();
   * for (const url of urls) wg.go(() => fetchOne(url));
   * await wg.wait();
   */
  wait(): Promise<void> {
    if (this.#count === 0) return RESOLVED;
    const p = this.#waiters.wait(WAIT);
    if (p !== this.#raw) {
      this.#raw = p;
      this.#checked = p.then(this.#afterWait);
    }
    return this.#checked;
  }

  /**
   * go runs `fn` in a new goroutine counted by this group (Go 1.25's WaitGroup.Go): it adds one now and calls done
   * when `fn` returns or its promise settles. A throw or rejection of `fn` still calls done, and then is a panic of
   * that goroutine, routed like any other (see setPanicHandler). Throws InvalidArgumentError if `fn` is not a
   * function (nothing is added then).
   *
   * @example
   * const wg = new WaitGroup();
   * for (let i = 0; i < 3; i++) wg.go(async () => { await work(i); });
   * await wg.wait();
   */
  go(fn: () => unknown): void {
    checkFunction('WaitGroup.go', 'fn', fn);
    this.#add(1);
    spawnGoroutine(async () => {
      try {
        await fn();
      } finally {
        this.#add(-1);
      }
    });
  }

  #add(delta: number): void {
    const v = this.#count + delta;
    if (v < 0) throw negativeWaitGroupCounter();
    this.#count = v;
    if (v === 0) this.#waiters.release();
  }

  #afterWait = (): void => {
    if (this.#count !== 0) throw waitGroupReused();
  };
}

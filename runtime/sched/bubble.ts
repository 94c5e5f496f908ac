/**
 * Bubble is a synctest bubble: a group of goroutines on a virtual clock that jumps to the next timer as soon as
 * every goroutine of the group is parked on a gocsp operation (Go's "durably blocked").
 *
 * Accounting: `live` counts the group's goroutines (the root function included), `parked` counts parks begun while
 * the bubble is active and not yet ended. When parked >= live, a check is scheduled with setImmediate, so it runs
 * after every pending microtask: a goroutine that was just woken has had its chance to run. The check then either
 * answers a pending synctest.wait(), or advances the clock to the earliest timer and fires every timer due then, or,
 * with no timer left, fails the bubble with a deadlock.
 *
 * A goroutine awaiting something that is not a gocsp operation (I/O, a plain promise) is not parked, so virtual time
 * stands still until it comes back, as Go's synctest does for goroutines blocked on I/O.
 *
 * Virtual time is exact: the clock counts whole nanoseconds from VIRTUAL_EPOCH (0 at the start, as Go's int64
 * nanoseconds), so it can express every timer's due time and moves by exactly the durations slept; it only moves
 * in the check, from a setImmediate, so a timer of d > 0 is never due at the turn that armed it.
 *
 * Only one bubble is active at a time in a thread: the runtime reads the active bubble from a module variable, not
 * from an async context.
 */
import { DeadlockError } from '../panics.js';
import type { Clock } from './real-clock.js';
import { TimerHeap } from './timer-heap.js';

/** VIRTUAL_EPOCH is where a bubble's clock starts: midnight UTC, 1 January 2000, as in Go's synctest. */
export const VIRTUAL_EPOCH = Date.UTC(2000, 0, 1);

export class Bubble implements Clock {
  readonly timers = new TimerHeap();
  readonly origin = VIRTUAL_EPOCH;
  live = 0;
  parked = 0;
  /** #now is the virtual time: whole nanoseconds since VIRTUAL_EPOCH. */
  #now = 0;
  #scheduled = false;
  #waiter: (() => void) | null = null;
  #onIdle: (() => void) | null = null;
  #fail: (e: unknown) => void;

  constructor(fail: (e: unknown) => void) {
    this.#fail = fail;
  }

  nanotime(): number {
    return this.#now;
  }

  park(): void {
    if (++this.parked >= this.live) this.#schedule();
  }

  unpark(): void {
    this.parked--;
  }

  started(): void {
    this.live++;
  }

  exited(): void {
    this.live--;
    if (this.live === 0) this.#onIdle?.();
    else if (this.parked >= this.live) this.#schedule();
  }

  /** panicked ends the bubble with a goroutine's panic. */
  panicked(e: unknown): void {
    this.#fail(e);
  }

  /** whenIdle registers the callback run once every goroutine of the bubble has returned. */
  whenIdle(f: () => void): void {
    this.#onIdle = f;
  }

  /** wait parks the caller until every other goroutine of the bubble is parked (synctest.wait). */
  wait(): Promise<void> {
    if (this.#waiter !== null) throw new Error('synctest.wait: another goroutine is already waiting');
    return new Promise((resolve) => {
      this.#waiter = () => {
        this.#waiter = null;
        this.unpark();
        resolve();
      };
      this.park();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#check);
  }

  #check = (): void => {
    this.#scheduled = false;
    if (this.live === 0 || this.parked < this.live) return;
    if (this.#waiter !== null) {
      this.#waiter();
      // The released waiter may go on to await something already parked (a promise whose gocsp operation parked
      // before the wait): no new park would schedule the next check, so schedule it now. It runs after the
      // waiter's microtasks, and advances time only if everything is still parked then.
      this.#schedule();
      return;
    }
    const next = this.timers.peek();
    if (next === undefined) {
      this.#fail(new DeadlockError('deadlock: all goroutines in bubble are blocked'));
      return;
    }
    if (next.when > this.#now) this.#now = next.when;
    this.timers.runDue(this.#now);
    // A timer may have fired without waking anyone (a context deadline nobody waits on): look again.
    if (this.parked >= this.live) this.#schedule();
  };
}

/** activeBubble is the bubble whose run() is in progress on this thread, if any. */
export let activeBubble: Bubble | null = null;

export function setActiveBubble(b: Bubble | null): void {
  activeBubble = b;
}

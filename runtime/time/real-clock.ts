/**
 * The real clock of this thread: wall time with a monotonic source, and the thread's one TimerHeap driven by a
 * single Node timer.
 *
 * The Node timer is armed for the earliest entry and is ref'ed only while some entry is (a goroutine waits on it), so
 * timers nobody waits on never keep the process alive.
 */
import { TimerHeap } from './heap.js';

/** Clock is where time is read and timers are kept: the real clock, or a synctest bubble's virtual one. */
export interface Clock {
  /** now is the current time in milliseconds since the Unix epoch (fractional, monotonic). */
  now(): number;
  readonly timers: TimerHeap;
}

const origin = performance.timeOrigin;

class RealClock implements Clock {
  readonly timers = new TimerHeap();
  #handle: NodeJS.Timeout | null = null;
  #armedFor = Infinity;

  constructor() {
    this.timers.onChange = () => this.#rearm();
  }

  now(): number {
    return origin + performance.now();
  }

  #rearm(): void {
    const first = this.timers.peek();
    if (first === undefined) {
      // Leave a stale handle to fire harmlessly rather than churn clearTimeout/setTimeout on every add/remove.
      this.#handle?.unref();
      return;
    }
    if (this.#handle === null || first.when < this.#armedFor) {
      if (this.#handle !== null) clearTimeout(this.#handle);
      this.#armedFor = first.when;
      this.#handle = setTimeout(this.#tick, Math.max(0, first.when - this.now()));
    }
    if (this.timers.refCount > 0) this.#handle.ref();
    else this.#handle.unref();
  }

  #tick = (): void => {
    this.#handle = null;
    this.#armedFor = Infinity;
    // Node's timers run on a millisecond clock and may fire a fraction early; runDue leaves such entries and the
    // onChange it triggers re-arms for them.
    this.timers.runDue(this.now());
  };
}

/** realClock is this thread's real clock. */
export const realClock: Clock = new RealClock();

/**
 * The real clock of this thread: a monotonic reading in whole nanoseconds (performance.now()), and the thread's one
 * TimerHeap driven by a single Node timer.
 *
 * The Node timer is armed for the earliest entry and is ref'ed only while some entry is (a goroutine waits on it), so
 * timers nobody waits on never keep the process alive.
 *
 * Node's setTimeout takes at most 2^31-1 ms (about 24.8 days): a longer delay is clamped to 1 ms with a
 * TimeoutOverflowWarning. So a farther entry is reached in steps of at most MAX_TIMEOUT: the Node timer fires, finds
 * nothing due, and is armed again for the rest. Node may also fire a timer a fraction early (it truncates delays to
 * whole ms and measures from the start of the loop iteration); an entry fires only once the clock has reached it,
 * so a sleep never returns early.
 */
import { TimerHeap } from './timer-heap.js';

/** Clock is where time is read and timers are kept: the real clock, or a synctest bubble's virtual one. */
export interface Clock {
  /**
   * nanotime is the clock's monotonic reading: whole nanoseconds since `origin`. Differences of two readings are
   * exact elapsed times (as long as they stay below 2^53 ns, about 104 days).
   */
  nanotime(): number;
  /** origin is the Unix time, in ms, of nanotime 0. */
  readonly origin: number;
  /** timers holds the clock's armed timers; an entry's `when` is a nanotime. */
  readonly timers: TimerHeap;
}

/** MAX_TIMEOUT is the longest delay, in ms, that Node's setTimeout honours. */
export const MAX_TIMEOUT = 2 ** 31 - 1;

/** TimerHandle is what the host's setTimeout returns: Node's Timeout. */
export interface TimerHandle {
  ref(): unknown;
  unref(): unknown;
}

/** TimerHost is what a RealClock runs on: Node's timers and performance.now() (replaced in tests). */
export interface TimerHost {
  /** now is the monotonic time in ms (performance.now()). */
  now(): number;
  /** origin is the Unix time, in ms, of now() = 0 (performance.timeOrigin). */
  readonly origin: number;
  setTimeout(f: () => void, ms: number): TimerHandle;
  clearTimeout(h: TimerHandle): void;
}

/** nodeHost looks the globals up at each call, so a test's spy on setTimeout sees the real clock's calls. */
const nodeHost: TimerHost = {
  now: () => performance.now(),
  origin: performance.timeOrigin,
  setTimeout: (f, ms) => setTimeout(f, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** RealClock is a clock on a TimerHost; `realClock` is the thread's one, on Node. */
export class RealClock implements Clock {
  readonly timers = new TimerHeap();
  readonly origin: number;
  readonly #host: TimerHost;
  #handle: TimerHandle | null = null;
  /** #armedFor is the nanotime the handle was armed for: the earliest entry's, or the end of a MAX_TIMEOUT step. */
  #armedFor = Infinity;

  constructor(host: TimerHost = nodeHost) {
    this.#host = host;
    this.origin = host.origin;
    this.timers.onChange = () => this.#rearm();
  }

  nanotime(): number {
    return Math.round(this.#host.now() * 1e6);
  }

  #rearm(): void {
    const first = this.timers.peek();
    if (first === undefined) {
      // Leave a stale handle to fire harmlessly rather than churn clearTimeout/setTimeout on every add/remove.
      this.#handle?.unref();
      return;
    }
    if (this.#handle === null || first.when < this.#armedFor) {
      if (this.#handle !== null) this.#host.clearTimeout(this.#handle);
      const now = this.nanotime();
      // Round up: Node truncates a delay to whole ms, which would fire before the entry is due.
      let ms = Math.max(0, Math.ceil((first.when - now) / 1e6));
      if (ms > MAX_TIMEOUT) {
        ms = MAX_TIMEOUT;
        this.#armedFor = now + MAX_TIMEOUT * 1e6;
      } else {
        this.#armedFor = first.when;
      }
      this.#handle = this.#host.setTimeout(this.#tick, ms);
    }
    if (this.timers.refCount > 0) this.#handle.ref();
    else this.#handle.unref();
  }

  #tick = (): void => {
    this.#handle = null;
    this.#armedFor = Infinity;
    // runDue fires only the entries the clock has reached; its onChange re-arms for the rest (the next step of a
    // long timer, or an entry Node fired a fraction early).
    this.timers.runDue(this.nanotime());
  };
}

/** realClock is this thread's real clock. */
export const realClock: Clock = new RealClock();

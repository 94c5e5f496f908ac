/**
 * AfterFuncTimer is the timer of Go's time.AfterFunc: no channel, a function started in its own goroutine when the
 * timer fires. Timer.afterFunc (timer.ts) makes one.
 *
 * It is one entry in the timer heap of the clock current at creation (a synctest bubble's virtual clock inside
 * synctest.run), never a setTimeout of its own. The entry is in the heap exactly while the timer is pending:
 * firing takes it out before `f` is started, stop takes it out, reset puts it back. So "was it pending?", which
 * stop and reset report, is whether the entry is in the heap.
 *
 * A pending timer keeps the process alive (its entry is ref'd): `f` is something the program waits for, and a
 * goroutine parked until `f` sends it something must not be reported as deadlocked. A program run by main() still
 * ends when its main goroutine returns, pending timers or not, as in Go.
 */
import { go } from '../go.js';
import { checkDuration } from '../validate.js';
import type { Clock } from './clock.js';
import { toNanos } from './duration.js';
import { newEntry, type TimerEntry } from '../sched/timer-heap.js';

/**
 * AfterFuncTimer is the timer of Go's time.AfterFunc, made by Timer.afterFunc: no channel; when it fires, its
 * function starts in a goroutine of its own. stop and reset report whether it was pending. A pending one keeps the
 * process alive.
 *
 * @example
 * const t = Timer.afterFunc(30 * Second, () => console.warn('still waiting for the reply'));
 * await reply;
 * t.stop(); // true: it had not fired
 */
export class AfterFuncTimer {
  readonly #clock: Clock;
  readonly #entry: TimerEntry;

  /** @internal use Timer.afterFunc. */
  /** `when` is the clock's nanotime at which `f` runs. */
  constructor(clock: Clock, when: number, f: () => unknown) {
    this.#clock = clock;
    this.#entry = newEntry(() => go(f), true);
    clock.timers.add(this.#entry, when);
  }

  /**
   * stop prevents `f` from running and reports whether it did: true if the timer was pending, false if `f` has
   * already been started (or the timer was already stopped). It does not wait for a running `f` to finish.
   *
   * @example
   * const t = Timer.afterFunc(5 * Second, () => conn.destroy());
   * await handle(conn);
   * if (!t.stop()) console.log('too late: the connection was destroyed');
   */
  stop(): boolean {
    return this.#clock.timers.remove(this.#entry);
  }

  /**
   * reset makes `f` run `d` ms from now (d <= 0: at once) and reports whether the timer was pending: true if it
   * rescheduled a pending call, false if it scheduled `f` to run again after it ran or was stopped (Go 1.23's
   * Timer.Reset for a func timer). Throws InvalidArgumentError if `d` is not a finite number.
   */
  reset(d: number): boolean {
    checkDuration('AfterFuncTimer.reset', 'd', d);
    const was = this.#entry.index >= 0;
    this.#clock.timers.add(this.#entry, this.#clock.nanotime() + toNanos(d));
    return was;
  }
}

/**
 * currentClock picks the clock that a new timer or a time read belongs to: the active synctest bubble's virtual
 * clock inside synctest.run, the thread's real clock everywhere else. unixMillis and clockNanos convert between a
 * clock's nanotime and Unix milliseconds (what Dates, nowMillis and withDeadline speak).
 */
import { activeBubble } from '../sched/bubble.js';
import { realClock, type Clock } from '../sched/real-clock.js';

export type { Clock } from '../sched/real-clock.js';

export function currentClock(): Clock {
  return activeBubble ?? realClock;
}

/** unixMillis is the Unix time in ms of the reading `ns` of `clock` (rounded to a double near 1e12: ~0.2 us). */
export function unixMillis(clock: Clock, ns: number): number {
  return clock.origin + ns / 1e6;
}

/** clockNanos is the reading of `clock` at the Unix time `ms`, to the nearest nanosecond. */
export function clockNanos(clock: Clock, ms: number): number {
  return Math.round((ms - clock.origin) * 1e6);
}

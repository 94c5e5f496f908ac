/**
 * sleep, now, nowMillis, nanotime and since: Go's time.Sleep, time.Now and time.Since on the current clock (virtual
 * inside synctest), and the clock's exact monotonic reading.
 */
import { parkEnd, parkStart } from '../sched/park.js';
import { checkDuration } from '../validate.js';
import { currentClock, unixMillis } from './clock.js';
import { toNanos } from './duration.js';
import { newEntry } from '../sched/timer-heap.js';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * sleep parks the calling goroutine for at least `d` ms (rounded to the nanosecond, at least 1 ns) and keeps the
 * process alive meanwhile; d <= 0 returns at once. It never returns early: the clock has moved by d when it returns,
 * on the real clock as on the virtual one. It never throws: a `d` that is not a finite number is a promise rejected
 * with InvalidArgumentError.
 *
 * @example
 * await sleep(250 * Millisecond);
 */
export function sleep(d: number): Promise<void> {
  try {
    checkDuration('sleep', 'd', d);
  } catch (e) {
    return Promise.reject(e);
  }
  if (d <= 0) return RESOLVED;
  const clock = currentClock();
  return new Promise<void>((resolve) => {
    const park = parkStart('sleep');
    // The holder of `resolve` names the wait for a goroutine dump (see sched/heap-walk.ts).
    const sleeper = { gocspWait: 'sleep', resolve };
    clock.timers.add(
      newEntry(() => {
        parkEnd(park);
        sleeper.resolve();
      }, true),
      clock.nanotime() + toNanos(d),
    );
  });
}

/**
 * now is the current time (Go's time.Now); inside synctest.run it is the bubble's virtual time.
 *
 * @example
 * await synctest.run(async () => {
 *   console.log(now().toISOString()); // 2000-01-01T00:00:00.000Z, the bubble's epoch
 * });
 */
export function now(): Date {
  const clock = currentClock();
  return new Date(unixMillis(clock, clock.nanotime()));
}

/**
 * nowMillis is the current time in milliseconds since the Unix epoch, fractional and monotonic, without allocating a
 * Date: a timestamp. Inside synctest.run it is the bubble's virtual time. A double near 1e12 has a resolution of
 * about 0.2 us: to measure elapsed time exactly, subtract two nanotime() readings instead.
 *
 * @example
 * const entry = { value: 'cached', expiresAt: nowMillis() + 5 * Minute };
 * if (nowMillis() < entry.expiresAt) console.log(entry.value); // cached
 */
export function nowMillis(): number {
  const clock = currentClock();
  return unixMillis(clock, clock.nanotime());
}

/**
 * nanotime is the current reading of the monotonic clock in whole nanoseconds, from an arbitrary origin (the process
 * start on the real clock, 2000-01-01T00:00:00Z inside synctest.run). The difference of two readings is the exact
 * elapsed time (Go's runtime.nanotime, behind time.Since): inside synctest.run, `sleep(d)` moves it by exactly d
 * rounded to the nanosecond. Readings of different clocks (inside and outside a bubble) cannot be compared.
 *
 * @example
 * const t0 = nanotime();
 * await sleep(1.5);
 * const elapsedMs = (nanotime() - t0) / 1e6; // exactly 1.5 inside synctest.run, at least 1.5 outside
 */
export function nanotime(): number {
  return currentClock().nanotime();
}

/**
 * since is the time elapsed since `t` (a Date or Unix ms), in ms (Go's time.Since).
 *
 * @example
 * const start = now();
 * await sleep(20);
 * console.log(since(start) >= 20); // true
 */
export function since(t: Date | number): number {
  return nowMillis() - (typeof t === 'number' ? t : t.getTime());
}

/**
 * sleep, now and since: Go's time.Sleep, time.Now and time.Since on the current clock (virtual inside synctest).
 */
import { parkEnd, parkStart } from '../sched/park.js';
import { checkDuration } from '../validate.js';
import { currentClock } from './clock.js';
import { newEntry } from './heap.js';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * sleep parks the calling goroutine for at least `d` ms and keeps the process alive meanwhile; d <= 0 returns at once.
 * It never throws: a `d` that is not a finite number is a promise rejected with InvalidArgumentError.
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
      clock.now() + d,
    );
  });
}

/** now is the current time (Go's time.Now); inside synctest.run it is the bubble's virtual time. */
export function now(): Date {
  return new Date(currentClock().now());
}

/**
 * nowMillis is the current time in milliseconds since the Unix epoch, fractional and monotonic, without allocating a
 * Date: the clock read for hot paths such as rate limiters. Inside synctest.run it is the bubble's virtual time.
 */
export function nowMillis(): number {
  return currentClock().now();
}

/** since is the time elapsed since `t`, in ms (Go's time.Since). */
export function since(t: Date | number): number {
  return currentClock().now() - (typeof t === 'number' ? t : t.getTime());
}

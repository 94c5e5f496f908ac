/**
 * Durations. gocsp measures time in milliseconds (JS's unit), where Go uses nanoseconds; these constants let code
 * read as in Go: `after(5 * Second)`, `sleep(250 * Millisecond)`.
 *
 * Clocks count whole nanoseconds (see Clock.nanotime), so a duration is rounded to the nearest nanosecond when a
 * timer is armed, as Go's integer Duration is; a positive duration is at least 1 ns, so that every sleep(d > 0)
 * moves time forward.
 */

/**
 * Nanosecond is one nanosecond in gocsp's unit, the millisecond (1e-6); durations round to whole nanoseconds.
 *
 * @example
 * await sleep(500 * Nanosecond);
 */
export const Nanosecond = 1e-6;
/**
 * Microsecond is one microsecond in milliseconds (1e-3).
 *
 * @example
 * await sleep(250 * Microsecond);
 */
export const Microsecond = 1e-3;
/**
 * Millisecond is gocsp's unit of time: durations are numbers of milliseconds, as in setTimeout.
 *
 * @example
 * const t = after(100 * Millisecond);
 */
export const Millisecond = 1;
/**
 * Second is one second in milliseconds (1000).
 *
 * @example
 * const [ctx, cancel] = withTimeout(background(), 5 * Second);
 */
export const Second = 1000;
// Written as literals (60 * Second, 60 * Minute), so that each constant has a literal type: tick(Minute) is then
// known to be non-null (see TickChan), as tick(Second) is.
/**
 * Minute is one minute in milliseconds (60000), a literal type so that tick(Minute) is known to be non-null.
 *
 * @example
 * for await (const t of tick(Minute)) console.log('still alive at', t);
 */
export const Minute = 60_000;
/**
 * Hour is one hour in milliseconds (3600000).
 *
 * @example
 * const expires = new Date(Date.now() + 2 * Hour);
 */
export const Hour = 3_600_000;

/** toNanos converts a duration in ms to whole nanoseconds: 0 for d <= 0, at least 1 for d > 0. */
export function toNanos(d: number): number {
  return d > 0 ? Math.max(1, Math.round(d * 1e6)) : 0;
}

/**
 * Durations. gocsp measures time in milliseconds (JS's unit), where Go uses nanoseconds; these constants let code
 * read as in Go: `after(5 * Second)`, `sleep(250 * Millisecond)`.
 *
 * Clocks count whole nanoseconds (see Clock.nanotime), so a duration is rounded to the nearest nanosecond when a
 * timer is armed, as Go's integer Duration is; a positive duration is at least 1 ns, so that every sleep(d > 0)
 * moves time forward.
 */
export const Nanosecond = 1e-6;
export const Microsecond = 1e-3;
export const Millisecond = 1;
export const Second = 1000;
// Written as literals (60 * Second, 60 * Minute), so that each constant has a literal type: tick(Minute) is then
// known to be non-null (see TickChan), as tick(Second) is.
export const Minute = 60_000;
export const Hour = 3_600_000;

/** toNanos converts a duration in ms to whole nanoseconds: 0 for d <= 0, at least 1 for d > 0. */
export function toNanos(d: number): number {
  return d > 0 ? Math.max(1, Math.round(d * 1e6)) : 0;
}

/**
 * Durations. gocsp measures time in milliseconds (JS's unit), where Go uses nanoseconds; these constants let code
 * read as in Go: `after(5 * Second)`, `sleep(250 * Millisecond)`.
 */
export const Nanosecond = 1e-6;
export const Microsecond = 1e-3;
export const Millisecond = 1;
export const Second = 1000;
// Written as literals (60 * Second, 60 * Minute), so that each constant has a literal type: tick(Minute) is then
// known to be non-null (see TickChan), as tick(Second) is.
export const Minute = 60_000;
export const Hour = 3_600_000;

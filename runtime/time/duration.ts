/**
 * Durations. gocsp measures time in milliseconds (JS's unit), where Go uses nanoseconds; these constants let code
 * read as in Go: `after(5 * Second)`, `sleep(250 * Millisecond)`.
 */
export const Nanosecond = 1e-6;
export const Microsecond = 1e-3;
export const Millisecond = 1;
export const Second = 1000;
export const Minute = 60 * Second;
export const Hour = 60 * Minute;

/**
 * WindowStrategy is how a SlidingWindowRateLimiter counts: an exact log of admission times (WindowLog) or counters
 * per sub-window with interpolation (WindowCounter). Times and durations are in one unit (the limiter uses the
 * clock's nanotime); times never decrease from one call to the next.
 */
export interface WindowStrategy {
  /** free brings the window to time t and returns how many more requests it admits at t. */
  free(t: number): number;
  /** record admits k requests at time t; the caller has checked that k <= free(t). */
  record(t: number, k: number): void;
  /** count is the number of requests in the window (t - windowSize, t]: exact, or the approximate mode's estimate. */
  count(t: number): number;
  /** waitTime is the time from t until k more requests fit, if nothing else is admitted meanwhile (0: they fit now). */
  waitTime(t: number, k: number): number;
  /** reset forgets every admission. */
  reset(): void;
}

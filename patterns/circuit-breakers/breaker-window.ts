/**
 * SlidingWindow is what a circuit breaker remembers of its recent calls: how many completed, how many failed and how
 * many were slow, over the last N calls (CountWindow) or the last T milliseconds (TimeWindow). The breaker's trip
 * policies read the totals; a window never decides anything itself.
 *
 * Only calls the breaker counts are recorded: an error that `isFailure` rejects and a result that arrives after a
 * state change (a late result of an earlier generation) leave the window as it was.
 */

export interface SlidingWindow {
  /** calls, failures and slow are the totals over the window as of the last advance or record. */
  readonly calls: number;
  readonly failures: number;
  readonly slow: number;
  /** advance drops what has left the window by time `now` (ms); a count window ignores time. */
  advance(now: number): void;
  /** record adds one completed call at time `now`. */
  record(failed: boolean, slow: boolean, now: number): void;
  /** clear forgets every call (the breaker starts each closed period with an empty window). */
  clear(): void;
  /** snapshot is the window's content as JSON-safe data, for CircuitBreaker.toJSON. */
  snapshot(): WindowSnapshot;
  /**
   * restore replaces the content with a snapshot taken from a window of the same shape, and reports whether it did;
   * a snapshot of another shape (kind, size, duration or bucket count) is ignored and the window stays empty.
   */
  restore(s: WindowSnapshot): boolean;
}

/**
 * CountWindowSnapshot: `outcomes` lists the calls oldest first, one letter each: `s` success, `f` failure, and
 * upper case for a slow one (`S`, `F`).
 *
 * @example
 * const breaker = new CircuitBreaker({ tripPolicy: 'rate', windowType: 'count', windowSize: 10 });
 * await breaker.call(() => 'ok');
 * await breaker.call(() => Promise.reject(new Error('no'))).catch(() => {});
 * const w = breaker.toJSON().window;
 * if (w?.kind === 'count') { const c: CountWindowSnapshot = w; console.log(c.outcomes); } // sf
 */
export interface CountWindowSnapshot {
  readonly kind: 'count';
  readonly size: number;
  readonly outcomes: string;
}

/**
 * TimeWindowSnapshot: the live buckets, each with its start time (epoch ms) and its totals.
 *
 * @example
 * const breaker = new CircuitBreaker({ tripPolicy: 'rate', windowType: 'time', windowDuration: Minute });
 * await breaker.call(() => 'ok');
 * const w = breaker.toJSON().window;
 * if (w?.kind === 'time') { const t: TimeWindowSnapshot = w; console.log(t.data.map((b) => b.calls)); } // [ 1 ]
 */
export interface TimeWindowSnapshot {
  readonly kind: 'time';
  readonly duration: number;
  readonly buckets: number;
  readonly data: readonly { readonly start: number; readonly calls: number; readonly failures: number; readonly slow: number }[];
}

/**
 * WindowSnapshot is a breaker's sliding window in a CircuitBreakerSnapshot: the last calls of a count window, or
 * the live buckets of a time window.
 *
 * @example
 * const w = breaker.toJSON().window;
 * if (w?.kind === 'count') console.log(`recent calls: ${w.outcomes}`); // e.g. "ssfS"
 */
export type WindowSnapshot = CountWindowSnapshot | TimeWindowSnapshot;

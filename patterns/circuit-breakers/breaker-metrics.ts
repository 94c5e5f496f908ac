/**
 * CircuitBreakerMetrics is what getMetrics reports, and BreakerCounters the counters behind it. The counters are
 * cumulative since the breaker was made (or reset); the rates are over the sliding window, as the breaker sees them.
 * With enableMetrics: false the counters and the transition log stay at zero and empty; state and rates stay live.
 */
import type { CircuitState, StateChange } from './state-events.js';

/**
 * CircuitBreakerMetrics is what CircuitBreaker.getMetrics returns: the state, counters since the breaker was made
 * or reset (calls, successes, failures, rejections, fallbacks, slow and late results), the rates over the sliding
 * window, and the last 100 transitions. With enableMetrics: false the counters stay at zero.
 *
 * @example
 * const m = breaker.getMetrics();
 * gauge('breaker_open', m.state === 'open' ? 1 : 0);
 * counter('breaker_rejections_total', m.rejections);
 */
export interface CircuitBreakerMetrics {
  readonly state: CircuitState;
  /** calls the breaker let through (probes included). */
  readonly calls: number;
  readonly successes: number;
  /** failures: errors that isFailure counted. */
  readonly failures: number;
  /** ignoredErrors: errors that isFailure did not count; they passed through untouched. */
  readonly ignoredErrors: number;
  /** rejections: calls refused with BrokenCircuitError or CircuitHalfOpenError (fn never ran). */
  readonly rejections: number;
  /** fallbacks: refused calls that `call` answered with the fallback (counted in rejections too). */
  readonly fallbacks: number;
  /** slowCalls: calls that took longer than slowCallDuration, successful or not. */
  readonly slowCalls: number;
  /** lateResults: results that arrived after a state change and so did not count (see generations). */
  readonly lateResults: number;
  /** failureRate and slowCallRate: fractions of the window's calls, 0 when the window is empty. */
  readonly failureRate: number;
  readonly slowCallRate: number;
  /** windowCalls: calls in the sliding window. */
  readonly windowCalls: number;
  readonly consecutiveFailures: number;
  /** openedAt: when the circuit opened, while it is open or forced-open; else null. */
  readonly openedAt: number | null;
  /** lastFailureTime: when the last counted failure finished, or null. */
  readonly lastFailureTime: number | null;
  /** transitions: the last 100 state changes, oldest first. */
  readonly transitions: readonly StateChange[];
}

/** MAX_TRANSITIONS bounds the transition log, so a flapping breaker does not grow without limit. */
export const MAX_TRANSITIONS = 100;

export class BreakerCounters {
  calls = 0;
  successes = 0;
  failures = 0;
  ignoredErrors = 0;
  rejections = 0;
  fallbacks = 0;
  slowCalls = 0;
  lateResults = 0;
  lastFailureTime: number | null = null;
  transitions: StateChange[] = [];

  log(c: StateChange): void {
    if (this.transitions.length === MAX_TRANSITIONS) this.transitions.shift();
    this.transitions.push(c);
  }
}

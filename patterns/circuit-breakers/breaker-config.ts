/**
 * CircuitBreakerConfig: the breaker's options, their defaults, and their validation. Every bad option is an
 * InvalidArgumentError naming the option and the value ("CircuitBreaker: recoveryTimeout must be a finite number > 0,
 * got -1"), thrown by the constructor before anything is built.
 */
import { InvalidArgumentError, isCanceled } from '../../runtime/index.js';
import { bool, func, oneOf, options, positive, positiveInt, show } from '../core/option-checks.js';
import type { CircuitBreakerSnapshot } from './breaker-snapshot.js';
import type { BrokenCircuitError, CircuitHalfOpenError } from './breaker-errors.js';

/**
 * TripPolicy: trip on `failureThreshold` consecutive failures, or on the failure rate over the sliding window.
 *
 * @example
 * const tripPolicy: TripPolicy = 'rate'; // open when half of the last 20 calls failed (10 calls at least)
 * const breaker = new CircuitBreaker({ tripPolicy, windowSize: 20, minimumCalls: 10, failureRateThreshold: 0.5 });
 */
export type TripPolicy = 'consecutive' | 'rate';
/**
 * WindowType: the sliding window covers the last `windowSize` calls, or the last `windowDuration` ms.
 *
 * @example
 * const windowType: WindowType = 'time'; // the calls of the last minute, in 6 buckets of 10 s
 * const breaker = new CircuitBreaker({ tripPolicy: 'rate', windowType, windowDuration: Minute, windowBuckets: 6 });
 */
export type WindowType = 'count' | 'time';

/**
 * Fallback is what CircuitBreaker.call resolves with instead of rejecting while the breaker refuses calls: a value,
 * or a function of the refusal (sync or async) whose result is used. A fallback that is itself a function must be
 * returned by one: `fallback: () => handler`.
 *
 * @example
 * const stale: Fallback<Price[]> = (e) => cache.get('prices') ?? [];
 */
export type Fallback<F> = F | ((error: BrokenCircuitError | CircuitHalfOpenError) => F | Promise<F>);

/**
 * CircuitBreakerConfig: the breaker's options. `F` is the type of the fallback's value (never without one).
 *
 * @example
 * const config: Partial<CircuitBreakerConfig<string>> = {
 *   failureThreshold: 3,
 *   recoveryTimeout: 10 * Second,
 *   isFailure: (e) => !(e instanceof TypeError), // a caller's bug says nothing about the service
 *   fallback: 'service unavailable',
 * };
 * const breaker = new CircuitBreaker(config);
 * breaker.forceOpen();
 * console.log(await breaker.call(() => 'fresh')); // service unavailable
 */
export interface CircuitBreakerConfig<F = never> {
  /** failureThreshold: consecutive failures that open a closed circuit ('consecutive' policy). Default 5. */
  failureThreshold: number;
  /** recoveryTimeout: ms an open circuit waits before admitting probes (half-open). Default 30000. */
  recoveryTimeout: number;
  /** halfOpenMaxRequests: probes allowed in flight at once while half-open. Default 1. */
  halfOpenMaxRequests: number;
  /** enableMetrics: keep the counters and the transition log of getMetrics. Default true. */
  enableMetrics: boolean;
  /** successThreshold: probe successes (with no probe failing) that close a half-open circuit. Default halfOpenMaxRequests. */
  successThreshold: number;
  /** tripPolicy: 'consecutive' (default) or 'rate'. */
  tripPolicy: TripPolicy;
  /** windowType: 'count' (default) or 'time'. */
  windowType: WindowType;
  /** windowSize: calls in a count window. Default 100. */
  windowSize: number;
  /** windowDuration: ms covered by a time window. Default 60000. */
  windowDuration: number;
  /** windowBuckets: buckets a time window is cut into; whole buckets expire at once. Default 10. */
  windowBuckets: number;
  /** minimumCalls: calls the window must hold before a rate (failure or slow) can trip. Default min(10, windowSize). */
  minimumCalls: number;
  /** failureRateThreshold: failure fraction (0, 1] that trips the 'rate' policy. Default 0.5. */
  failureRateThreshold: number;
  /** slowCallDuration: ms above which a call is slow; unset (default) turns slow-call tracking off. */
  slowCallDuration: number;
  /** slowCallRateThreshold: slow fraction (0, 1] of the window that trips the breaker. Default 1. */
  slowCallRateThreshold: number;
  /** isFailure: whether an error counts as a failure. Default: every error except a context cancellation. */
  isFailure: (error: unknown) => boolean;
  /** state: a snapshot from toJSON (an object or its JSON text) to start from. Default: closed and empty. */
  state: CircuitBreakerSnapshot | string;
  /**
   * fallback: what `call` resolves with while the circuit is open, forced open, or half-open with every probe slot
   * taken, instead of rejecting with BrokenCircuitError or CircuitHalfOpenError (fn does not run). Errors of fn
   * itself pass through. `execute` (the Policy face, inside wrap) ignores it, so outer policies still see the
   * refusal. Default: none.
   */
  fallback: Fallback<F>;
}

/** ResolvedConfig is a validated config with every default applied. */
export interface ResolvedConfig {
  readonly failureThreshold: number;
  readonly recoveryTimeout: number;
  readonly halfOpenMaxRequests: number;
  readonly enableMetrics: boolean;
  readonly successThreshold: number;
  readonly tripPolicy: TripPolicy;
  readonly windowType: WindowType;
  readonly windowSize: number;
  readonly windowDuration: number;
  readonly windowBuckets: number;
  readonly minimumCalls: number;
  readonly failureRateThreshold: number;
  /** slowCallDuration is Infinity when slow-call tracking is off. */
  readonly slowCallDuration: number;
  readonly slowCallRateThreshold: number;
  readonly isFailure: (error: unknown) => boolean;
  readonly state: CircuitBreakerSnapshot | string | undefined;
}

const OWNER = 'CircuitBreaker';
/** CIRCUIT_BREAKER_KEYS are the keys of CircuitBreakerConfig. */
export const CIRCUIT_BREAKER_KEYS: readonly string[] = [
  'failureThreshold',
  'recoveryTimeout',
  'halfOpenMaxRequests',
  'enableMetrics',
  'successThreshold',
  'tripPolicy',
  'windowType',
  'windowSize',
  'windowDuration',
  'windowBuckets',
  'minimumCalls',
  'failureRateThreshold',
  'slowCallDuration',
  'slowCallRateThreshold',
  'isFailure',
  'state',
  'fallback',
];

/**
 * countsAsFailure is the default isFailure: a cancellation says nothing about the service's health, whether a
 * context's (Canceled) or an AbortSignal's plain abort() (an AbortError, what a pattern stopped by it rejects with).
 */
export const countsAsFailure = (e: unknown): boolean =>
  !isCanceled(e) && !(typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError');

/** resolveConfig validates `config` and fills in the defaults. */
export function resolveConfig(config: Partial<CircuitBreakerConfig<unknown>> | undefined): ResolvedConfig {
  const c = options(OWNER, config, CIRCUIT_BREAKER_KEYS);
  const halfOpenMaxRequests = positiveInt(OWNER, 'halfOpenMaxRequests', or(c.halfOpenMaxRequests, 1));
  const windowSize = positiveInt(OWNER, 'windowSize', or(c.windowSize, 100));
  const windowType = oneOf(OWNER, 'windowType', ['count', 'time'] as const, or(c.windowType, 'count'));
  const minimumCalls = positiveInt(OWNER, 'minimumCalls', or(c.minimumCalls, Math.min(10, windowSize)));
  if (windowType === 'count' && minimumCalls > windowSize) {
    throw new InvalidArgumentError(
      `${OWNER}: minimumCalls must be an integer <= windowSize (${windowSize}) for a count window, got ${minimumCalls}`,
    );
  }
  return {
    failureThreshold: positiveInt(OWNER, 'failureThreshold', or(c.failureThreshold, 5)),
    recoveryTimeout: positive(OWNER, 'recoveryTimeout', or(c.recoveryTimeout, 30_000)),
    halfOpenMaxRequests,
    enableMetrics: bool(OWNER, 'enableMetrics', or(c.enableMetrics, true)),
    successThreshold: positiveInt(OWNER, 'successThreshold', or(c.successThreshold, halfOpenMaxRequests)),
    tripPolicy: oneOf(OWNER, 'tripPolicy', ['consecutive', 'rate'] as const, or(c.tripPolicy, 'consecutive')),
    windowType,
    windowSize,
    windowDuration: positive(OWNER, 'windowDuration', or(c.windowDuration, 60_000)),
    windowBuckets: positiveInt(OWNER, 'windowBuckets', or(c.windowBuckets, 10)),
    minimumCalls,
    failureRateThreshold: rate('failureRateThreshold', or(c.failureRateThreshold, 0.5)),
    slowCallDuration: c.slowCallDuration === undefined ? Infinity : positive(OWNER, 'slowCallDuration', c.slowCallDuration),
    slowCallRateThreshold: rate('slowCallRateThreshold', or(c.slowCallRateThreshold, 1)),
    isFailure: func(OWNER, 'isFailure', or(c.isFailure, countsAsFailure)),
    state: c.state,
  };
}

/** or is `v ?? d` for options: only a missing option (undefined) takes the default; null is a bad value. */
function or<T>(v: T | undefined, d: T): T {
  return v === undefined ? d : v;
}

/** rate requires a fraction in (0, 1]: a threshold of 0 would trip on the first call. */
function rate(option: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) {
    throw new InvalidArgumentError(`${OWNER}: ${option} must be a number > 0 and <= 1, got ${show(v)}`);
  }
  return v;
}

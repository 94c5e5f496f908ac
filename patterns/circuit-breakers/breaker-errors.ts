/**
 * The circuit-breaker family's expected failures: a call the breaker refused because the circuit is open
 * (BrokenCircuitError), a call refused because every half-open probe slot is taken (CircuitHalfOpenError), and a
 * call a bulkhead refused (BulkheadRejectedError). Each has a stable `code` and an `isX(e)` guard that checks it,
 * because class identity does not survive crossing a thread. None of them means the protected call ran: it did not.
 */
import { hasCode, PatternError } from '../core/pattern-error.js';

/** CIRCUIT_OPEN is BrokenCircuitError's code. */
export const CIRCUIT_OPEN = 'ERR_CIRCUIT_OPEN';
/** CIRCUIT_HALF_OPEN is CircuitHalfOpenError's code. */
export const CIRCUIT_HALF_OPEN = 'ERR_CIRCUIT_HALF_OPEN';
/** BULKHEAD_FULL is BulkheadRejectedError's code. */
export const BULKHEAD_FULL = 'ERR_BULKHEAD_FULL';

/**
 * BrokenCircuitError rejects a call made while the circuit is open. `remainingMs` is how long until the breaker
 * admits a probe (0 or more; Infinity when it was opened by forceOpen, which only forceClose or reset end), and
 * `forced` tells the two apart.
 *
 * @example
 * try { await breaker.call(fetchUser); }
 * catch (e) { if (isBrokenCircuitError(e)) return cached(e.remainingMs); throw e; }
 */
export class BrokenCircuitError extends PatternError {
  override name = 'BrokenCircuitError';
  readonly remainingMs: number;
  readonly forced: boolean;
  constructor(remainingMs: number, forced = false) {
    super(
      forced ? 'circuit breaker is open (forced)' : `circuit breaker is open: half-open in ${remainingMs} ms`,
      CIRCUIT_OPEN,
    );
    this.remainingMs = remainingMs;
    this.forced = forced;
  }
}

/**
 * isBrokenCircuitError reports whether `e` is a BrokenCircuitError (by code).
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 10 * Second });
 * await breaker.call(() => Promise.reject(new Error('down'))).catch(() => {}); // opens the circuit
 * const e = await breaker.call(() => 'never runs').catch((x: unknown) => x);
 * if (isBrokenCircuitError(e)) console.log(`open, half-open in about ${Math.round(e.remainingMs / 1000)} s`); // 10 s
 */
export const isBrokenCircuitError = (e: unknown): e is BrokenCircuitError => hasCode(e, CIRCUIT_OPEN);

/**
 * CircuitHalfOpenError rejects a call made while the circuit is half-open and all `halfOpenMaxRequests` probe slots
 * are taken: only probes reach the recovering service. `probes` is that limit.
 *
 * @example
 * await synctest.run(async () => {
 *   const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 100, halfOpenMaxRequests: 1 });
 *   await breaker.call(() => Promise.reject(new Error('down'))).catch(() => {});
 *   await sleep(100); // half-open: one probe may pass
 *   const probe = breaker.call(() => sleep(10).then(() => 'up'));
 *   const e = await breaker.call(() => 'too soon').catch((x: unknown) => x);
 *   if (e instanceof CircuitHalfOpenError) console.log(e.probes); // 1
 *   console.log(await probe); // up
 * });
 */
export class CircuitHalfOpenError extends PatternError {
  override name = 'CircuitHalfOpenError';
  readonly probes: number;
  constructor(probes: number) {
    super(`circuit breaker is half-open: ${probes} probe${probes === 1 ? '' : 's'} already in flight`, CIRCUIT_HALF_OPEN);
    this.probes = probes;
  }
}

/**
 * isCircuitHalfOpenError reports whether `e` is a CircuitHalfOpenError (by code).
 *
 * @example
 * const breaker = new CircuitBreaker();
 * const r = await breaker.call(() => 'ok').catch((e) => (isCircuitHalfOpenError(e) ? 'probing: try later' : Promise.reject(e)));
 * console.log(r); // ok
 */
export const isCircuitHalfOpenError = (e: unknown): e is CircuitHalfOpenError => hasCode(e, CIRCUIT_HALF_OPEN);

/**
 * isCircuitRejection reports whether `e` is either refusal of a circuit breaker: open, or half-open and busy.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 1 });
 * breaker.forceOpen();
 * const r = await breaker.call(() => 'fresh').catch((e) => (isCircuitRejection(e) ? 'cached' : Promise.reject(e)));
 * console.log(r); // cached: the call did not run
 */
export const isCircuitRejection = (e: unknown): e is BrokenCircuitError | CircuitHalfOpenError =>
  isBrokenCircuitError(e) || isCircuitHalfOpenError(e);

/**
 * BulkheadRejectReason says why a bulkhead refused a call: no permit and no room to wait, or the wait timed out.
 *
 * @example
 * const bulkhead = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, enableQueue: false });
 * const first = bulkhead.call(() => sleep(10));
 * const e = await bulkhead.call(() => 'second').catch((x: unknown) => x);
 * const reason: BulkheadRejectReason | null = e instanceof BulkheadRejectedError ? e.reason : null;
 * console.log(reason); // full
 * await first;
 */
export type BulkheadRejectReason = 'full' | 'timeout';

/**
 * BulkheadRejectedError rejects a call a bulkhead refused: `reason` is 'full' (no free permit and queueing is off
 * or the queue is at maxQueueSize) or 'timeout' (it waited maxWaitTime without getting a permit). A caller whose
 * own Cancel fired while it waited gets the context's error instead (Canceled or DeadlineExceeded).
 *
 * @example
 * const bulkhead = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, maxWaitTime: 20 });
 * const slow = bulkhead.call(() => sleep(100));
 * const e = await bulkhead.call(() => 'waited too long').catch((x: unknown) => x);
 * if (e instanceof BulkheadRejectedError) console.log(e.reason); // timeout
 * await slow;
 */
export class BulkheadRejectedError extends PatternError {
  override name = 'BulkheadRejectedError';
  readonly reason: BulkheadRejectReason;
  constructor(reason: BulkheadRejectReason, detail: string) {
    super(`bulkhead rejected the call: ${detail}`, BULKHEAD_FULL);
    this.reason = reason;
  }
}

/**
 * isBulkheadRejectedError reports whether `e` is a BulkheadRejectedError (by code).
 *
 * @example
 * const bulkhead = new BulkheadCircuitBreaker({ maxConcurrentCalls: 2, enableQueue: false });
 * const calls = await Promise.allSettled([1, 2, 3].map((n) => bulkhead.call(() => sleep(10).then(() => n))));
 * console.log(calls.map((c) => (c.status === 'fulfilled' ? c.value : isBulkheadRejectedError(c.reason) ? 'shed' : 'error')));
 * // [ 1, 2, 'shed' ]
 */
export const isBulkheadRejectedError = (e: unknown): e is BulkheadRejectedError => hasCode(e, BULKHEAD_FULL);

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

/** isBrokenCircuitError reports whether `e` is a BrokenCircuitError (by code). */
export const isBrokenCircuitError = (e: unknown): e is BrokenCircuitError => hasCode(e, CIRCUIT_OPEN);

/**
 * CircuitHalfOpenError rejects a call made while the circuit is half-open and all `halfOpenMaxRequests` probe slots
 * are taken: only probes reach the recovering service. `probes` is that limit.
 */
export class CircuitHalfOpenError extends PatternError {
  override name = 'CircuitHalfOpenError';
  readonly probes: number;
  constructor(probes: number) {
    super(`circuit breaker is half-open: ${probes} probe${probes === 1 ? '' : 's'} already in flight`, CIRCUIT_HALF_OPEN);
    this.probes = probes;
  }
}

/** isCircuitHalfOpenError reports whether `e` is a CircuitHalfOpenError (by code). */
export const isCircuitHalfOpenError = (e: unknown): e is CircuitHalfOpenError => hasCode(e, CIRCUIT_HALF_OPEN);

/** isCircuitRejection reports whether `e` is either refusal of a circuit breaker: open, or half-open and busy. */
export const isCircuitRejection = (e: unknown): e is BrokenCircuitError | CircuitHalfOpenError =>
  isBrokenCircuitError(e) || isCircuitHalfOpenError(e);

/** BulkheadRejectReason says why a bulkhead refused a call: no permit and no room to wait, or the wait timed out. */
export type BulkheadRejectReason = 'full' | 'timeout';

/**
 * BulkheadRejectedError rejects a call a bulkhead refused: `reason` is 'full' (no free permit and queueing is off
 * or the queue is at maxQueueSize) or 'timeout' (it waited maxWaitTime without getting a permit). A caller whose
 * own Cancel fired while it waited gets the context's error instead (Canceled or DeadlineExceeded).
 */
export class BulkheadRejectedError extends PatternError {
  override name = 'BulkheadRejectedError';
  readonly reason: BulkheadRejectReason;
  constructor(reason: BulkheadRejectReason, detail: string) {
    super(`bulkhead rejected the call: ${detail}`, BULKHEAD_FULL);
    this.reason = reason;
  }
}

/** isBulkheadRejectedError reports whether `e` is a BulkheadRejectedError (by code). */
export const isBulkheadRejectedError = (e: unknown): e is BulkheadRejectedError => hasCode(e, BULKHEAD_FULL);

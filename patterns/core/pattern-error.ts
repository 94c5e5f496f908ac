/**
 * PatternError is the base of the patterns' expected failures: a rate limit hit, an open circuit, a full bulkhead,
 * retries exhausted, a closed pool. They are not panics (misuse stays InvalidArgumentError): callers are expected to
 * handle them. Each subclass has a stable `code` and an `isX(e)` guard that checks it, because class identity does
 * not survive crossing a thread.
 *
 * @example
 * class QuotaExceededError extends PatternError {
 *   override name = 'QuotaExceededError';
 *   constructor(readonly tenant: string) { super(`quota exceeded for ${tenant}`, 'ERR_QUOTA_EXCEEDED'); }
 * }
 * const isQuotaExceededError = (e: unknown): e is QuotaExceededError => hasCode(e, 'ERR_QUOTA_EXCEEDED');
 * console.log(isQuotaExceededError(new QuotaExceededError('acme'))); // true
 */
export class PatternError extends Error {
  override name = 'PatternError';
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * hasCode reports whether `e` carries error code `code` (the basis of every isX guard).
 *
 * @example
 * const fromAnotherThread = Object.assign(new Error('circuit breaker is open'), { code: 'ERR_CIRCUIT_OPEN' });
 * console.log(hasCode(fromAnotherThread, 'ERR_CIRCUIT_OPEN'), hasCode('ERR_CIRCUIT_OPEN', 'ERR_CIRCUIT_OPEN')); // true false
 */
export function hasCode(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

/**
 * PatternError is the base of the patterns' expected failures: a rate limit hit, an open circuit, a full bulkhead,
 * retries exhausted, a closed pool. They are not panics (misuse stays InvalidArgumentError): callers are expected to
 * handle them. Each subclass has a stable `code` and an `isX(e)` guard that checks it, because class identity does
 * not survive crossing a thread.
 */
export class PatternError extends Error {
  override name = 'PatternError';
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** hasCode reports whether `e` carries error code `code` (the basis of every isX guard). */
export function hasCode(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

/**
 * Argument checks shared by the call paths of the policies (CircuitBreaker, BulkheadCircuitBreaker, TimeoutPolicy).
 * Their calls return promises, so misuse is a rejection, never a throw: each check returns the InvalidArgumentError
 * (or null), and the caller rejects with it before a probe slot, a permit or a timer is taken (a TypeError from
 * calling a non-function would otherwise count as a failure of the dependency).
 */
import { InvalidArgumentError } from '../../runtime/index.js';
import { show } from './option-checks.js';

/** fnError is the error for an `fn` that is not a function, or null. */
export function fnError(method: string, fn: unknown): InvalidArgumentError | null {
  if (typeof fn === 'function') return null;
  return new InvalidArgumentError(`${method}: fn must be a function, got ${show(fn)}`);
}

/** cancelError is the error for a `cancel` that is not undefined, an AbortSignal or a Context, or null. */
export function cancelError(method: string, cancel: unknown): InvalidArgumentError | null {
  if (cancel === undefined || cancel instanceof AbortSignal) return null;
  const c = cancel as { done?: unknown; err?: unknown } | null;
  if (typeof c !== 'object' || c === null || typeof c.done !== 'function' || typeof c.err !== 'function') {
    const got = show(cancel);
    return new InvalidArgumentError(`${method}: cancel must be a Context, an AbortSignal or undefined, got ${got}`);
  }
  return null;
}

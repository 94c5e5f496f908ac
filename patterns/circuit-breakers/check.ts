/**
 * Argument checks shared by the breaker's and the bulkhead's call paths: misuse throws InvalidArgumentError at the
 * call, synchronously, before a probe slot or a permit is taken (a TypeError from calling a non-function would
 * otherwise count as a failure of the dependency).
 */
import { InvalidArgumentError } from '../../runtime/errors.js';
import { show } from '../core/config.js';

/** checkFn requires `fn` to be a function. */
export function checkFn(method: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new InvalidArgumentError(`${method}: fn must be a function, got ${show(fn)}`);
}

/** checkCancel requires `cancel` to be undefined, an AbortSignal or a Context (an object with done and err). */
export function checkCancel(method: string, cancel: unknown): void {
  if (cancel === undefined || cancel instanceof AbortSignal) return;
  const c = cancel as { done?: unknown; err?: unknown } | null;
  if (typeof c !== 'object' || c === null || typeof c.done !== 'function' || typeof c.err !== 'function') {
    throw new InvalidArgumentError(`${method}: cancel must be a Context, an AbortSignal or undefined, got ${show(cancel)}`);
  }
}

/**
 * runFinally: how Once-like primitives run a user function that may be synchronous or async, and do their
 * bookkeeping whatever happens (Go: a panicking f still counts as done).
 */
import { isThenable } from '../thenable.js';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * runFinally runs `fn`, then `finish` once fn has returned or its promise settled, and resolves or rejects as fn
 * did (with no value). A synchronous fn finishes synchronously.
 */
export function runFinally(fn: () => unknown, finish: () => void): Promise<void> {
  let r: unknown;
  try {
    r = fn();
  } catch (e) {
    finish();
    return Promise.reject(e);
  }
  if (!isThenable(r)) {
    finish();
    return RESOLVED;
  }
  return Promise.resolve(r).then(
    () => finish(),
    (e: unknown) => {
      finish();
      throw e;
    },
  );
}

/**
 * isThenable: how the runtime tells a function's promise from its plain result (go, Once, singleflight, the stream
 * pumps), the Promises/A+ way.
 */

/** isThenable reports whether `v` is a promise or promise-like (Promises/A+ "thenable"). */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as PromiseLike<unknown>).then === 'function'
  );
}

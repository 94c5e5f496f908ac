/**
 * fromSignal: the bridge from a web-platform AbortSignal to a context. (The other direction is `ctx.signal`.)
 */
import { InvalidArgumentError } from '../panics.js';
import { describe } from '../validate.js';
import { CancelCtx } from './cancel-ctx.js';
import type { CancelableContext, CancelFunc, Context } from './context.js';
import { Canceled, DeadlineExceeded, isDeadlineExceeded } from './cancel-errors.js';
import { checkParent } from './parent.js';

/**
 * fromSignal returns a child of `parent` that is also canceled when `signal` aborts, with the abort reason as its
 * cause, and the function that cancels it. err() is Canceled, or DeadlineExceeded when the reason is
 * DeadlineExceeded (the signal of an expired context): `fromSignal(background(), ctx.signal)` then sees the same
 * err() as ctx, though not its cause, which ctx.signal does not carry. An already-aborted signal gives a context
 * canceled at once. The abort listener is removed as soon as the child is canceled, whatever the reason, so a
 * long-lived signal does not accumulate listeners.
 *
 * Throws InvalidArgumentError if `parent` is null or not a Context, or `signal` is not an AbortSignal.
 *
 * @example
 * app.get('/report', async (req, res) => {
 *   const [ctx, cancel] = fromSignal(background(), req.signal);
 *   try { res.send(await buildReport(ctx)); } finally { cancel(); }
 * });
 */
export function fromSignal(parent: Context, signal: AbortSignal): [ctx: CancelableContext, cancel: CancelFunc] {
  checkParent('fromSignal', parent);
  if (!(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`fromSignal: signal must be an AbortSignal, got ${describe(signal)}`);
  }
  const c = new CancelCtx(parent);
  if (signal.aborted) {
    aborted(c, signal.reason);
  } else if (c.err() === null) {
    const onAbort = (): void => aborted(c, signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    c.addChild({ cancel: () => signal.removeEventListener('abort', onAbort) }, false);
  }
  return [c, () => c.cancel(true, Canceled, null)];
}

/** aborted cancels `c` for an abort with `reason`: the round trip of CancelCtx's signal (see cancel-ctx.ts). */
function aborted(c: CancelCtx, reason: unknown): void {
  c.cancel(true, isDeadlineExceeded(reason) ? DeadlineExceeded : Canceled, reason);
}

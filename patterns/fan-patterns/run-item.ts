/**
 * runItem runs one processor call for the fan patterns, bounded by a context and a timeout. A processor is a plain
 * async function, not a goroutine, so it cannot be interrupted: when the context ends first, the worker stops
 * waiting for it (its result, if it ever comes, is dropped) and goes on. The context is passed to the processor as
 * its second argument, so a processor that honours `ctx.signal` really stops.
 */
import { chan, cause, type Context, withTimeoutCause, recvCase, select } from '../../runtime/index.js';
import { FanTimeoutError } from './fan-errors.js';

/**
 * Processor is the per-item function: it receives the item and a context that ends on cancel or timeout.
 *
 * @example
 * const size: FanProcessor<string, number> = async (url, ctx) => (await (await fetch(url, { signal: ctx.signal })).text()).length;
 * const sizes = await new FanOut<string, number>({ workerCount: 4, timeout: 5000 }).distribute(urls, size);
 */
export type Processor<TIn, TOut> = (input: TIn, ctx: Context) => Promise<TOut> | TOut;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * untilDone resolves like `p`, unless `ctx` ends first: then it rejects with the context's cause. It parks as a
 * select on a one-slot channel (where p's outcome lands) and ctx.done(), so it is a gocsp operation that synctest
 * sees as parked.
 */
export async function untilDone<T>(p: Promise<T> | T, ctx: Context): Promise<T> {
  const done = ctx.done();
  if (done === null || !(p instanceof Promise)) return p;
  const settled = chan<Settled<T>>(1);
  p.then(
    (value) => settled.trySend({ ok: true, value }),
    (error: unknown) => settled.trySend({ ok: false, error }),
  );
  const r = await select([recvCase(settled, (v) => v), recvCase(done, () => undefined)]);
  if (r === undefined) throw cause(ctx);
  if (r.ok) return r.value;
  throw r.error;
}

/**
 * runItem calls `processor(input, ctx)` and waits for it within `timeout` ms (Infinity: no limit) and `ctx`.
 * Rejects with the processor's error, FanTimeoutError(index) on timeout, or the context's cause. When `bounded` is
 * false (no deadline and nobody can cancel from outside), it simply awaits the processor: no channel, no timer.
 */
export async function runItem<TIn, TOut>(
  processor: Processor<TIn, TOut>,
  input: TIn,
  index: number,
  ctx: Context,
  timeout: number,
  bounded: boolean,
): Promise<TOut> {
  if (!bounded) return processor(input, ctx);
  if (timeout === Infinity) return untilDone(processor(input, ctx), ctx);
  const [itemCtx, release] = withTimeoutCause(ctx, timeout, new FanTimeoutError(index, timeout));
  try {
    return await untilDone(processor(input, itemCtx), itemCtx);
  } finally {
    release();
  }
}

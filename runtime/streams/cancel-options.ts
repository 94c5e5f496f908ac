/**
 * CancelOptions: how the stream adapters are told to stop early, by a gocsp Context, a web AbortSignal, or both.
 *
 * cancelContext turns the options into one context to watch: the caller's ctx (or background()), made also
 * cancelable by the signal through fromSignal, so that one rule gives the reason everywhere: `cause(ctx)`, which is
 * ctx.err() (Canceled, DeadlineExceeded) or the cause given to a CancelCauseFunc for a context, and the abort reason
 * for a signal. Options are validated here, each error naming the function, the option and the bad value.
 */
import { background } from '../context/background.js';
import type { Context } from '../context/context.js';
import { isContext } from '../context/parent.js';
import { fromSignal } from '../context/signal.js';
import { InvalidArgumentError } from '../panics.js';
import { describe } from '../validate.js';

/**
 * CancelOptions stop a stream adapter early (fromAsyncIterable, fromReadable, toAsyncIterable, toWritable): when
 * `ctx` is done or `signal` aborts, whichever comes first.
 *
 * @example
 * const src = fromReadable(req, 8, { signal: AbortSignal.timeout(5_000) });
 * const [g, ctx] = withContext(background());
 * void g.go(() => toWritable(src, res, { ctx }));
 */
export interface CancelOptions {
  /** ctx stops the adapter when it is done; the reason is `cause(ctx)` (ctx.err() unless a cause was given). */
  readonly ctx?: Context | undefined;
  /** signal stops the adapter when it aborts; the reason is `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * checkOptions requires an options object (undefined stands for `{}`) and validates its ctx and signal; it throws
 * InvalidArgumentError naming `fn` and the bad value.
 */
export function checkOptions<O extends CancelOptions>(fn: string, options: O | undefined): O | Record<string, never> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  if (options.ctx !== undefined && !isContext(options.ctx)) {
    throw new InvalidArgumentError(`${fn}: ctx must be a Context, got ${describe(options.ctx)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`${fn}: signal must be an AbortSignal, got ${describe(options.signal)}`);
  }
  return options;
}

/**
 * cancelContext returns the context to watch for validated `options` and the function that releases it (it detaches
 * the signal's listener; call it when the adapter is over), or null when neither ctx nor signal was given.
 */
export function cancelContext(options: CancelOptions): [ctx: Context, release: () => void] | null {
  const { ctx, signal } = options;
  if (signal !== undefined) return fromSignal(ctx ?? background(), signal);
  if (ctx !== undefined) return [ctx, noop];
  return null;
}

function noop(): void {}

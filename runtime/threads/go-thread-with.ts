/**
 * goThreadWith is goThread that can be stopped: with a Context (Go's way) or an AbortSignal (the web's way), in an
 * options object. Stopping a task goroutine abandons it (threads-lifecycle.ts abandon): dropped if no worker has started it,
 * its worker thread terminated and replaced if it runs, since JavaScript cannot interrupt a computation any other
 * way.
 */
import type { Context } from '../context/context.js';
import { isContext } from '../context/parent.js';
import { InvalidArgumentError } from '../panics.js';
import { describe } from '../validate.js';
import { startTask } from './go-thread.js';

/**
 * GoThreadOptions are goThreadWith's options; both are optional, and either one stops the task.
 *
 * @example
 * export const spin = task(function spin(ms: number): number {
 *   const end = Date.now() + ms;
 *   while (Date.now() < end); // computes without ever looking at a context
 *   return ms;
 * });
 * main(async () => {
 *   const [ctx, cancel] = withTimeout(background(), 100);
 *   const options: GoThreadOptions = { ctx, signal: AbortSignal.timeout(5000) };
 *   const r = await goThreadWith(options, spin, 60_000).catch((e: unknown) => e);
 *   console.log(isDeadlineExceeded(r)); // true, after 100 ms: the worker was terminated and replaced
 *   cancel();
 * });
 */
export interface GoThreadOptions {
  /** ctx stops the task when it is done (canceled or past its deadline); the promise rejects with ctx.err(). */
  readonly ctx?: Context;
  /** signal stops the task when it aborts; the promise rejects with signal.reason. */
  readonly signal?: AbortSignal;
}

const KEYS = new Set(['ctx', 'signal']);

/**
 * goThreadWith starts `fn(...args)` as a goroutine on a worker thread, like goThread, and returns a promise of its
 * result; when `options.ctx` is done or `options.signal` aborts first, the goroutine is abandoned and the promise
 * rejects at once with the context's error (`ctx.err()`: Canceled or DeadlineExceeded, as Go's ctx.Err()) or the
 * signal's reason, whichever came first:
 *
 * - not started yet (queued, or held by a busy worker): it is dropped and never runs;
 * - running: a task that does not return is stopped the only way JavaScript allows, by terminating its worker
 *   thread, which is replaced. A thread is the unit of isolation: every other goroutine running on that thread at
 *   that moment fails with ThreadDiedError ("thread N was stopped to abandon goroutine G"), as if it had died
 *   (goroutines the thread held without starting them are moved to other threads, not failed);
 * - already settled: nothing happens.
 *
 * A context already done, or a signal already aborted, rejects at once and starts nothing. A task that should stop
 * cleanly instead can take a shared channel and select on it, as Go code selects on ctx.Done(): a context cannot
 * cross threads. Arguments are checked at the call as by goThread; an unknown option, a `ctx` that is not a Context
 * or a `signal` that is not an AbortSignal throws InvalidArgumentError. Called on a worker thread, the task runs on
 * that thread, which cannot stop itself: cancellation then only rejects the promise.
 *
 * @example
 * const [ctx, cancel] = withTimeout(background(), 1000);
 * try {
 *   console.log(await goThreadWith({ ctx }, countPrimes, 0, 1e9));
 * } catch (e) {
 *   if (isDeadlineExceeded(e)) console.log('gave up after a second'); // the worker thread was replaced
 * } finally {
 *   cancel();
 * }
 */
export function goThreadWith<A extends unknown[], R>(
  options: GoThreadOptions,
  fn: (...args: A) => R,
  ...args: A
): Promise<Awaited<R>> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`goThreadWith: options must be an object, got ${describe(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (!KEYS.has(k)) throw new InvalidArgumentError(`goThreadWith: unknown option ${JSON.stringify(k)}`);
  }
  const { ctx, signal } = options;
  if (ctx !== undefined && !isContext(ctx)) {
    throw new InvalidArgumentError(`goThreadWith: ctx must be a Context, got ${describe(ctx)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`goThreadWith: signal must be an AbortSignal, got ${describe(signal)}`);
  }
  if (ctx === undefined) return startTask('goThreadWith', fn, args, signal ?? null);
  // The context's own signal aborts with its cause; the promise rejects with its err(), as Go's ctx.Err().
  const ctxErr = (): unknown => ctx.err() ?? ctx.signal.reason;
  if (signal === undefined) return startTask('goThreadWith', fn, args, ctx.signal, ctxErr);
  const either = AbortSignal.any([signal, ctx.signal]);
  return startTask('goThreadWith', fn, args, either, () => (signal.aborted && either.reason === signal.reason ? signal.reason : ctxErr()));
}

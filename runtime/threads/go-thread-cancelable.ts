/**
 * goThreadCancelable is goThread with an AbortSignal: aborting it abandons the task goroutine, terminating its
 * worker thread if the goroutine is running there.
 */
import { InvalidArgumentError } from '../errors.js';
import { startAbandonable, startTask } from './go-thread.js';

/**
 * goThreadCancelable starts `fn(...args)` as a goroutine on a worker thread, like goThread, and returns a promise of
 * its outcome; aborting `signal` abandons the goroutine and rejects the promise at once with `signal.reason`:
 *
 * - still queued (not yet sent to a worker): it is dropped and never runs;
 * - running: its worker thread is terminated (Worker.terminate interrupts even a busy loop) and replaced. A thread
 *   is the unit of isolation: every OTHER goroutine running on that thread at that moment (of go, goThread, any
 *   pool) fails with ThreadDiedError ("thread N was stopped to abandon goroutine G"), as if the thread had died,
 *   and the onThreadExit hooks run for it;
 * - already settled: nothing happens.
 *
 * A signal already aborted rejects with its reason and starts nothing. Arguments are checked at the call as by
 * goThread (InvalidArgumentError, naming goThreadCancelable); a `signal` that is not an AbortSignal throws
 * InvalidArgumentError. Called on a worker thread, the task runs on that thread, which cannot be stopped from
 * itself: an abort then only rejects the promise, and the goroutine runs on until it returns.
 *
 * @example
 * const n = await goThreadCancelable(countPrimes, [0, 1e9], AbortSignal.timeout(1000)); // rejects with a TimeoutError
 */
export function goThreadCancelable<A extends unknown[], R>(
  fn: (...args: A) => R,
  args: A,
  signal: AbortSignal,
): Promise<Awaited<R>> {
  if (!(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`goThreadCancelable: signal must be an AbortSignal, got ${typeof signal}`);
  }
  if (!Array.isArray(args)) {
    throw new InvalidArgumentError(`goThreadCancelable: args must be an array, got ${typeof args}`);
  }
  return startTask('goThreadCancelable', fn, args, signal);
}

/**
 * goThreadAbandonable starts `fn(...args)` as a goroutine on a worker thread, like goThread, and returns a promise of
 * its outcome together with `abandon(reason)`, which does what aborting goThreadCancelable's signal does: the
 * goroutine is dropped if still queued, its worker thread terminated (and replaced) if it runs, and the promise
 * rejects at once with `reason`; nothing happens once the goroutine has ended. It is for callers that start many
 * cancelable tasks (a pool): an AbortSignal and its listener cost microseconds per task, a function does not.
 * Arguments are checked at the call as by goThread (InvalidArgumentError, naming goThreadAbandonable).
 *
 * @example
 * const [n, abandon] = goThreadAbandonable(countPrimes, [0, 1e9]);
 * const timer = setTimeout(() => abandon(new Error('too slow')), 1000);
 * try { console.log(await n); } finally { clearTimeout(timer); }
 */
export function goThreadAbandonable<A extends unknown[], R>(
  fn: (...args: A) => R,
  args: A,
): [Promise<Awaited<R>>, (reason: unknown) => void] {
  if (!Array.isArray(args)) {
    throw new InvalidArgumentError(`goThreadAbandonable: args must be an array, got ${typeof args}`);
  }
  return startAbandonable('goThreadAbandonable', fn, args);
}

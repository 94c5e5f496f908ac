/**
 * goThreadCancelable is goThread with an AbortSignal: aborting it abandons the task goroutine, terminating its
 * worker thread if the goroutine is running there.
 */
import { InvalidArgumentError } from '../panics.js';
import { abandonStarted, startAbandonable, startSettled, startTask } from './go-thread.js';
import type { Settle, TaskGoroutine } from './task-goroutine.js';

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
 * goThread, and like goThread it never throws: bad arguments, or a `signal` that is not an AbortSignal, are a promise
 * rejected with InvalidArgumentError (naming goThreadCancelable). Called on a worker thread, the task runs on that thread, which cannot be stopped from
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
    const e = new InvalidArgumentError(`goThreadCancelable: signal must be an AbortSignal, got ${typeof signal}`);
    return Promise.reject(e);
  }
  if (!Array.isArray(args)) {
    return Promise.reject(new InvalidArgumentError(`goThreadCancelable: args must be an array, got ${typeof args}`));
  }
  try {
    return startTask('goThreadCancelable', fn, args, signal);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * goThreadAbandonable starts `fn(...args)` as a goroutine on a worker thread, like goThread, and returns a promise of
 * its outcome together with `abandon(reason)`, which does what aborting goThreadCancelable's signal does: the
 * goroutine is dropped if still queued, its worker thread terminated (and replaced) if it runs, and the promise
 * rejects at once with `reason`; nothing happens once the goroutine has ended. It is for callers that start many
 * cancelable tasks (a pool): an AbortSignal and its listener cost microseconds per task, a function does not.
 * Arguments are checked at the call as by goThread, but bad ones throw InvalidArgumentError (naming
 * goThreadAbandonable): the call returns a pair, not a promise.
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

/**
 * goThreadSettled starts `fn(...args)` as a goroutine on a worker thread, like goThreadAbandonable, but makes no
 * promise: it tells `to` the outcome, to.resolve(value) or to.reject(error), exactly once, and returns the goroutine
 * for abandonTask. It is for callers that start many tasks and keep a record of each anyway (a pool's job can be its
 * own `to`): a promise, its callbacks and the closures around them cost more than the task's own bookkeeping.
 *
 * `to` may be told synchronously, inside the scheduler's handling of a worker's report or inside abandonTask, so its
 * callbacks must not throw (a throw would be lost with the other outcomes of that report) and should do little.
 * `args` is taken over, not copied: do not change the array afterwards. Arguments are checked at the call as by
 * goThread, but bad ones throw InvalidArgumentError (naming goThreadSettled): it makes no promise to reject.
 *
 * @example
 * const t = goThreadSettled(countPrimes, [0, 1e9], { resolve: (n) => console.log(n), reject: (e) => console.error(e) });
 * setTimeout(() => abandonTask(t, new Error('too slow')), 1000);
 */
export function goThreadSettled<A extends unknown[]>(fn: (...args: A) => unknown, args: A, to: Settle): TaskGoroutine {
  if (!Array.isArray(args)) {
    throw new InvalidArgumentError(`goThreadSettled: args must be an array, got ${typeof args}`);
  }
  return startSettled('goThreadSettled', fn, args, to);
}

/**
 * abandonTask abandons a goroutine of goThreadSettled with `reason`, as goThreadAbandonable's abandon does: dropped
 * if still queued, its worker thread terminated (and replaced) if it runs, and its `to` rejected at once (before
 * abandonTask returns) with `reason`; nothing happens once it has ended.
 */
export function abandonTask(t: TaskGoroutine, reason: unknown): void {
  abandonStarted(t, reason);
}

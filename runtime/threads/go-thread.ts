/**
 * goThread runs a task as a goroutine on a worker thread and returns its outcome, for callers that want it.
 */
import { InvalidArgumentError } from '../panics.js';
import { go, nextGoroutineId } from '../go.js';
import { describe } from '../validate.js';
import { allPlain, encodeArgs } from './args.js';
import type { TaskGoroutine, Settle } from './task-goroutine.js';
import { abandon, submit } from './threads-lifecycle.js';
import { workerInit } from './slot.js';
import { taskRef } from './task.js';

/**
 * goThread starts `fn(...args)` as a goroutine on a worker thread, like `go(fn, ...args)`, and returns a promise of
 * its result. Where `go` follows Go (fire-and-forget: a throw is a panic of the goroutine), goThread hands the
 * outcome to the caller: the promise resolves with the task's return value (awaited; shared objects in it rebuilt)
 * or rejects with its error, rebuilt with its class, code, message and stack; nothing is reported as a panic.
 *
 * `fn` must be a task (see task()). Arguments and the result must be structured-clonable data or shared objects
 * (shared channels, shared sync objects), at any depth in arrays, plain objects, Maps and Sets. goThread never throws:
 * a `fn` that is not a task, or a function (closure), a symbol, a local channel or an instance of a class with methods
 * among the arguments, is a promise rejected at once with InvalidArgumentError naming the argument (nothing is
 * started). A result that cannot cross rejects with InvalidArgumentError. If the worker dies while the goroutine
 * runs (an uncaught throw outside goroutines, process.exit, out of memory) or the threads are shut down, the
 * promise rejects with ThreadDiedError.
 *
 * Called on a worker thread, goThread runs the task as a goroutine of that thread.
 *
 * @example
 * export const countPrimes = task(import.meta.url, function countPrimes(lo: number, hi: number) { ... });
 * const counts = await Promise.all([goThread(countPrimes, 0, 5e6), goThread(countPrimes, 5e6, 1e7)]);
 */
export function goThread<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Awaited<R>> {
  const ref = taskRef(fn);
  if (ref !== undefined && workerInit === null && allPlain(args)) {
    // The common case, kept lean (it is per task): primitive arguments in this call's own rest array, posted as
    // they are, with nothing to walk or copy.
    const msg = { id: nextGoroutineId(), ref, args, wired: false, reply: true };
    return new Promise<Awaited<R>>((resolve, reject) => {
      submit({ msg, settle: { resolve: resolve as (v: unknown) => void, reject } });
    });
  }
  try {
    return startTask('goThread', fn, args, null);
  } catch (e) {
    return Promise.reject(e); // a promise-returning call never throws: bad arguments are a rejection
  }
}

/**
 * startTask is goThread, goThreadCancelable and goThreadWith: it checks `fn` and the arguments at the call (throwing
 * InvalidArgumentError in the name of `api`, which the callers turn into a rejection), queues the goroutine and
 * returns its outcome. With a signal, an abort abandons the goroutine (threads-lifecycle.ts abandon) and rejects with
 * `reasonOf()` (default: the abort reason).
 */
export function startTask<A extends unknown[], R>(
  api: string,
  fn: (...args: A) => R,
  args: A,
  signal: AbortSignal | null,
  reasonOf: () => unknown = () => signal?.reason,
): Promise<Awaited<R>> {
  const ref = taskRef(fn);
  if (ref === undefined) {
    throw new InvalidArgumentError(`${api}: fn must be a task (made with task(import.meta.url, fn)), got ${describe(fn)}`);
  }
  if (workerInit !== null) {
    // On a worker the task runs on this very thread, which cannot be terminated from here: an abort only abandons
    // the goroutine (the promise rejects; the goroutine runs on until it returns).
    return new Promise<Awaited<R>>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(reasonOf());
        return;
      }
      signal?.addEventListener('abort', () => reject(reasonOf()), { once: true });
      go(async () => {
        try {
          resolve(await fn(...args));
        } catch (e) {
          reject(e);
        }
      });
    });
  }
  const { value, wired } = encodeArgs(api, args);
  if (signal?.aborted === true) return Promise.reject(reasonOf());
  const id = nextGoroutineId();
  const msg = { id, ref, args: value, wired, reply: true };
  if (signal === null) {
    // The plain goThread path: no abort listener to maintain, so no closures per call beyond the promise's own.
    return new Promise<Awaited<R>>((resolve, reject) => {
      submit({ msg, settle: { resolve: resolve as (v: unknown) => void, reject } });
    });
  }
  return new Promise<Awaited<R>>((resolve, reject) => {
    const onAbort = (): void => {
      abandon(g, reasonOf());
    };
    const g: TaskGoroutine = {
      msg,
      settle: {
        resolve: (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v as Awaited<R>);
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      },
    };
    signal.addEventListener('abort', onAbort, { once: true });
    submit(g);
  });
}

/**
 * startAbandonable is goThreadAbandonable: it checks `fn` and the arguments at the call (throwing
 * InvalidArgumentError in the name of `api`), queues the goroutine, and returns its outcome with the function that
 * abandons it (threads-lifecycle.ts abandon), as an abort does for startTask, without an AbortSignal and its listener.
 */
export function startAbandonable<A extends unknown[], R>(
  api: string,
  fn: (...args: A) => R,
  args: A,
): [Promise<Awaited<R>>, (reason: unknown) => void] {
  let to: Settle | null = null;
  const p = new Promise<Awaited<R>>((resolve, reject) => {
    to = { resolve: resolve as (v: unknown) => void, reject };
  });
  // A copy: the caller may reuse its array before the task is posted (startSettled takes the array over).
  const g = startSettled(api, fn, args.slice() as A, to!);
  return [p, (reason) => abandonStarted(g, reason)];
}

/**
 * startSettled is the promise-free start under goThreadAbandonable, for callers that start many tasks (a pool): it
 * checks `fn` and the arguments at the call (throwing InvalidArgumentError in the name of `api`), queues the
 * goroutine, and tells `to` its outcome: to.resolve(value) or to.reject(error), exactly once. `to` may be told
 * synchronously, from inside the scheduler's handling of a worker's report or of an abandon, so neither callback
 * may throw. `args` is taken over: the caller must not change it afterwards. It returns the goroutine, for
 * abandonStarted.
 */
export function startSettled<A extends unknown[]>(api: string, fn: (...args: A) => unknown, args: A, to: Settle): TaskGoroutine {
  const ref = taskRef(fn);
  if (ref === undefined) {
    throw new InvalidArgumentError(`${api}: fn must be a task (made with task(import.meta.url, fn)), got ${describe(fn)}`);
  }
  if (workerInit !== null) {
    // On a worker the task runs on this very thread: abandoning it only settles `to` early (see startTask), so the
    // outcome that comes later must be dropped.
    let over = false;
    const once: Settle = {
      resolve: (v) => {
        if (over) return;
        over = true;
        to.resolve(v);
      },
      reject: (e) => {
        if (over) return;
        over = true;
        to.reject(e);
      },
    };
    go(async () => {
      try {
        once.resolve(await fn(...args));
      } catch (e) {
        once.reject(e);
      }
    });
    return { msg: { id: nextGoroutineId(), ref, args, wired: false, reply: true }, settle: once };
  }
  let value: readonly unknown[] = args;
  let wired = false;
  if (!allPlain(args)) ({ value, wired } = encodeArgs(api, args));
  const g: TaskGoroutine = { msg: { id: nextGoroutineId(), ref, args: value, wired, reply: true }, settle: to };
  submit(g);
  return g;
}

/**
 * abandonStarted abandons goroutine `g` of startSettled with `reason` (threads-lifecycle.ts abandon): dropped if still
 * queued, its worker thread terminated (and replaced) if it runs, its `to` rejected at once with `reason`; nothing
 * happens once it has ended. On a worker thread it only rejects `to` (the goroutine runs on until it returns).
 */
export function abandonStarted(g: TaskGoroutine, reason: unknown): void {
  if (!abandon(g, reason) && workerInit !== null) g.settle?.reject(reason);
}

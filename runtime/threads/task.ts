/**
 * task marks a function as a TASK: a function defined at the top level of a module that a worker thread can find
 * again by the module's URL, so that `go(fn, ...args)` can run it on a worker instead of the current thread. The URL
 * is given (`task(import.meta.url, fn)`) or found from the caller's stack (`task(fn)`, see caller-url.ts).
 *
 * The marker is a non-enumerable property under a registered symbol (`Symbol.for`), holding the module URL and the
 * function's name. A registered symbol is the same in every module instance and on every thread, so the worker, which
 * imports the module afresh, recognises the marker that the module's own `task()` call set there.
 */
import { InvalidArgumentError } from '../panics.js';
import { setTaskStarter, TASK } from '../go.js';
import { checkFunction, describe } from '../validate.js';
import { callerUrl } from './caller-url.js';
import type { TaskRef } from './protocol.js';
import { goTask } from './spawn-task.js';

/** Marked is a function carrying a task marker. */
export interface Marked {
  readonly [TASK]: TaskRef;
}

// go() is below the scheduler and does not import it: a function can only carry a marker once this module is
// loaded, and loading it hands go() the scheduler's entry.
setTaskStarter(goTask);

/**
 * task marks `fn`, a named function exported from the module that calls task(), as a task and returns it unchanged
 * (same function, same type): calling it directly still runs it on the current thread, while `go(fn, ...args)` runs
 * it as a goroutine on a worker thread, and `goThread(fn, ...args)` does too and returns its outcome.
 *
 * The worker imports the task's module and looks, among its exports, for the function whose marker has the same URL
 * and name; so `fn` must be a named function exported from that module (the export's own name does not matter).
 * Importing the module runs its top level on the worker too: keep the program itself in main(), which does nothing
 * on a worker (see docs/threads.md).
 *
 * With one argument, task() finds the calling module from the call's stack trace: call it directly in the module
 * that defines `fn` (not through a helper of another module). Where the caller is no module file a worker can import
 * (eval, `node -e`), it throws InvalidArgumentError asking for the explicit form, `task(import.meta.url, fn)`. It
 * also throws InvalidArgumentError for a module URL that is not a file: URL (a data: URL would run a string of code
 * on a worker: only the program's own module files are tasks), an anonymous `fn`, or a function already marked as
 * another task.
 *
 * @example
 * // primes.ts
 * export const countPrimes = task(async function countPrimes(lo: number, hi: number) {
 *   let n = 0;
 *   for (let i = lo; i < hi; i++) if (isPrime(i)) n++;
 *   return n;
 * });
 * // main.ts
 * const n = await goThread(countPrimes, 0, 1_000_000); // on a worker thread
 */
export function task<F extends (...args: never[]) => unknown>(fn: F): F;
/**
 * task(moduleUrl, fn) is task(fn) with the module named explicitly: pass `import.meta.url` of the module that exports
 * `fn`. It is for code whose stack trace does not lead to its module: a helper that calls task() for a function of
 * another module, or a loader that runs modules under other names than their URL. It throws InvalidArgumentError
 * for a `moduleUrl` that is not a URL, besides the errors of task(fn).
 *
 * @example
 * export const countPrimes = task(import.meta.url, async function countPrimes(lo: number, hi: number) { ... });
 */
export function task<F extends (...args: never[]) => unknown>(moduleUrl: string, fn: F): F;
export function task<F extends (...args: never[]) => unknown>(urlOrFn: string | F, maybeFn?: F): F {
  let moduleUrl: string;
  let fn: F;
  if (arguments.length === 1 && typeof urlOrFn !== 'string') {
    fn = checkFunction('task', 'fn', urlOrFn);
    const found = callerUrl(task);
    if (found === null) {
      const name = fn.name === '' ? 'fn' : fn.name;
      throw new InvalidArgumentError(
        `task: cannot find the module calling task(${name}): the caller has no module file a worker can import ` +
          `(eval, node -e); pass the URL: task(import.meta.url, ${name})`,
      );
    }
    moduleUrl = found;
  } else {
    if (typeof urlOrFn !== 'string' || !URL.canParse(urlOrFn)) {
      throw new InvalidArgumentError(`task: moduleUrl must be a module URL (import.meta.url), got ${describe(urlOrFn)}`);
    }
    moduleUrl = urlOrFn;
    fn = maybeFn as F;
  }
  checkModuleUrl('task', moduleUrl);
  checkFunction('task', 'fn', fn);
  if (fn.name === '') {
    throw new InvalidArgumentError('task: fn must be a named function (the worker finds it by its name)');
  }
  const prev = taskRef(fn);
  if (prev !== undefined) {
    if (prev.url === moduleUrl && prev.name === fn.name) return fn;
    throw new InvalidArgumentError(`task: ${fn.name} is already a task of ${prev.url}`);
  }
  const ref: TaskRef = Object.freeze({ url: moduleUrl, name: fn.name });
  Object.defineProperty(fn, TASK, { value: ref, enumerable: false, writable: false, configurable: false });
  let byName = registered.get(moduleUrl);
  if (byName === undefined) registered.set(moduleUrl, (byName = new Map()));
  byName.set(fn.name, fn);
  return fn;
}

/**
 * registered holds every task marked on this thread, by module URL then name. A worker started on a bundled program
 * finds its tasks here: the bundle exports none of them (see worker-boot.ts). Other workers look only at exports.
 */
const registered = new Map<string, Map<string, (...args: never[]) => unknown>>();

/** registeredTask returns the task `name` that module `url` marked on this thread, or undefined. */
export function registeredTask(url: string, name: string): ((...args: never[]) => unknown) | undefined {
  return registered.get(url)?.get(name);
}

/**
 * checkModuleUrl requires a task module's URL to be a file: URL, what import.meta.url is for a module file under
 * plain Node, tsx and vitest alike: a worker imports that module, and a data: (or http:, node:) URL would make a string
 * of code, not a file of the program, run on a worker. It throws InvalidArgumentError naming `fn`.
 *
 * @example
 * checkModuleUrl('task', 'data:text/javascript,process.exit()'); // InvalidArgumentError
 */
export function checkModuleUrl(fn: string, url: string): void {
  if (typeof url !== 'string' || !URL.canParse(url) || new URL(url).protocol !== 'file:') {
    throw new InvalidArgumentError(
      `${fn}: moduleUrl must be the file: URL of a module of the program (import.meta.url), got ${describe(url)}`,
    );
  }
}

/** taskRef returns the marker of a task, or undefined for any other value. */
export function taskRef(fn: unknown): TaskRef | undefined {
  return typeof fn === 'function' ? (fn as Partial<Marked>)[TASK] : undefined;
}

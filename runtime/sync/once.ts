/**
 * Once runs a function exactly once (Go's sync.Once), and onceFunc / onceValue wrap a function so that it runs at
 * most once (Go 1.21's sync.OnceFunc and sync.OnceValue).
 *
 * Once's states: IDLE until the first do(), RUNNING while its fn runs (and, for an async fn, until its promise
 * settles), then DONE forever, whether fn returned or threw: as in Go, a panicking fn still counts as done.
 */
import { DeadlockError } from '../panics.js';
import { badFunction, checkFunction } from '../validate.js';
import { Broadcast } from './broadcast.js';
import { runFinally } from './run-finally.js';

const RESOLVED: Promise<void> = Promise.resolve();
// Go's Once.Do makes concurrent callers wait on its internal Mutex, so a goroutine dump shows this reason.
const WAIT = 'sync.Mutex.Lock';

const IDLE = 0;
const RUNNING = 1;
const DONE = 2;

/**
 * Once is Go's sync.Once: do(fn) runs fn the first time it is called and never again; every call resolves once that
 * first fn has returned (or its promise settled), and a fn that threw still counts as done.
 *
 * @example
 * const init = new Once();
 * await init.do(() => connectToDatabase()); // later calls wait for the first, then return
 */
export class Once {
  #state: typeof IDLE | typeof RUNNING | typeof DONE = IDLE;
  readonly #waiters = new Broadcast();

  /**
   * do calls `fn` if and only if this is the first do() on this Once; `fn` runs synchronously inside do(), and may
   * be async. Callers that arrive while `fn` is running park (wait reason `sync.Mutex.Lock`) until it completes, so
   * when any do() resolves, `fn` has completed. If `fn` throws or rejects, the first caller's promise rejects with
   * that error, waiting callers resolve normally, and later calls do nothing (Go: "if f panics, Do considers it to
   * have returned"). Calling do() from inside `fn` and awaiting it deadlocks, as in Go.
   *
   * It never throws: if `fn` is not a function, it returns a promise rejected with InvalidArgumentError.
   *
   * @example
   * const once = new Once();
   * const init = () => once.do(async () => { config = await load(); });
   * await Promise.all([init(), init()]); // load() runs once; both resolve after it
   */
  do(fn: () => unknown): Promise<void> {
    if (typeof fn !== 'function') return Promise.reject(badFunction('Once.do', fn));
    if (this.#state === DONE) return RESOLVED;
    if (this.#state === RUNNING) return this.#waiters.wait(WAIT);
    this.#state = RUNNING;
    return runFinally(fn, () => this.#finish());
  }

  #finish(): void {
    this.#state = DONE;
    this.#waiters.release();
  }
}

/**
 * onceValue returns a function that calls `f` on its first call and returns f's result on every call (Go 1.21's
 * OnceValue). If `f` throws, every call throws that same error (Go re-panics with the same value). An async `f`
 * runs once too: every call returns the same promise, which rejects for everyone if `f` rejects. `f` is dropped
 * after its call, so what it captures can be collected. Calling the returned function from inside `f` throws
 * DeadlockError (Go would deadlock).
 *
 * Throws InvalidArgumentError if `f` is not a function.
 *
 * @example
 * const config = onceValue(() => JSON.parse(readFileSync('config.json', 'utf8')));
 * config().port; // parsed on the first call only
 */
export function onceValue<T>(f: () => T): () => T {
  checkFunction('onceValue', 'f', f);
  let fn: (() => T) | null = f;
  let state: typeof IDLE | typeof RUNNING | typeof DONE = IDLE;
  let ok = false;
  let value: T | undefined;
  let error: unknown;
  return (): T => {
    if (state === DONE) {
      if (ok) return value as T;
      throw error;
    }
    if (state === RUNNING) {
      throw new DeadlockError('sync: a onceValue/onceFunc function was called from its own f: deadlock');
    }
    state = RUNNING;
    const call = fn!;
    fn = null;
    try {
      value = call();
      ok = true;
      return value;
    } catch (e) {
      error = e;
      throw e;
    } finally {
      state = DONE;
    }
  };
}

/**
 * onceFunc returns a function that calls `f` only on its first call (Go 1.21's OnceFunc); later calls return
 * what the first returned (the same promise, for an async `f`). If `f` throws, every call throws that same error.
 * See onceValue.
 *
 * @example
 * const closeAll = onceFunc(() => { for (const c of conns) c.close(); });
 * closeAll(); closeAll(); // closes once
 */
export function onceFunc<R extends void | PromiseLike<void>>(f: () => R): () => R {
  checkFunction('onceFunc', 'f', f);
  return onceValue(f);
}

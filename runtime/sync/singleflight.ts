/**
 * SingleflightGroup is golang.org/x/sync/singleflight's Group for one thread: duplicate call suppression. While a
 * call for a key is in flight, every other do()/doChan() for that key joins it and gets its outcome instead of
 * calling its own function.
 *
 *   calls     key -> the call in flight for it; a call leaves the map when it completes or is forgotten
 *   dups      callers that joined a call after it started (the `shared` answer is dups > 0)
 *   chans     the doChan result channels of a call (buffered, 1 slot each, so delivery never blocks)
 *   waiters   do() callers parked on a call they joined (wait reason `sync.WaitGroup.Wait`: Go's Do waits on the
 *             call's WaitGroup), released together when it completes
 *
 * Invariant: a call is in `calls` only from its start to its completion, and only under its own key until forget;
 * a forgotten call that completes never removes the newer call that took its key.
 *
 * Errors, in JS form (as in errgroup.ts): Go's `fn() (v, err)` is a function that returns a value or throws (or
 * rejects) to fail. Every do() caller of a failed call rejects with the same error; doChan delivers it as `err`.
 * A runtime panic (a PanicError) thrown by fn rejects the do() callers too, the form a re-panic takes here; with
 * doChan callers waiting, Go re-panics in a new goroutine so that the program ends rather than leave them blocked
 * forever, and so does this group: the channels receive nothing, and the panic goes to the panic handler.
 */
import { LocalChan } from '../chan/local-chan.js';
import type { RecvChan } from '../chan/types.js';
import { InvalidArgumentError, isPanicError } from '../panics.js';
import { go } from '../go.js';
import { checkFunction, describe } from '../validate.js';
import { Broadcast } from './broadcast.js';
import { isThenable } from '../thenable.js';

const RESOLVED: Promise<void> = Promise.resolve();
const WAIT = 'sync.WaitGroup.Wait';

/**
 * SingleflightResult is what doChan delivers (x/sync's Result{Val, Err, Shared}).
 *
 * @example
 * const g = new SingleflightGroup<number>();
 * const a = g.doChan('answer', async () => { await sleep(10); return 42; });
 * const b = g.doChan('answer', () => 0); // joins the call in flight: this fn does not run
 * const [ra, rb]: (SingleflightResult<number> | undefined)[] = [await a.recv(), await b.recv()];
 * console.log(ra?.value, rb?.value, rb?.shared, rb?.err); // 42 42 true null
 */
export interface SingleflightResult<T> {
  /** value is what fn returned (or its promise resolved to); undefined if fn failed. */
  readonly value: T | undefined;
  /** err is what fn threw (or its promise rejected with); null if fn succeeded. */
  readonly err: unknown;
  /** shared reports whether the outcome was given to more than one caller. */
  readonly shared: boolean;
}

/** Call is one call of a function for a key: in flight until fn's outcome is known. */
class Call<T> {
  dups = 0;
  chans: LocalChan<SingleflightResult<T>>[] | null = null;
  readonly waiters = new Broadcast();
  ok = false;
  value: T | undefined = undefined;
  err: unknown = null;

  /** outcome is what a do() caller gets once the call is over: the value and `shared`, or a throw of the error. */
  outcome(shared: boolean): { value: T; shared: boolean } {
    if (!this.ok) throw this.err;
    return { value: this.value as T, shared };
  }
}

/**
 * SingleflightGroup is golang.org/x/sync/singleflight's Group: while a call for a key is in flight, do(key, fn)
 * from other callers joins it and gets its outcome (`shared: true`) instead of calling fn again. forget(key) lets the
 * next caller start a new call.
 *
 * @example
 * const group = new SingleflightGroup<User>();
 * const { value, shared } = await group.do(`user:${id}`, () => db.loadUser(id));
 */
export class SingleflightGroup<T = unknown> {
  readonly #calls = new Map<string, Call<T>>();

  /**
   * do calls `fn` for `key` unless a call for `key` is in flight, in which case it waits for that call (wait reason
   * `sync.WaitGroup.Wait`) and shares its outcome (x/sync's Do). `fn` runs synchronously inside the first do(), and
   * may be async. The promise resolves to `{ value, shared }`, `shared` telling whether the value was given to more
   * than one caller, or rejects with the error fn threw or rejected with, the same error for every caller. A call
   * that has completed is not remembered: the next do() for the key calls its fn.
   *
   * Throws InvalidArgumentError if `key` is not a string or `fn` is not a function.
   *
   * @example
   * const users = new SingleflightGroup<User>();
   * // Ten requests for the same user at once make one database query.
   * const { value: user } = await users.do(`user:${id}`, () => db.loadUser(id));
   */
  do(key: string, fn: () => T | PromiseLike<T>): Promise<{ value: T; shared: boolean }> {
    checkKey('SingleflightGroup.do', key);
    checkFunction('SingleflightGroup.do', 'fn', fn);
    const inFlight = this.#calls.get(key);
    if (inFlight !== undefined) {
      inFlight.dups++;
      return inFlight.waiters.wait(WAIT).then(() => inFlight.outcome(true));
    }
    const c = new Call<T>();
    this.#calls.set(key, c);
    return this.#run(c, key, fn).then(() => c.outcome(c.dups > 0));
  }

  /**
   * doChan is do() that returns at once with a channel (buffered, capacity 1) that will receive the outcome as a
   * SingleflightResult `{ value, err, shared }` (x/sync's DoChan). A new call runs `fn` in its own goroutine.
   *
   * If `fn` throws a runtime panic (a PanicError) while doChan callers wait, nothing is delivered: the panic is
   * raised again in a goroutine of its own (see the file comment).
   *
   * Throws InvalidArgumentError if `key` is not a string or `fn` is not a function.
   *
   * @example
   * const r = await select([
   *   recvCase(group.doChan('config', loadConfig), (res) => res!),
   *   recvCase(ctx.done(), () => null),
   * ]);
   * if (r === null) throw ctx.err(); // the load goes on for the other callers
   */
  doChan(key: string, fn: () => T | PromiseLike<T>): RecvChan<SingleflightResult<T>> {
    checkKey('SingleflightGroup.doChan', key);
    checkFunction('SingleflightGroup.doChan', 'fn', fn);
    const ch = new LocalChan<SingleflightResult<T>>(1);
    const inFlight = this.#calls.get(key);
    if (inFlight !== undefined) {
      inFlight.dups++;
      (inFlight.chans ??= []).push(ch);
      return ch;
    }
    const c = new Call<T>();
    c.chans = [ch];
    this.#calls.set(key, c);
    go(() => this.#run(c, key, fn));
    return ch;
  }

  /**
   * forget makes the group forget the call in flight for `key`, if any (x/sync's Forget): later do()/doChan() calls
   * for `key` call their own fn instead of joining it. Callers that already joined still get its outcome.
   *
   * Throws InvalidArgumentError if `key` is not a string.
   */
  forget(key: string): void {
    checkKey('SingleflightGroup.forget', key);
    this.#calls.delete(key);
  }

  /** #run calls fn and completes `c` with its outcome; the promise resolves (never rejects) once it has. */
  #run(c: Call<T>, key: string, fn: () => T | PromiseLike<T>): Promise<void> {
    let r: T | PromiseLike<T>;
    try {
      r = fn();
    } catch (e) {
      this.#complete(c, key, false, undefined, e);
      return RESOLVED;
    }
    if (!isThenable(r)) {
      this.#complete(c, key, true, r, null);
      return RESOLVED;
    }
    return Promise.resolve(r).then(
      (v) => this.#complete(c, key, true, v, null),
      (e: unknown) => this.#complete(c, key, false, undefined, e),
    );
  }

  /** #complete records the outcome, takes the call out of the map, wakes the do() callers and fills the channels. */
  #complete(c: Call<T>, key: string, ok: boolean, value: T | undefined, err: unknown): void {
    c.ok = ok;
    c.value = value;
    c.err = err;
    if (this.#calls.get(key) === c) this.#calls.delete(key);
    c.waiters.release();
    const chans = c.chans;
    if (chans === null) return;
    c.chans = null;
    if (!ok && isPanicError(err)) {
      go(() => {
        throw err;
      });
      return;
    }
    const res: SingleflightResult<T> = Object.freeze({ value, err, shared: c.dups > 0 });
    for (const ch of chans) ch.trySend(res);
  }
}

function checkKey(fn: string, key: unknown): void {
  if (typeof key !== 'string') throw new InvalidArgumentError(`${fn}: key must be a string, got ${describe(key)}`);
}

/**
 * SharedOnce is Go's sync.Once over shared memory: do(fn) runs fn once across all threads that share it, and
 * callers on any thread that arrive while it runs wait until it has completed.
 *
 *   +----------------------------------------------+
 *   | LOCK ID KIND | STATE MASK[2]                 |
 *   +----------------------------------------------+
 *
 *   STATE   IDLE (0) until the first do(); then the owner token of the thread running fn; then DONE (-1) forever,
 *           whether fn returned or threw. Written under LOCK; read with Atomics.load by the DONE fast path.
 *   MASK    bit s set while thread s has goroutines parked in do() (cleared by the completion that wakes them)
 *   local   this thread's parked callers, released together
 *
 * Each thread has its own copy of fn (functions cannot cross threads): do(fn) runs the fn given by the first caller,
 * on its thread; the fn of everyone else is ignored.
 *
 * A thread that dies while its fn runs counts as fn having panicked: Go's Do then considers fn to have returned, so
 * the Once becomes DONE and every waiting caller is released (when a thread re-polls or calls do() and sees the
 * runner dead).
 */
import { badFunction } from '../../validate.js';
import { Broadcast } from '../../sync/broadcast.js';
import { runFinally } from '../../sync/run-finally.js';
import { lock, unlock } from '../memory/lock.js';
import type { Source } from '../memory/parker.js';
import { isOwnerAlive } from '../memory/registry.js';
import { TO_WIRE, type Wire, type Wireable } from '../objects/wire.js';
import {
  flushWakes,
  HEADER,
  LOCK,
  myToken,
  ONCE,
  registerSyncKind,
  setBit,
  type SyncKind,
  SyncObject,
  wakeBitsLater,
} from './sync-object.js';

const STATE = HEADER;
const MASK = HEADER + 1;
const WORDS = HEADER + 3;
const IDLE = 0;
const DONE = -1;

const RESOLVED: Promise<void> = Promise.resolve();
// Go's Once.Do makes concurrent callers wait on its internal Mutex, so a goroutine dump shows this reason.
const WAIT = 'sync.Mutex.Lock';

export const SHARED_ONCE_KIND = 'gocsp.sharedOnce';
const KIND: SyncKind = { name: 'SharedOnce', wire: SHARED_ONCE_KIND, code: ONCE };

/**
 * SharedOnce is Go's sync.Once over shared memory: do(fn) runs fn once across every thread that shares it; callers
 * on any thread that arrive while it runs wait until it has completed.
 *
 * @example
 * const init = new SharedOnce();
 * // in each task: await init.do(() => buildLookupTable(shared));
 * go(useTable, init, shared);
 */
export class SharedOnce implements Wireable, Source {
  readonly #o: SyncObject;
  readonly #w: Int32Array;
  readonly #waiters = new Broadcast();

  /**
   * SharedOnce makes a Once in shared memory that has not run. Pass it to tasks or post `toWire(once)`.
   *
   * @example
   * const once = new SharedOnce();
   * for (let i = 0; i < 4; i++) go(worker, once, table); // each task: await once.do(() => fill(table))
   */
  constructor() {
    this.#o = new SyncObject(this, KIND, WORDS, 0);
    this.#w = this.#o.w;
  }

  /** id is the Once's program-wide id. */
  get id(): number {
    return this.#o.id;
  }

  /**
   * do calls `fn` if and only if this is the first do() on this Once on any thread; `fn` runs synchronously inside
   * do(), and may be async. Callers on any thread that arrive while `fn` runs park (wait reason `sync.Mutex.Lock`)
   * until it completes, so when any do() resolves, `fn` has completed. If `fn` throws or rejects, the first caller's
   * promise rejects with that error, waiting callers resolve normally, and later calls do nothing (Go: "if f panics,
   * Do considers it to have returned"). Calling do() from inside `fn` and awaiting it deadlocks, as in Go.
   *
   * It never throws: if `fn` is not a function, it returns a promise rejected with InvalidArgumentError.
   *
   * @example
   * await once.do(async () => { table.fill(await load()); });
   */
  do(fn: () => unknown): Promise<void> {
    if (typeof fn !== 'function') return Promise.reject(badFunction('SharedOnce.do', fn));
    const w = this.#w;
    if (Atomics.load(w, STATE) === DONE) return RESOLVED;
    lock(this.#w, LOCK);
    const state = w[STATE]!;
    if (state === IDLE) {
      Atomics.store(w, STATE, myToken());
      unlock(this.#w, LOCK);
      return this.#run(fn);
    }
    if (state === DONE || !isOwnerAlive(state)) {
      const late = state !== DONE && this.#finishLocked();
      unlock(this.#w, LOCK);
      if (late) this.#released();
      return RESOLVED;
    }
    setBit(w, MASK, true);
    unlock(this.#w, LOCK);
    const p = this.#waiters.wait(WAIT);
    this.#watch();
    return p;
  }

  [TO_WIRE](): Wire {
    return this.#o.wire();
  }

  /** repoll (parker.ts) runs when fn may have completed on another thread, or its thread died. */
  repoll(): void {
    if (this.#waiters.size === 0) return this.#watch();
    const w = this.#w;
    lock(this.#w, LOCK);
    const state = w[STATE]!;
    let released = state === DONE;
    if (!released && state !== IDLE && !isOwnerAlive(state)) released = this.#finishLocked();
    if (released) setBit(w, MASK, false);
    unlock(this.#w, LOCK);
    if (released) this.#released();
    else this.#watch();
  }

  #run(fn: () => unknown): Promise<void> {
    return runFinally(fn, () => this.#finish());
  }

  #finish(): void {
    lock(this.#w, LOCK);
    this.#finishLocked();
    unlock(this.#w, LOCK);
    this.#released();
  }

  /** #finishLocked marks the Once DONE and notes every waiting thread for waking; true. */
  #finishLocked(): true {
    const w = this.#w;
    Atomics.store(w, STATE, DONE);
    wakeBitsLater(w[MASK]!, w[MASK + 1]!);
    w[MASK] = 0;
    w[MASK + 1] = 0;
    return true;
  }

  #released(): void {
    flushWakes();
    this.#waiters.release();
    this.#watch();
  }

  #watch(): void {
    this.#o.watch(this.#waiters.size > 0);
  }
}

registerSyncKind(KIND, () => new SharedOnce());

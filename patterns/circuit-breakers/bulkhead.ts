/**
 * BulkheadCircuitBreaker caps how many calls run at once against one resource, so that a slow dependency cannot
 * take every connection, socket or goroutine of the process with it (a ship's bulkhead keeps a leak in one
 * compartment). Callers beyond the cap wait in line, FIFO, for at most maxWaitTime, or are turned away at once.
 *
 * It is Go's counting semaphore, a buffered channel:
 *
 *   sem := make(chan struct{}, maxConcurrentCalls)
 *   select { case sem <- struct{}{}: run(); <-sem; case <-ctx.Done(): ...; case <-timer.C: ... }
 *
 *   #sem       a token in the buffer is a permit in use; sem.len() permits are taken.
 *   sendq      the callers waiting for a permit are senders parked on #sem (each in a three-case select: permit,
 *              cancel, timeout). The channel serves them FIFO and hands a freed slot to the first of them inside the
 *              release itself, so nobody can barge in between; a waiter whose cancel or timer fires first is removed
 *              from the line at once by select, and never runs.
 *   #queued    the number of those waiters. A release that finds the buffer still full afterwards has handed its
 *              slot to a waiter, and decrements it there, synchronously. A waiter that gives up decrements it when
 *              it resumes, a microtask after leaving the line.
 *
 * The permit is released when `fn` settles, whether it resolves or throws, and only then: a caller that cancels
 * while `fn` runs does not free the slot early, because `fn` is still using the resource.
 */
import {
  chan,
  type Chan,
  background,
  type Context,
  InvalidArgumentError,
  recvCase,
  select,
  sendCase,
  newTimer,
} from '../../runtime/index.js';
import { type Cancel, cancelReason, toContext } from '../core/cancel.js';
import { bool, options, positive, positiveInt, nonNegativeInt, show } from '../core/option-checks.js';
import type { Policy } from '../core/policy.js';
import { cancelError, fnError } from '../core/call-checks.js';
import { BulkheadRejectedError } from './breaker-errors.js';

/**
 * BulkheadConfig configures a BulkheadCircuitBreaker; every option is optional, with the default given.
 *
 * @example
 * const config: Partial<BulkheadConfig> = { maxConcurrentCalls: 4, enableQueue: false }; // refuse instead of waiting
 */
export interface BulkheadConfig {
  /** maxConcurrentCalls: calls allowed to run at once. Default 10. */
  maxConcurrentCalls: number;
  /** maxWaitTime: ms a caller waits in line for a permit before BulkheadRejectedError 'timeout'. Default Infinity. */
  maxWaitTime: number;
  /** enableQueue: whether callers wait in line when no permit is free; if false they are rejected at once. Default true. */
  enableQueue: boolean;
  /** maxQueueSize: callers allowed to wait at once; one more is rejected ('full'). Default Infinity. */
  maxQueueSize: number;
}

/**
 * BulkheadMetrics: the bulkhead's gauges now and its counters since it was made.
 *
 * @example
 * const bulkhead = new BulkheadCircuitBreaker({ maxConcurrentCalls: 2 });
 * await Promise.all([1, 2, 3].map(() => bulkhead.call(() => sleep(10))));
 * const m: BulkheadMetrics = bulkhead.getMetrics();
 * console.log(m.admitted, m.waited, m.peakActive, m.peakQueueLength); // 3 1 2 1
 */
export interface BulkheadMetrics {
  readonly maxConcurrentCalls: number;
  readonly activeCalls: number;
  readonly availablePermits: number;
  readonly queueLength: number;
  /** admitted: calls that got a permit and ran (immediately or after waiting). */
  readonly admitted: number;
  /** waited: calls that had to wait in line (whatever the outcome). */
  readonly waited: number;
  readonly successes: number;
  readonly failures: number;
  /** rejectedFull: calls turned away with reason 'full', and tryCall misses. */
  readonly rejectedFull: number;
  readonly rejectedTimeout: number;
  /** canceled: calls whose Cancel fired before they got a permit. */
  readonly canceled: number;
  /** peakActive and peakQueueLength: the highest values seen. */
  readonly peakActive: number;
  readonly peakQueueLength: number;
}

const OWNER = 'BulkheadCircuitBreaker';

/** unlimited checks an option whose default, Infinity, means no limit: missing or Infinity, else `check`. */
function unlimited(v: unknown, check: (owner: string, option: string, v: unknown) => number, option: string, want: string): number {
  if (v === undefined || v === Infinity) return Infinity;
  try {
    return check(OWNER, option, v);
  } catch {
    throw new InvalidArgumentError(`${OWNER}: ${option} must be ${want}, got ${show(v)}`);
  }
}
/** BULKHEAD_KEYS are the keys of BulkheadConfig. */
const BULKHEAD_KEYS: readonly string[] = ['maxConcurrentCalls', 'maxWaitTime', 'enableQueue', 'maxQueueSize'];
const ADMITTED = 0;
const CANCELED = 1;
const TIMEOUT = 2;

/**
 * BulkheadCircuitBreaker caps how many calls run at once against one dependency: callers beyond
 * maxConcurrentCalls wait in a FIFO line (at most maxQueueSize, each at most maxWaitTime ms) or are refused at once
 * with BulkheadRejectedError. It is a Policy: put it inside a breaker, `wrap(breaker, bulkhead)`.
 *
 * @example
 * const bulkhead = new BulkheadCircuitBreaker({ maxConcurrentCalls: 10, maxQueueSize: 50, maxWaitTime: 2 * Second });
 * const rows = await bulkhead.call((ctx) => db.query(sql, { signal: ctx.signal }), req.signal);
 */
export class BulkheadCircuitBreaker implements Policy {
  readonly #max: number;
  readonly #maxWait: number;
  readonly #queue: boolean;
  readonly #maxQueue: number;
  readonly #sem: Chan<null>;
  #queued = 0;
  // Counters.
  #admitted = 0;
  #waited = 0;
  #successes = 0;
  #failures = 0;
  #rejectedFull = 0;
  #rejectedTimeout = 0;
  #canceled = 0;
  #peakActive = 0;
  #peakQueue = 0;

  /**
   * BulkheadCircuitBreaker makes a bulkhead with every permit free. Throws InvalidArgumentError naming the option and
   * the value for a bad option: maxConcurrentCalls an integer >= 1; maxWaitTime a number > 0 or Infinity;
   * enableQueue a boolean; maxQueueSize an integer >= 0 or Infinity (0 is the same as enableQueue: false).
   *
   * @example
   * const db = new BulkheadCircuitBreaker({ maxConcurrentCalls: 10, maxWaitTime: 5000, enableQueue: true });
   * const rows = await db.call((ctx) => pool.query(sql, { signal: ctx.signal }), req.signal);
   */
  constructor(config?: Partial<BulkheadConfig>) {
    const c = options(OWNER, config, BULKHEAD_KEYS);
    this.#max = positiveInt(OWNER, 'maxConcurrentCalls', c.maxConcurrentCalls === undefined ? 10 : c.maxConcurrentCalls);
    this.#maxWait = unlimited(c.maxWaitTime, positive, 'maxWaitTime', 'a finite number > 0, or Infinity');
    this.#queue = bool(OWNER, 'enableQueue', c.enableQueue === undefined ? true : c.enableQueue);
    this.#maxQueue = unlimited(c.maxQueueSize, nonNegativeInt, 'maxQueueSize', 'an integer >= 0, or Infinity');
    this.#sem = chan<null>(this.#max);
  }

  /**
   * call runs `fn` once a permit is free and settles as `fn` does; the permit is released when `fn` settles. It
   * waits (FIFO, behind earlier callers) when every permit is taken and queueing is on. Rejects, and `fn` never
   * runs, with BulkheadRejectedError 'full' when it may not wait (enableQueue false, or maxQueueSize callers already
   * waiting), 'timeout' after maxWaitTime in line, or the context's error (Canceled, DeadlineExceeded) when `cancel`
   * fires first or was already done. `fn` receives the Context derived from `cancel`. It never throws: if `fn` is not
   * a function or `cancel` is not a Context, an AbortSignal or undefined, it rejects at once with InvalidArgumentError.
   */
  call<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    const bad = fnError('BulkheadCircuitBreaker.call', fn);
    if (bad !== null) return Promise.reject(bad);
    return this.#execute(fn, cancel, 'BulkheadCircuitBreaker.call');
  }

  /** execute is call (Policy). */
  execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    const bad = fnError('BulkheadCircuitBreaker.execute', fn);
    if (bad !== null) return Promise.reject(bad);
    return this.#execute(fn, cancel, 'BulkheadCircuitBreaker.execute');
  }

  #execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel: Cancel, method: string): Promise<T> {
    if (cancel === undefined) {
      return this.#sem.trySend(null) ? this.#run(fn, background()) : this.#wait(fn, background());
    }
    const bad = cancelError(method, cancel);
    if (bad !== null) return Promise.reject(bad);
    const [ctx, release] = toContext(cancel);
    if (ctx.err() !== null) {
      release();
      this.#canceled++;
      return Promise.reject(cancelReason(ctx));
    }
    const p = this.#sem.trySend(null) ? this.#run(fn, ctx) : this.#wait(fn, ctx);
    return cancel instanceof AbortSignal ? p.finally(release) : p;
  }

  /**
   * tryCall runs `fn` only if a permit is free at once and nobody is waiting, and settles as `fn` does; otherwise it
   * resolves to undefined at once without running `fn` (counted in rejectedFull). A bad `fn` rejects with
   * InvalidArgumentError.
   */
  tryCall<T>(fn: (ctx: Context) => Promise<T> | T): Promise<T | undefined> {
    const bad = fnError('BulkheadCircuitBreaker.tryCall', fn);
    if (bad !== null) return Promise.reject(bad);
    if (this.#sem.trySend(null)) return this.#run(fn, background());
    this.#rejectedFull++;
    return Promise.resolve(undefined);
  }

  /**
   * run runs `fn` on a permit already taken, and gives it back when `fn` settles. The settle handlers are made once
   * per bulkhead, so the call allocates nothing of its own beyond the promise `then` returns.
   */
  #run<T>(fn: (ctx: Context) => Promise<T> | T, ctx: Context): Promise<T> {
    this.#admitted++;
    const active = this.#sem.len();
    if (active > this.#peakActive) this.#peakActive = active;
    let r: Promise<T> | T;
    try {
      r = fn(ctx);
    } catch (e) {
      this.#failures++;
      this.#release();
      return Promise.reject(e);
    }
    return (r instanceof Promise ? r : Promise.resolve(r)).then(this.#onOk, this.#onErr) as Promise<T>;
  }

  readonly #onOk = <T>(v: T): T => {
    this.#successes++;
    this.#release();
    return v;
  };

  readonly #onErr = (e: unknown): never => {
    this.#failures++;
    this.#release();
    throw e;
  };

  /** release gives the permit back: to the first waiter if there is one (inside tryRecv), else to the buffer. */
  #release(): void {
    this.#sem.tryRecv();
    // Still full: the slot went straight to the first waiter (see the file comment).
    if (this.#sem.len() === this.#max) this.#queued--;
  }

  /** wait queues the caller for a permit (or rejects it at once), then runs `fn`. */
  async #wait<T>(fn: (ctx: Context) => Promise<T> | T, ctx: Context): Promise<T> {
    if (!this.#queue || this.#queued >= this.#maxQueue) {
      this.#rejectedFull++;
      throw new BulkheadRejectedError(
        'full',
        this.#queue ? `${this.#max} calls running and ${this.#queued} waiting` : `${this.#max} calls running`,
      );
    }
    this.#waited++;
    if (++this.#queued > this.#peakQueue) this.#peakQueue = this.#queued;
    const timer = this.#maxWait === Infinity ? null : newTimer(this.#maxWait);
    const outcome = await select([
      sendCase(this.#sem, null, () => ADMITTED),
      recvCase(ctx.done(), () => CANCELED),
      recvCase(timer === null ? null : timer.c, () => TIMEOUT),
    ]);
    timer?.stop();
    if (outcome === ADMITTED) return this.#run(fn, ctx);
    this.#queued--;
    if (outcome === CANCELED) {
      this.#canceled++;
      throw cancelReason(ctx);
    }
    this.#rejectedTimeout++;
    throw new BulkheadRejectedError('timeout', `no permit within ${this.#maxWait} ms`);
  }

  /** getAvailablePermits is the number of calls that could start now. */
  getAvailablePermits(): number {
    return this.#max - this.#sem.len();
  }

  /** getQueueLength is the number of callers waiting for a permit. */
  getQueueLength(): number {
    return this.#queued;
  }

  /**
   * isHealthy reports whether the bulkhead is coping: a permit is free, or callers wait but the line is short — fewer
   * than half of maxQueueSize, or fewer than maxConcurrentCalls when the queue is unbounded (about one round of
   * calls). With queueing off it is healthy exactly while a permit is free.
   */
  isHealthy(): boolean {
    if (this.#sem.len() < this.#max) return true;
    if (!this.#queue) return false;
    return this.#queued < (this.#maxQueue === Infinity ? this.#max : this.#maxQueue / 2);
  }

  /** getMetrics returns the gauges and counters (see BulkheadMetrics). */
  getMetrics(): BulkheadMetrics {
    return {
      maxConcurrentCalls: this.#max,
      activeCalls: this.#sem.len(),
      availablePermits: this.getAvailablePermits(),
      queueLength: this.#queued,
      admitted: this.#admitted,
      waited: this.#waited,
      successes: this.#successes,
      failures: this.#failures,
      rejectedFull: this.#rejectedFull,
      rejectedTimeout: this.#rejectedTimeout,
      canceled: this.#canceled,
      peakActive: this.#peakActive,
      peakQueueLength: this.#peakQueue,
    };
  }
}

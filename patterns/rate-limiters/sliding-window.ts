/**
 * SlidingWindowRateLimiter admits at most maxRequests requests in any window of windowSize ms, counted exactly (a
 * log of admission times) or approximately (counters per sub-window). Waiting callers queue FIFO in a WaitLine.
 *
 *   impl     the counting strategy: WindowLog ('exact') or WindowCounter ('approximate'), on the clock's whole
 *            nanoseconds (nanotime), so that the exact mode's waits are exact: an admission leaves the window
 *            exactly windowSize after it was made, and a waiter is admitted at that nanosecond
 *   last     the nanotime of the last clock read; every admission is dated there (see turn-clock.ts)
 *   stamp    the turn of that read
 *   free     how many requests the window admitted at `last`, as of the read
 *   pending  admissions made at `last` by the fast path and not yet recorded in impl (recorded at the next read)
 *
 * Invariant: pending <= free, so the fast path admits only what impl would have admitted at `last`.
 */
import { type Context, InvalidArgumentError, Nanosecond, nanotime, nowMillis } from '../../runtime/index.js';
import { type Cancel, toContext } from '../core/cancel.js';
import { func, oneOf, options, positive, positiveInt, show } from '../core/option-checks.js';
import type { Policy } from '../core/policy.js';
import { checkCancel, checkMaxWait, executeWithPermit, type Permits } from './permit.js';
import { sampleTurn, turn } from './turn-clock.js';
import { WaitLine } from './wait-line.js';
import { WindowCounter } from './window-counter.js';
import { WindowLog } from './window-log.js';
import type { WindowStrategy } from './window-strategy.js';

const OWNER = 'SlidingWindowRateLimiter';
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * SlidingWindowConfig configures a SlidingWindowRateLimiter.
 *
 * @example
 * // at most 100 requests in any minute, counted in 12 sub-windows of 5 s (constant memory)
 * const config: SlidingWindowConfig = { windowSize: Minute, maxRequests: 100, mode: 'approximate', precision: 12 };
 * const limiter = new SlidingWindowRateLimiter(config);
 * console.log(limiter.tryRequest(), limiter.getRequestCount()); // true 1
 */
export interface SlidingWindowConfig {
  /** windowSize is the window's length in ms (> 0). */
  windowSize: number;
  /** maxRequests is the most requests admitted in any window (integer >= 1). */
  maxRequests: number;
  /**
   * mode (default 'exact'): 'exact' keeps a log of admission times (memory grows with maxRequests, the limit holds
   * for every window); 'approximate' keeps `precision` + 1 counters (constant memory, the count of the oldest
   * sub-window is interpolated).
   */
  mode?: 'exact' | 'approximate';
  /** precision is the number of sub-windows of the approximate mode (integer >= 1, default 10). */
  precision?: number;
  /** maxWait is how long `execute` may wait, in ms: 0 never waits (RateLimitedError), Infinity (default) always. */
  maxWait?: number;
}

/**
 * SlidingWindowRateLimiter admits at most maxRequests in any windowSize ms: exactly, from a log of admission
 * times (mode 'exact', the default), or approximately with counters ('approximate'). tryRequest never waits, request
 * waits (cancelable), and execute is its Policy face.
 *
 * @example
 * const perMinute = new SlidingWindowRateLimiter({ windowSize: Minute, maxRequests: 60 });
 * if (!perMinute.tryRequest()) throw new TooManyRequests();
 */
export class SlidingWindowRateLimiter implements Policy {
  /** #window is windowSize in ns. */
  readonly #window: number;
  readonly #max: number;
  readonly #maxWait: number;
  readonly #impl: WindowStrategy;
  #last: number;
  #stamp: number;
  #free: number;
  #pending = 0;
  readonly #line: WaitLine;
  readonly #permits: Permits;

  /**
   * SlidingWindowRateLimiter makes an empty window. Throws InvalidArgumentError naming the option and the value for
   * a bad config: a windowSize that is not a finite number > 0, a maxRequests or precision that is not an integer
   * >= 1, a mode other than 'exact' or 'approximate', a maxWait that is not a number >= 0.
   *
   * @example
   * // at most 100 requests in any minute
   * const limiter = new SlidingWindowRateLimiter({ windowSize: 60_000, maxRequests: 100 });
   * if (!limiter.tryRequest()) res.status(429).end();
   */
  constructor(config: SlidingWindowConfig) {
    const o = options(OWNER, config, ['windowSize', 'maxRequests', 'mode', 'precision', 'maxWait']);
    this.#window = positive(OWNER, 'windowSize', o.windowSize) * 1e6;
    this.#max = positiveInt(OWNER, 'maxRequests', o.maxRequests);
    const mode = oneOf(OWNER, 'mode', ['exact', 'approximate'] as const, o.mode ?? 'exact');
    const precision = positiveInt(OWNER, 'precision', o.precision ?? 10);
    this.#maxWait = checkMaxWait(OWNER, o.maxWait ?? Infinity);
    this.#last = nanotime();
    this.#stamp = sampleTurn();
    this.#impl =
      mode === 'exact'
        ? new WindowLog(this.#window, this.#max)
        : new WindowCounter(this.#window, this.#max, precision, this.#last);
    this.#free = this.#max;
    this.#line = new WaitLine({ take: (k) => this.#take(k) });
    this.#permits = {
      tryOne: () => this.tryRequest(),
      waitTime: () => (this.#line.size === 0 ? toMs(this.#impl.waitTime(this.#sync(), 1)) : Number.NaN),
      exact: false,
      waitOne: (ctx) => this.#line.wait(1, ctx),
    };
  }

  /**
   * tryRequest admits one request if the window has room and nobody is waiting, and reports whether it did. It never
   * blocks and allocates nothing; within one synchronous turn it reads the clock only once.
   */
  tryRequest(): boolean {
    if (this.#pending < this.#free && this.#stamp === turn && this.#line.size === 0) {
      this.#pending++;
      return true;
    }
    return this.#tryRequestSlow(1);
  }

  /**
   * tryRequestBatch admits `count` requests if all fit, or none (all or nothing), and reports whether it did;
   * count 0 always fits. Throws InvalidArgumentError if count is not an integer between 0 and maxRequests.
   */
  tryRequestBatch(count: number): boolean {
    this.#check('tryRequestBatch', count);
    return count === 0 || this.#tryRequestSlow(count);
  }

  #tryRequestSlow(k: number): boolean {
    if (this.#line.size !== 0) return false;
    this.#sync();
    if (k > this.#free - this.#pending) return false;
    this.#admit(k);
    return true;
  }

  /**
   * request admits one request, waiting until the window has room and every earlier waiter has been admitted (FIFO).
   * If `cancel` (a Context or AbortSignal) is done first, the promise rejects with its error, nothing is counted, and
   * the waiters behind move up; an already-canceled `cancel` rejects at once. It never throws: a `cancel` that is
   * not a Cancel is a rejection with InvalidArgumentError.
   */
  request(cancel?: Cancel): Promise<void> {
    let err: unknown;
    try {
      err = checkCancel(`${OWNER}.request`, cancel);
    } catch (e) {
      return Promise.reject(e);
    }
    if (err !== null) return Promise.reject(err);
    if (this.tryRequest()) return RESOLVED;
    const [ctx, release] = toContext(cancel);
    return this.#line.wait(1, ctx).finally(release);
  }

  /**
   * getCurrentWindow is the start of the window counted now, in Unix ms (as nowMillis): the window is
   * (getCurrentWindow(), now].
   */
  getCurrentWindow(): number {
    this.#sync();
    return nowMillis() - this.#window / 1e6;
  }

  /** getRequestCount is the number of requests admitted in the current window (the approximate mode's estimate). */
  getRequestCount(): number {
    return this.#impl.count(this.#sync());
  }

  /** reset forgets every admission, as new; waiting requests are admitted in order from the empty window. */
  reset(): void {
    this.#pending = 0;
    this.#impl.reset();
    this.#sync();
    this.#line.kick();
  }

  /**
   * execute runs `fn(ctx)` once a request is admitted (Policy): it waits in line like request(cancel), or with
   * maxWait set, rejects with RateLimitedError rather than wait longer than maxWait (at once when maxWait is 0).
   * Settles as `fn` does.
   */
  execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    let err: unknown;
    try {
      func(`${OWNER}.execute`, 'fn', fn);
      err = checkCancel(`${OWNER}.execute`, cancel);
    } catch (e) {
      return Promise.reject(e);
    }
    if (err !== null) return Promise.reject(err);
    return executeWithPermit(OWNER, this.#permits, this.#maxWait, fn, cancel);
  }

  /** take is the WaitLine's gate. */
  #take(k: number): number {
    const t = this.#sync();
    if (k <= this.#free) {
      this.#admit(k);
      return 0;
    }
    return Math.max(Nanosecond, toMs(this.#impl.waitTime(t, k)));
  }

  #admit(k: number): void {
    this.#impl.record(this.#last, k);
    this.#free -= k;
  }

  /** sync records the fast path's admissions, reads the clock and recomputes `free`; it returns the time read. */
  #sync(): number {
    if (this.#pending > 0) {
      this.#impl.record(this.#last, this.#pending);
      this.#free -= this.#pending;
      this.#pending = 0;
    }
    const t = nanotime();
    this.#stamp = sampleTurn();
    // Time going back means the limiter moved between clocks (a synctest bubble and the real clock): start afresh.
    if (t < this.#last) this.#impl.reset();
    this.#last = t;
    this.#free = this.#impl.free(t);
    return t;
  }

  #check(fn: string, count: unknown): void {
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || count > this.#max) {
      throw new InvalidArgumentError(
        `${OWNER}.${fn}: count must be an integer between 0 and maxRequests (${this.#max}), got ${show(count)}`,
      );
    }
  }
}

/** toMs converts a wait in ns to ms, rounded up to the nanosecond (a waiter woken early would find no room). */
function toMs(ns: number): number {
  return Math.ceil(ns) / 1e6;
}

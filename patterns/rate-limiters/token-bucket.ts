/**
 * TokenBucketRateLimiter: a token bucket whose tokens are computed from the clock when asked, never added by a
 * timer. It starts full; tokens flow in continuously at refillRate per refillInterval up to the capacity; a request
 * for n tokens takes them if they are there. Waiting callers (acquire, execute) queue FIFO in a WaitLine.
 *
 * The content is kept in credits, exactly, on the clock's whole nanoseconds (nanotime): one token is `unit` credits
 * (refillInterval in ns), and credits flow in at refillRate per ns. With an integer refillRate (or a binary fraction
 * such as 2.5) and a refillInterval of whole ms, every quantity is exact (below 2^53), so nothing is rounded: a wait
 * of ceil(missing credits / refillRate) ns is exactly what the request needs, and inside synctest.run a grant happens
 * at the exact nanosecond its tokens are there, however the rate divides the interval (at 11 per second a token takes
 * 90909090.9.. ns: an emptied bucket of 3 grants at 90909091, 181818182, 272727273 ns...).
 *
 *   credit   the content at time `last`, in credits (0 <= credit <= full = capacity * unit)
 *   last     the nanotime of the last clock read; every admission is dated there (see turn-clock.ts)
 *   stamp    the turn of that read: while it is the current turn, `last` is "now" and tryAcquire decides on `credit`
 *            without reading the clock
 *
 * Invariants: credit(t) = min(full, credit + (t - last) * refillRate) for t >= last, minus what is taken at t;
 * nobody takes while the line is non-empty except its head, so a parked acquirer is never overtaken.
 */
import { type Context, InvalidArgumentError, nanotime } from '../../runtime/index.js';
import { type Cancel, toContext } from '../core/cancel.js';
import { bool, func, options, positive, positiveInt, show } from '../core/option-checks.js';
import type { Policy } from '../core/policy.js';
import { checkCancel, checkMaxWait, executeWithPermit, type Permits } from './permit.js';
import { sampleTurn, turn } from './turn-clock.js';
import { WaitLine } from './wait-line.js';

const OWNER = 'TokenBucketRateLimiter';
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * TokenBucketConfig configures a TokenBucketRateLimiter; see the class for what each option does.
 *
 * @example
 * // 10 requests a second on average, bursts of up to 20, and execute waits at most 500 ms for a token
 * const config: TokenBucketConfig = { capacity: 20, refillRate: 10, refillInterval: Second, maxWait: 500 };
 * const limiter = new TokenBucketRateLimiter(config);
 * console.log(limiter.tryAcquire(5), Math.floor(limiter.getAvailableTokens())); // true 15
 */
export interface TokenBucketConfig {
  /** capacity is the most tokens the bucket holds, hence the biggest burst and the biggest request (integer >= 1). */
  capacity: number;
  /** refillRate is how many tokens flow in per refillInterval (> 0, fractions allowed). */
  refillRate: number;
  /** refillInterval is the period of refillRate, in ms (> 0). Default 1000. */
  refillInterval?: number;
  /**
   * enableBurst (default true) lets the bucket fill up to capacity while unused, so a client idle for long enough may
   * spend a burst of up to capacity tokens at once. With false the bucket never holds more than one interval's
   * refill, min(capacity, max(1, refillRate)) tokens: bursts are smoothed to the steady rate.
   */
  enableBurst?: boolean;
  /**
   * maxWait is how long `execute` may wait for a token, in ms: 0 rejects with RateLimitedError at once when no token
   * is free; Infinity (the default) always waits. A call whose wait would exceed maxWait is rejected at once.
   */
  maxWait?: number;
}

/**
 * TokenBucketRateLimiter admits requests while its bucket holds tokens: `capacity` tokens, refilled at
 * `refillRate` per `refillInterval` ms, exactly on the runtime's clock. tryAcquire never waits; acquire waits in a
 * FIFO line (cancelable); as a Policy, execute waits at most maxWait ms, else rejects with RateLimitedError.
 *
 * @example
 * const limiter = new TokenBucketRateLimiter({ capacity: 100, refillRate: 10, refillInterval: 1000 });
 * if (!limiter.tryAcquire()) return res.status(429).end();
 * await limiter.acquire(1, req.signal); // or wait for a token
 */
export class TokenBucketRateLimiter implements Policy {
  readonly #capacity: number;
  /** #rate is refillRate: credits per ns. */
  readonly #rate: number;
  /** #unit is the credits of one token: refillInterval in ns. */
  readonly #unit: number;
  /** #full is the capacity in credits. */
  readonly #full: number;
  readonly #maxWait: number;
  #credit: number;
  #last: number;
  #stamp: number;
  readonly #line: WaitLine;
  readonly #permits: Permits;

  /**
   * TokenBucketRateLimiter makes a full bucket. Throws InvalidArgumentError naming the option and the value for a
   * bad config: a capacity that is not an integer >= 1, a refillRate or refillInterval that is not a finite number
   * > 0, an enableBurst that is not a boolean, a maxWait that is not a number >= 0.
   *
   * @example
   * // 10 requests per second on average, bursts of up to 100
   * const limiter = new TokenBucketRateLimiter({ capacity: 100, refillRate: 10, refillInterval: 1000 });
   * if (!limiter.tryAcquire()) res.status(429).end();
   */
  constructor(config: TokenBucketConfig) {
    const o = options(OWNER, config, ['capacity', 'refillRate', 'refillInterval', 'enableBurst', 'maxWait']);
    const capacity = positiveInt(OWNER, 'capacity', o.capacity);
    this.#rate = positive(OWNER, 'refillRate', o.refillRate);
    this.#unit = positive(OWNER, 'refillInterval', o.refillInterval ?? 1000) * 1e6;
    const burst = bool(OWNER, 'enableBurst', o.enableBurst ?? true);
    this.#maxWait = checkMaxWait(OWNER, o.maxWait ?? Infinity);
    this.#capacity = burst ? capacity : Math.min(capacity, Math.max(1, this.#rate));
    this.#full = this.#capacity * this.#unit;
    this.#credit = this.#full;
    this.#last = nanotime();
    this.#stamp = sampleTurn();
    this.#line = new WaitLine({ take: (n) => this.#take(n) });
    this.#permits = {
      tryOne: () => this.tryAcquire(1),
      waitTime: () => this.getRefillTime(1),
      exact: true,
      waitOne: (ctx) => this.#line.wait(1, ctx),
    };
  }

  /**
   * tryAcquire takes `n` tokens (default 1) if the bucket holds them and nobody is waiting, and reports whether it
   * did. It never blocks and allocates nothing; when the bucket's last computed content already suffices it does not
   * even read the clock. n = 0 always succeeds. Throws InvalidArgumentError if n is not a finite number >= 0 or
   * exceeds the capacity (such a request could never succeed).
   */
  tryAcquire(n = 1): boolean {
    if (typeof n === 'number' && n > 0 && this.#stamp === turn && this.#line.size === 0) {
      const cost = n * this.#unit;
      if (cost <= this.#credit) {
        this.#credit -= cost;
        return true;
      }
    }
    return this.#tryAcquireSlow(n);
  }

  #tryAcquireSlow(n: number): boolean {
    this.#check('tryAcquire', n);
    if (n === 0) return true;
    if (this.#line.size !== 0) return false;
    this.#refill();
    if (n * this.#unit > this.#credit) return false;
    this.#credit -= n * this.#unit;
    return true;
  }

  /**
   * acquire takes `n` tokens (default 1), waiting until the bucket holds them and every earlier waiter has been
   * served (FIFO: a later small request never overtakes an earlier big one). If `cancel` (a Context or AbortSignal)
   * is done first, the promise rejects with its error (Canceled, DeadlineExceeded), nothing is taken, and the
   * waiters behind move up; an already-canceled `cancel` rejects at once even if tokens are free. It never throws:
   * if n is not a finite number >= 0, exceeds the capacity, or `cancel` is not a Cancel, it rejects at once with
   * InvalidArgumentError.
   *
   * @example
   * await limiter.acquire(1, req.signal); // wait for a token, unless the client goes away
   */
  acquire(n = 1, cancel?: Cancel): Promise<void> {
    let err: unknown;
    try {
      this.#check('acquire', n);
      err = checkCancel(`${OWNER}.acquire`, cancel);
    } catch (e) {
      return Promise.reject(e);
    }
    if (err !== null) return Promise.reject(err);
    if (n === 0 || (this.#line.size === 0 && this.#take(n) === 0)) return RESOLVED;
    const [ctx, release] = toContext(cancel);
    return this.#line.wait(n, ctx).finally(release);
  }

  /**
   * tryAcquireBatch tries each request of `ns` in order, as successive tryAcquire calls at one instant would, and
   * returns whether each was granted: with 3 tokens, [2, 2, 1] gives [true, false, true]. Every n is checked before
   * anything is taken (InvalidArgumentError as tryAcquire, naming the index).
   */
  tryAcquireBatch(ns: readonly number[]): boolean[] {
    if (!Array.isArray(ns)) throw new InvalidArgumentError(`${OWNER}.tryAcquireBatch: ns must be an array, got ${show(ns)}`);
    ns.forEach((n, i) => this.#check(`tryAcquireBatch`, n, `ns[${i}]`));
    return ns.map((n) => this.tryAcquire(n));
  }

  /**
   * getAvailableTokens is the bucket's content now (a real number between 0 and the capacity). While acquirers
   * wait, these tokens are theirs: tryAcquire still fails.
   */
  getAvailableTokens(): number {
    this.#refill();
    return this.#credit / this.#unit;
  }

  /**
   * getRefillTime is the ms until tryAcquire(n) (default 1) could succeed, counting the tokens that the waiting
   * acquirers ahead will take first; 0 if the bucket holds them now. Exact, rounded up to the nanosecond (the clock's
   * resolution), so that `await sleep(getRefillTime(n))` is always enough: with capacity 3 at 10 per second, an
   * empty bucket gives 100 for n = 1 and 300 for n = 3; at 3 per second, 333.333334 for n = 1. Throws
   * InvalidArgumentError as tryAcquire.
   */
  getRefillTime(n = 1): number {
    this.#check('getRefillTime', n);
    this.#refill();
    return this.#wait((this.#line.demand + n) * this.#unit - this.#credit);
  }

  /** getCapacity is the most tokens the bucket holds: capacity, or one interval's refill with enableBurst false. */
  getCapacity(): number {
    return this.#capacity;
  }

  /** reset fills the bucket to capacity, as new; waiting acquirers are served from it in order. */
  reset(): void {
    this.#credit = this.#full;
    this.#last = nanotime();
    this.#stamp = sampleTurn();
    this.#line.kick();
  }

  /**
   * execute runs `fn(ctx)` once it has a token (Policy): it waits in line like acquire(1, cancel), or, with maxWait
   * set, rejects with RateLimitedError (its retryAfter is getRefillTime()) instead of waiting longer than maxWait.
   * `ctx` is the caller's Context (from `cancel`). Settles as `fn` does.
   *
   * @example
   * const limited = new TokenBucketRateLimiter({ capacity: 5, refillRate: 5, maxWait: 0 });
   * const body = await wrap(retry, limited).execute((ctx) => fetch(url, { signal: ctx.signal }));
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

  /** take is the WaitLine's gate: take n tokens now (0), or say how long until they are there (>= 1 ns). */
  #take(n: number): number {
    this.#refill();
    const cost = n * this.#unit;
    if (cost <= this.#credit) {
      this.#credit -= cost;
      return 0;
    }
    return this.#wait(cost - this.#credit);
  }

  /** wait is the ms until `need` more credits have flowed in: whole ns, rounded up (0 if need <= 0). */
  #wait(need: number): number {
    return need <= 0 ? 0 : Math.ceil(need / this.#rate) / 1e6;
  }

  /** refill reads the clock and brings the credit up to date; it starts a new sample for the fast path. */
  #refill(): void {
    const t = nanotime();
    this.#stamp = sampleTurn();
    const elapsed = t - this.#last;
    this.#last = t;
    // elapsed < 0 only if the limiter moved between clocks (made in a synctest bubble, used outside): no refill.
    if (elapsed > 0 && this.#credit < this.#full) {
      this.#credit = Math.min(this.#full, this.#credit + elapsed * this.#rate);
    }
  }

  #check(fn: string, n: unknown, name = 'n'): void {
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(`${OWNER}.${fn}: ${name} must be a finite number >= 0, got ${show(n)}`);
    }
    if (n > this.#capacity) {
      throw new InvalidArgumentError(
        `${OWNER}.${fn}: ${name} must be at most the capacity (${this.#capacity}), got ${show(n)}`,
      );
    }
  }
}

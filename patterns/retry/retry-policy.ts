/**
 * RetryPolicy is the decision half of retrying: which failures are worth another attempt, and how long to wait
 * before it. It holds no per-call state, so one policy can serve any number of executors and concurrent calls;
 * RetryExecutor (retry-executor.ts) is the half that calls, waits and counts.
 *
 * Delays, for attempt n = 1, 2, 3, ... (n = the attempt that just failed):
 * - the strategy's delay (backoff.ts), clamped into [0, maxDelay]: without jitter it never decreases as n grows;
 * - then jitter (jitter.ts), which keeps it in [0, maxDelay].
 * No setting and no attempt number yields NaN, Infinity or a delay above maxDelay.
 */
import { InvalidArgumentError, PanicError } from '../../runtime/index.js';
import { func, nonNegative, options, positiveInt, show } from '../core/option-checks.js';
import {
  type BackoffParams,
  type BackoffStrategy,
  type CustomBackoff,
  customBackoff,
  exponentialBackoff,
  fibonacciBackoff,
  fixedBackoff,
} from './backoff.js';
import { isPermanentError } from './retry-errors.js';
import { applyJitter, JITTERS, type Jitter } from './jitter.js';

const OWNER = 'RetryPolicy';

/** CIRCUIT_OPEN is the code of an open circuit breaker's rejection (BrokenCircuitError, circuit-breakers/). */
export const CIRCUIT_OPEN = 'ERR_CIRCUIT_OPEN';

/**
 * TERMINAL_CODES are expected failures of other patterns that no wait can cure, never retried: a closed rate
 * limiter stays closed. (Matched by code, so this file imports nothing from those families.)
 */
const TERMINAL_CODES: ReadonlySet<string> = new Set(['ERR_RATE_LIMITER_CLOSED']);

/**
 * BackoffStrategyName names a built-in strategy; 'custom' uses the customBackoff function.
 *
 * @example
 * const name: BackoffStrategyName = 'fibonacci';
 * const policy = new RetryPolicy({ backoffStrategy: name, initialDelay: 100, jitter: 'none' });
 * console.log([1, 2, 3, 4].map((a) => policy.getDelay(a))); // [ 100, 100, 200, 300 ]
 */
export type BackoffStrategyName = 'fixed' | 'exponential' | 'fibonacci' | 'custom';
const STRATEGIES = ['fixed', 'exponential', 'fibonacci', 'custom'] as const;

/**
 * RetryCondition decides whether `error`, thrown by attempt number `attempt` (1-based), is worth retrying.
 *
 * @example
 * const transient: RetryCondition = (error) => /ECONNRESET|ETIMEDOUT|503/.test(error.message);
 * const policy = new RetryPolicy({ retryCondition: transient });
 * console.log(policy.shouldRetry(new Error('HTTP 503'), 1), policy.shouldRetry(new Error('HTTP 400'), 1)); // true false
 */
export type RetryCondition = (error: Error, attempt: number) => boolean;

/**
 * RetryPolicyConfig is RetryPolicy's configuration; every field is optional in the constructor.
 *
 * @example
 * const config: Partial<RetryPolicyConfig> = {
 *   maxAttempts: 4,
 *   backoffStrategy: 'exponential',
 *   initialDelay: 100,
 *   maxDelay: 2 * Second,
 *   jitter: 'equal',
 *   respectRetryAfter: true, // wait at least what a RateLimitedError or an open circuit asks
 * };
 * const executor = new RetryExecutor(new RetryPolicy(config));
 */
export interface RetryPolicyConfig {
  /** maxAttempts is the most calls made, the first one included (1 = never retry). Integer >= 1; default 3. */
  maxAttempts: number;
  /** backoffStrategy is a built-in name or a BackoffStrategy object. Default 'exponential'. */
  backoffStrategy: BackoffStrategyName | BackoffStrategy;
  /** customBackoff is the 'custom' strategy's function (attempt, lastDelay) => ms; given alone, implies 'custom'. */
  customBackoff: CustomBackoff;
  /** initialDelay is the first delay in ms, >= 0 and <= maxDelay. Default 100. */
  initialDelay: number;
  /** maxDelay caps every delay, in ms, >= 0. Default 10000. */
  maxDelay: number;
  /** multiplier is the exponential strategy's growth factor, finite and >= 1. Default 2. */
  multiplier: number;
  /** jitter randomises delays (see jitter.ts); `true` is 'full' and `false` is 'none'. Default 'full'. */
  jitter: Jitter | boolean;
  /** retryCondition says which errors are worth retrying. Default: every Error. */
  retryCondition: RetryCondition;
  /** respectRetryAfter makes an error's numeric `retryAfter` (ms) the least delay before a retry. Default true. */
  respectRetryAfter: boolean;
  /** random is the random source of jitter, returning numbers in [0, 1]. Default Math.random. */
  random: () => number;
}

/** RETRY_POLICY_KEYS are the keys of RetryPolicyConfig. */
const RETRY_POLICY_KEYS: readonly string[] = Object.freeze([
  'maxAttempts',
  'backoffStrategy',
  'customBackoff',
  'initialDelay',
  'maxDelay',
  'multiplier',
  'jitter',
  'retryCondition',
  'respectRetryAfter',
  'random',
]);

const retryAll: RetryCondition = () => true;

/**
 * RetryPolicy decides whether a failed attempt is retried (shouldRetry, isRetryable) and how long to wait before the
 * next one (getDelay, delayFor). It never blocks and keeps no per-call state; RetryExecutor applies it.
 *
 * @example
 * const policy = new RetryPolicy({ maxAttempts: 3, backoffStrategy: 'exponential', initialDelay: 1000,
 *   maxDelay: 10000, jitter: true, retryCondition: (error) => error.name === 'NetworkError' });
 * const executor = new RetryExecutor(policy);
 */
export class RetryPolicy {
  #maxAttempts: number;
  #strategyName: BackoffStrategyName | null;
  #strategy: BackoffStrategy;
  #custom: CustomBackoff | null;
  #params: BackoffParams;
  #jitter: Jitter;
  #retryCondition: RetryCondition;
  #respectRetryAfter: boolean;
  #random: () => number;

  /**
   * constructor makes a policy from `config` (see RetryPolicyConfig for each option and its default). It throws
   * InvalidArgumentError naming the option and the value for any bad setting, including initialDelay > maxDelay and
   * backoffStrategy 'custom' without customBackoff.
   *
   * @example
   * const policy = new RetryPolicy({
   *   maxAttempts: 4, backoffStrategy: 'exponential', initialDelay: 100, maxDelay: 2000, jitter: 'equal',
   *   retryCondition: (e) => e.name !== 'ValidationError',
   * });
   */
  constructor(config?: Partial<RetryPolicyConfig>) {
    const c = options(OWNER, config, RETRY_POLICY_KEYS);
    const maxAttempts = positiveInt(OWNER, 'maxAttempts', c.maxAttempts ?? 3);
    const initialDelay = nonNegative(OWNER, 'initialDelay', c.initialDelay ?? 100);
    const maxDelay = nonNegative(OWNER, 'maxDelay', c.maxDelay ?? 10_000);
    if (initialDelay > maxDelay) {
      throw new InvalidArgumentError(`${OWNER}: initialDelay must be <= maxDelay (${maxDelay}), got ${initialDelay}`);
    }
    const multiplier = checkMultiplier(c.multiplier ?? 2);
    const jitter = checkJitter(c.jitter ?? 'full');
    const custom = c.customBackoff === undefined ? null : func(OWNER, 'customBackoff', c.customBackoff);
    const [name, strategy] = checkStrategy(c.backoffStrategy ?? (custom ? 'custom' : 'exponential'), custom);
    this.#retryCondition = func(OWNER, 'retryCondition', c.retryCondition ?? retryAll);
    const respect = c.respectRetryAfter ?? true;
    if (typeof respect !== 'boolean') fail('respectRetryAfter', 'a boolean', respect);
    this.#random = func(OWNER, 'random', c.random ?? Math.random);
    this.#maxAttempts = maxAttempts;
    this.#params = Object.freeze({ initialDelay, maxDelay, multiplier });
    this.#jitter = jitter;
    this.#custom = custom;
    this.#strategyName = name;
    this.#strategy = strategy;
    this.#respectRetryAfter = respect;
  }

  /** maxAttempts is the most calls an execution makes, the first included. */
  get maxAttempts(): number {
    return this.#maxAttempts;
  }

  /** initialDelay is the first delay, in ms. */
  get initialDelay(): number {
    return this.#params.initialDelay;
  }

  /** maxDelay is the cap of every delay, in ms. */
  get maxDelay(): number {
    return this.#params.maxDelay;
  }

  /** jitter is the jitter kind in force ('none' when configured as false, 'full' as true). */
  get jitter(): Jitter {
    return this.#jitter;
  }

  /** backoffStrategy is the strategy's name, or the BackoffStrategy object it was given. */
  get backoffStrategy(): BackoffStrategyName | BackoffStrategy {
    return this.#strategyName ?? this.#strategy;
  }

  /** setMaxAttempts changes maxAttempts (an integer >= 1) for every later decision; throws InvalidArgumentError. */
  setMaxAttempts(attempts: number): void {
    this.#maxAttempts = positiveInt(OWNER, 'maxAttempts', attempts);
  }

  /**
   * setBackoffStrategy changes the strategy: a built-in name, or a BackoffStrategy object. 'custom' uses
   * `customBackoff`, or the one configured before; throws InvalidArgumentError if there is none or the name is unknown.
   */
  setBackoffStrategy(strategy: BackoffStrategyName | BackoffStrategy, custom?: CustomBackoff): void {
    const given = custom === undefined ? null : func(OWNER, 'customBackoff', custom);
    const fn = given ?? (strategy === 'custom' ? this.#custom : null);
    [this.#strategyName, this.#strategy] = checkStrategy(strategy, fn);
    if (given !== null) this.#custom = given;
  }

  /** setRetryCondition replaces retryCondition; throws InvalidArgumentError if `condition` is not a function. */
  setRetryCondition(condition: RetryCondition): void {
    this.#retryCondition = func(OWNER, 'retryCondition', condition);
  }

  /**
   * isRetryable says whether `error`, thrown by attempt `attempt`, is worth retrying, leaving the attempt count
   * aside. It is false, whatever retryCondition says, for:
   * - a value that is not an Error (a thrown string is a bug, not a transient failure), a runtime panic
   *   (PanicError: InvalidArgumentError, ChannelClosedError, ...: misuse), a PermanentError, and a closed rate
   *   limiter's error (code 'ERR_RATE_LIMITER_CLOSED');
   * - when respectRetryAfter is on, an error whose wait hint (see retryAfterOf) exceeds maxDelay, and an open
   *   circuit (code 'ERR_CIRCUIT_OPEN') that does not say when it half-opens: waiting longer than the policy
   *   allows, or blindly, on a breaker that is failing fast would only spend attempts.
   * Otherwise retryCondition decides.
   */
  isRetryable(error: unknown, attempt: number): boolean {
    positiveInt(`${OWNER}.isRetryable`, 'attempt', attempt);
    if (!(error instanceof Error) || error instanceof PanicError || isPermanentError(error)) return false;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && TERMINAL_CODES.has(code)) return false;
    if (this.#respectRetryAfter) {
      const hint = retryAfterOf(error);
      if (hint === undefined ? code === CIRCUIT_OPEN : hint > this.#params.maxDelay) return false;
    }
    return this.#retryCondition(error, attempt) === true;
  }

  /**
   * shouldRetry says whether an execution whose attempt number `attempt` failed with `error` makes another attempt:
   * attempts remain (attempt < maxAttempts) and the error is retryable (see isRetryable).
   *
   * @example
   * policy.shouldRetry(new Error('ECONNRESET'), 1); // true with the defaults (maxAttempts 3)
   * policy.shouldRetry(new Error('ECONNRESET'), 3); // false: the third attempt was the last
   */
  shouldRetry(error: unknown, attempt: number): boolean {
    positiveInt(`${OWNER}.shouldRetry`, 'attempt', attempt);
    return attempt < this.#maxAttempts && this.isRetryable(error, attempt);
  }

  /**
   * getDelay returns the delay in ms to wait after attempt number `attempt` failed, before the next one: the
   * strategy's delay clamped into [0, maxDelay], then jittered. `previous` is the delay waited before that attempt;
   * only decorrelated jitter and custom strategies use it, and RetryExecutor passes the real one (omitted, it is
   * initialDelay). Throws InvalidArgumentError for a bad attempt or previous, for a strategy that returns NaN or a
   * non-number, and for a random source that returns a value outside [0, 1].
   *
   * @example
   * const p = new RetryPolicy({ initialDelay: 100, maxDelay: 500, jitter: 'none' });
   * [1, 2, 3, 4].map((n) => p.getDelay(n)); // [100, 200, 400, 500]
   */
  getDelay(attempt: number, previous?: number): number {
    positiveInt(`${OWNER}.getDelay`, 'attempt', attempt);
    const p = this.#params;
    const prev = previous === undefined ? p.initialDelay : nonNegative(`${OWNER}.getDelay`, 'previous', previous);
    const raw = this.#strategy.delay(attempt, prev, p);
    if (typeof raw !== 'number' || Number.isNaN(raw)) {
      throw new InvalidArgumentError(`${OWNER}: backoff strategy returned ${show(raw)} for attempt ${attempt}`);
    }
    const d = Math.min(Math.max(raw, 0), p.maxDelay);
    if (this.#jitter === 'none') return d;
    const r = this.#random();
    if (typeof r !== 'number' || !(r >= 0 && r <= 1)) {
      throw new InvalidArgumentError(`${OWNER}: random must return a number in [0, 1], got ${show(r)}`);
    }
    return applyJitter(this.#jitter, d, Math.min(prev, p.maxDelay), p.initialDelay, p.maxDelay, r);
  }

  /**
   * delayFor is the delay RetryExecutor waits after attempt `attempt` failed with `error`: getDelay, raised to the
   * error's `retryAfter` (ms) when respectRetryAfter is on and the error carries one (an open circuit saying when it
   * half-opens, a rate limiter saying when a token is due, an HTTP 429's Retry-After). Never above maxDelay: a
   * longer retryAfter makes the error not retryable (see isRetryable).
   */
  delayFor(error: unknown, attempt: number, previous?: number): number {
    const d = this.getDelay(attempt, previous);
    if (!this.#respectRetryAfter) return d;
    const hint = retryAfterOf(error);
    return hint === undefined ? d : Math.min(Math.max(d, hint), this.#params.maxDelay);
  }
}

/**
 * retryAfterOf reads an error's wait hint, in ms: its `retryAfter` (RateLimitedError, or any error of the user's, such
 * as one carrying an HTTP Retry-After), or for an open circuit (code 'ERR_CIRCUIT_OPEN') its `remainingMs`, the time
 * until the breaker admits a probe. A number >= 0 (Infinity for a circuit forced open), or undefined when the error
 * gives none (NaN, negative or missing).
 *
 * @example
 * class HttpError extends Error { constructor(readonly retryAfter: number) { super('HTTP 429'); } }
 * console.log(retryAfterOf(new HttpError(1500)), retryAfterOf(new Error('no hint'))); // 1500 undefined
 */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { retryAfter?: unknown; remainingMs?: unknown; code?: unknown };
  if (isHint(e.retryAfter)) return e.retryAfter;
  if (e.code === CIRCUIT_OPEN && isHint(e.remainingMs)) return e.remainingMs;
  return undefined;
}

function isHint(v: unknown): v is number {
  return typeof v === 'number' && v >= 0; // NaN fails too
}

function fail(option: string, want: string, v: unknown): never {
  throw new InvalidArgumentError(`${OWNER}: ${option} must be ${want}, got ${show(v)}`);
}

function checkMultiplier(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 1) fail('multiplier', 'a finite number >= 1', v);
  return v;
}

function checkJitter(v: unknown): Jitter {
  if (v === true) return 'full';
  if (v === false) return 'none';
  if (typeof v !== 'string' || !(JITTERS as readonly string[]).includes(v)) {
    fail('jitter', `one of ${JITTERS.map((j) => `"${j}"`).join(', ')} or a boolean`, v);
  }
  return v as Jitter;
}

function checkStrategy(
  v: unknown,
  custom: CustomBackoff | null,
): [name: BackoffStrategyName | null, strategy: BackoffStrategy] {
  if (typeof v === 'object' && v !== null && typeof (v as BackoffStrategy).delay === 'function') {
    return [null, v as BackoffStrategy];
  }
  if (typeof v !== 'string' || !(STRATEGIES as readonly string[]).includes(v)) {
    fail('backoffStrategy', `one of ${STRATEGIES.map((s) => `"${s}"`).join(', ')} or an object with a delay method`, v);
  }
  const name = v as BackoffStrategyName;
  if (custom !== null && name !== 'custom') {
    throw new InvalidArgumentError(`${OWNER}: customBackoff is set but backoffStrategy is ${show(name)}, not "custom"`);
  }
  switch (name) {
    case 'fixed':
      return [name, fixedBackoff];
    case 'exponential':
      return [name, exponentialBackoff];
    case 'fibonacci':
      return [name, fibonacciBackoff];
    case 'custom':
      if (custom === null) fail('customBackoff', 'a function when backoffStrategy is "custom"', undefined);
      return [name, customBackoff(custom)];
  }
}

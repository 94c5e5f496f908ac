/**
 * RetryBudget is gRPC's retry throttling (gRFC A6) as a shareable object: a token count that failures drain and
 * successes refill, and retries are allowed only while more than half of it is left. Shared by every executor that
 * calls one backend, it stops retries from multiplying the load on a backend that is already failing: during an
 * outage each call makes one attempt instead of maxAttempts, and retries come back as successes do.
 *
 * Accounting (as gRPC's): the count starts full, at maxTokens; each failed attempt with a retryable error costs 1
 * (never below 0), each success adds tokenRatio (never above maxTokens); a retry is allowed while the count is
 * > maxTokens / 2. First attempts are never throttled. Tokens are kept in thousandths, as integers, so that adding 0.1
 * ten thousand times does not drift.
 */
import { InvalidArgumentError } from '../../runtime/index.js';
import { options, show } from '../core/option-checks.js';

const OWNER = 'RetryBudget';
const SCALE = 1000;

/**
 * RetryBudgetConfig configures a RetryBudget; both fields are optional in the constructor.
 *
 * @example
 * const config: RetryBudgetConfig = { maxTokens: 4, tokenRatio: 0.5 };
 * const budget = new RetryBudget(config); // shared by every executor that calls one service
 * const executor = new RetryExecutor(new RetryPolicy({ maxAttempts: 5 }), { budget });
 */
export interface RetryBudgetConfig {
  /** maxTokens is the size of the budget, in [0.001, 1000] (gRPC: (0, 1000], 3 decimals). Default 10. */
  maxTokens: number;
  /** tokenRatio is what a success gives back, a number >= 0.001 (gRPC keeps 3 decimals). Default 0.1. */
  tokenRatio: number;
}

/**
 * RetryBudget is a token count shared by the executors that call one backend, refusing retries while failures
 * outnumber successes (see the file comment). Its methods never block.
 *
 * @example
 * const budget = new RetryBudget({ maxTokens: 10, tokenRatio: 0.1 });
 * const executor = new RetryExecutor(policy, { budget });
 */
export class RetryBudget {
  readonly #max: number;
  readonly #ratio: number;
  #tokens: number;

  /**
   * constructor makes a full budget. Throws InvalidArgumentError naming the option and value for a maxTokens outside
   * [0.001, 1000] or a tokenRatio below 0.001 (or NaN, Infinity, a non-number).
   *
   * @example
   * const budget = new RetryBudget({ maxTokens: 10, tokenRatio: 0.1 });
   * const a = new RetryExecutor(policy, { budget });
   * const b = new RetryExecutor(otherPolicy, { budget }); // a and b draw on the same budget
   */
  constructor(config?: Partial<RetryBudgetConfig>) {
    const c = options(OWNER, config, ['maxTokens', 'tokenRatio']);
    const max = c.maxTokens ?? 10;
    if (typeof max !== 'number' || !(max <= 1000 && Math.round(max * SCALE) >= 1)) {
      fail('maxTokens', 'a number in [0.001, 1000]', max);
    }
    const ratio = c.tokenRatio ?? 0.1;
    if (typeof ratio !== 'number' || !Number.isFinite(ratio) || Math.round(ratio * SCALE) < 1) {
      fail('tokenRatio', 'a finite number >= 0.001', ratio);
    }
    this.#max = Math.round(max * SCALE);
    this.#ratio = Math.round(ratio * SCALE);
    this.#tokens = this.#max;
  }

  /** tokens is the current token count. */
  get tokens(): number {
    return this.#tokens / SCALE;
  }

  /** maxTokens is the size of the budget. */
  get maxTokens(): number {
    return this.#max / SCALE;
  }

  /** allowRetry reports whether a retry may be made now: more than half of the tokens are left. */
  allowRetry(): boolean {
    return this.#tokens * 2 > this.#max;
  }

  /** recordFailure takes 1 token for a failed attempt (RetryExecutor calls it for retryable failures). */
  recordFailure(): void {
    this.#tokens = Math.max(0, this.#tokens - SCALE);
  }

  /** recordSuccess gives back tokenRatio tokens for a successful attempt. */
  recordSuccess(): void {
    this.#tokens = Math.min(this.#max, this.#tokens + this.#ratio);
  }
}

function fail(option: string, want: string, v: unknown): never {
  throw new InvalidArgumentError(`${OWNER}: ${option} must be ${want}, got ${show(v)}`);
}

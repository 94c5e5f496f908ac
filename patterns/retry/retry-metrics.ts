/**
 * RetryMetrics: what a RetryExecutor counts, and the recorder that counts it. Counting is a few integer increments
 * per execution, so it is always on.
 *
 * Relations that hold once every execution has settled:
 *   executions = successes + failures
 *   attempts   = retries + executions that made an attempt (all but those canceled before the first one, which
 *                attemptsHistogram counts under 0)
 *   failures  >= giveUps + canceled   (the rest failed with a non-retryable error)
 *   giveUps   >= throttled
 */

/**
 * RetryMetrics is a snapshot of a RetryExecutor's counters since it was made or last reset.
 *
 * @example
 * const executor = new RetryExecutor(new RetryPolicy({ maxAttempts: 3, initialDelay: 1 }));
 * let n = 0;
 * await executor.execute(() => (++n < 3 ? Promise.reject(new Error('flaky')) : 'ok'));
 * const m: RetryMetrics = executor.getMetrics();
 * console.log(m.executions, m.attempts, m.retries, m.successes); // 1 3 2 1
 */
export interface RetryMetrics {
  /** executions is how many execute / executeWithContext calls started. */
  readonly executions: number;
  /** attempts is how many times an operation was called. */
  readonly attempts: number;
  /** retries is how many attempts were not the first of their execution. */
  readonly retries: number;
  /** successes is how many executions resolved. */
  readonly successes: number;
  /** failures is how many executions rejected, for any reason. */
  readonly failures: number;
  /** giveUps is how many executions rejected because retries ran out (maxAttempts or the budget). */
  readonly giveUps: number;
  /** throttled is how many of those the RetryBudget stopped. */
  readonly throttled: number;
  /** canceled is how many executions the caller's context or signal stopped. */
  readonly canceled: number;
  /** totalDelay is the time, in ms, spent waiting between attempts. */
  readonly totalDelay: number;
  /**
   * attemptsHistogram maps a number of attempts to how many settled executions took exactly that many
   * ({ 1: 95, 2: 4, 3: 1 }: 95 succeeded or failed at once, ...).
   */
  readonly attemptsHistogram: Readonly<Record<number, number>>;
}

/** Outcome is how one execution ended, for the recorder. */
export type Outcome = 'success' | 'failure' | 'give-up' | 'throttled' | 'canceled';

/** MetricsRecorder holds the mutable counters behind RetryMetrics. */
export class MetricsRecorder {
  executions = 0;
  attempts = 0;
  retries = 0;
  totalDelay = 0;
  #successes = 0;
  #failures = 0;
  #giveUps = 0;
  #throttled = 0;
  #canceled = 0;
  #histogram: Record<number, number> = {};

  /** settle records how an execution that made `attempts` attempts ended. */
  settle(attempts: number, outcome: Outcome): void {
    this.#histogram[attempts] = (this.#histogram[attempts] ?? 0) + 1;
    if (outcome === 'success') {
      this.#successes++;
      return;
    }
    this.#failures++;
    if (outcome === 'give-up' || outcome === 'throttled') this.#giveUps++;
    if (outcome === 'throttled') this.#throttled++;
    if (outcome === 'canceled') this.#canceled++;
  }

  snapshot(): RetryMetrics {
    return {
      executions: this.executions,
      attempts: this.attempts,
      retries: this.retries,
      successes: this.#successes,
      failures: this.#failures,
      giveUps: this.#giveUps,
      throttled: this.#throttled,
      canceled: this.#canceled,
      totalDelay: this.totalDelay,
      attemptsHistogram: { ...this.#histogram },
    };
  }
}

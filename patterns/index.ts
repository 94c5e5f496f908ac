/**
 * gocsp/patterns: worker pools, pipelines, fan-out/fan-in, rate limiters, circuit breakers, bulkheads and retry,
 * built from the runtime's goroutines and channels. (Filled in by the pattern issues.)
 */
// retry
export {
  RetryPolicy,
  retryAfterOf,
  type RetryPolicyConfig,
  type BackoffStrategyName,
  type RetryCondition,
} from './retry/retry-policy.js';
export { RetryExecutor, type RetryExecutorOptions, type RetryEvent } from './retry/retry-executor.js';
export { RetryBudget, type RetryBudgetConfig } from './retry/retry-budget.js';
export type { RetryContext } from './retry/retry-context.js';
export type { RetryMetrics } from './retry/retry-metrics.js';
export {
  RetryExhaustedError,
  PermanentError,
  permanent,
  isRetryExhaustedError,
  isPermanentError,
  type GiveUpReason,
} from './retry/errors.js';
export {
  fixedBackoff,
  exponentialBackoff,
  fibonacciBackoff,
  customBackoff,
  type BackoffStrategy,
  type BackoffParams,
  type CustomBackoff,
} from './retry/backoff.js';
export type { Jitter } from './retry/jitter.js';

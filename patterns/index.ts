/**
 * gocsp/patterns: worker pools, pipelines, fan-out/fan-in, rate limiters, circuit breakers, bulkheads and retry,
 * built from the runtime's goroutines and channels.
 */
// A bundled program is its own worker entry: on such a worker, this starts the worker side (see worker-boot.ts).
import '../runtime/threads/worker-boot.js';
// core
export { wrap, type Policy } from './core/policy.js';
export type { Cancel } from './core/cancel.js';
export { PatternError, hasCode } from './core/pattern-error.js';
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
} from './retry/retry-errors.js';
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
// timeout
export { TimeoutPolicy, type TimeoutPolicyConfig, type TimeoutStrategy } from './timeout/timeout-policy.js';
export { CallTimeoutError, isCallTimeoutError } from './timeout/timeout-errors.js';
// circuit-breakers
export { CircuitBreaker } from './circuit-breakers/circuit-breaker.js';
export type { CircuitBreakerConfig, Fallback, TripPolicy, WindowType } from './circuit-breakers/breaker-config.js';
export type { CircuitBreakerMetrics } from './circuit-breakers/breaker-metrics.js';
export type { CircuitBreakerSnapshot } from './circuit-breakers/breaker-snapshot.js';
export type { CircuitState, StateChange, TransitionReason } from './circuit-breakers/state-events.js';
export type { WindowSnapshot, CountWindowSnapshot, TimeWindowSnapshot } from './circuit-breakers/breaker-window.js';
export {
  BulkheadCircuitBreaker,
  type BulkheadConfig,
  type BulkheadMetrics,
} from './circuit-breakers/bulkhead.js';
export {
  BrokenCircuitError,
  CircuitHalfOpenError,
  BulkheadRejectedError,
  isBrokenCircuitError,
  isCircuitHalfOpenError,
  isCircuitRejection,
  isBulkheadRejectedError,
  type BulkheadRejectReason,
} from './circuit-breakers/breaker-errors.js';
// rate-limiters
export { TokenBucketRateLimiter, type TokenBucketConfig } from './rate-limiters/token-bucket.js';
export { LeakyBucketRateLimiter, type LeakyBucketConfig } from './rate-limiters/leaky-bucket.js';
export { SlidingWindowRateLimiter, type SlidingWindowConfig } from './rate-limiters/sliding-window.js';
export { KeyedRateLimiter, type KeyedRateLimiterConfig } from './rate-limiters/keyed.js';
export {
  RateLimitedError,
  RateLimiterClosedError,
  isRateLimitedError,
  isRateLimiterClosedError,
} from './rate-limiters/limiter-errors.js';
// pattern infrastructure
export { BasePattern, resolvePatternConfig, type PatternConfig, type ErrorHandler } from './core/base-pattern.js';
export { PatternRegistry, DuplicatePatternError, isDuplicatePatternError, type GlobalMetrics } from './core/pattern-registry.js';
export { Lifecycle, PatternStoppedError, isPatternStoppedError, type LifecycleState } from './core/lifecycle.js';
export { Samples, Counters, type PatternMetrics, type LatencySummary } from './core/metrics.js';
// pipelines
export { Pipeline, type PipelineConfig, type PipelineMetrics } from './pipelines/pipeline.js';
export { DROP, type Drop, type Processor } from './pipelines/processor.js';
export {
  PipelineStage,
  type StageOptions,
  type PipelineStageConfig,
  type StageMetrics,
} from './pipelines/stage.js';
export {
  PipelineStageError,
  PipelineFilteredError,
  isPipelineStageError,
  isPipelineFilteredError,
  type DeadLetter,
} from './pipelines/pipeline-errors.js';
// fan-patterns
export { FanOut, type FanOutMetrics, type BatchProcessor } from './fan-patterns/fan-out.js';
export { FanIn, type FanInConfig, type FanInMetrics, type MergeStrategyOption } from './fan-patterns/fan-in.js';
export { FanPattern, type FanPatternConfig, type FanPatternMetrics } from './fan-patterns/fan-pattern.js';
export type { FanOutConfig, ErrorMode as FanErrorMode } from './fan-patterns/fan-config.js';
export { roundRobin, leastLoaded, type LoadBalancer } from './fan-patterns/load-balancer.js';
export {
  priorityMerge,
  roundRobinMerge,
  type MergeStrategy,
  type MergeCandidate,
  type FanInInput,
} from './fan-patterns/merge-strategy.js';
export type { Processor as FanProcessor } from './fan-patterns/run-item.js';
export {
  FanItemError,
  FanOutError,
  FanTimeoutError,
  FanInTimeoutError,
  isFanItemError,
  isFanOutError,
  isFanTimeoutError,
  isFanInTimeoutError,
} from './fan-patterns/fan-errors.js';
// worker-pools
export { DynamicWorkerPool } from './worker-pools/dynamic-pool.js';
export { FixedWorkerPool } from './worker-pools/fixed-pool.js';
export {
  WorkerPool,
  type SubmitOptions,
  type StopOptions,
  type WaitOptions,
  type MapOptions,
} from './worker-pools/worker-pool.js';
export type { PoolProgress } from './worker-pools/pool-progress.js';
export type {
  WorkerPoolConfig,
  WorkerFn,
  TaskFn,
  OnFull,
  LoadBalancing,
} from './worker-pools/pool-config.js';
export type { PoolMetrics } from './worker-pools/pool-metrics.js';
export type { HealthStatus, WorkerHealth } from './worker-pools/health.js';
export type { WorkerState } from './worker-pools/pool-worker.js';
export type { StopMode } from './worker-pools/pool-core.js';
export {
  PoolFullError,
  TaskTimeoutError,
  WorkerRestartedError,
  isPoolFullError,
  isTaskTimeoutError,
  isWorkerRestartedError,
} from './worker-pools/pool-errors.js';

/**
 * gocsp: the runtime's public API and the patterns' user-facing classes, options, errors and guards, from one import.
 *
 * The patterns' infrastructure, for writing a pattern of your own (BasePattern, resolvePatternConfig, Lifecycle,
 * Counters, Samples, hasCode, and PatternRegistry with its DuplicatePatternError), is exported from `gocsp/patterns`
 * only.
 */
export * from './runtime/index.js';
// core
export { wrap, PatternError } from './patterns/index.js';
export type { Policy, Cancel } from './patterns/index.js';
// retry
export {
  RetryPolicy, retryAfterOf, RetryExecutor, RetryBudget, RetryExhaustedError, PermanentError, permanent,
  isRetryExhaustedError, isPermanentError, fixedBackoff, exponentialBackoff, fibonacciBackoff, customBackoff,
} from './patterns/index.js';
export type {
  RetryPolicyConfig, BackoffStrategyName, RetryCondition, RetryExecutorOptions, RetryEvent, RetryBudgetConfig,
  RetryContext, RetryMetrics, GiveUpReason, BackoffStrategy, BackoffParams, CustomBackoff, Jitter,
} from './patterns/index.js';
// circuit-breakers
export {
  CircuitBreaker, BulkheadCircuitBreaker, BrokenCircuitError, CircuitHalfOpenError, BulkheadRejectedError,
  isBrokenCircuitError, isCircuitHalfOpenError, isCircuitRejection, isBulkheadRejectedError,
} from './patterns/index.js';
export type {
  CircuitBreakerConfig, Fallback, TripPolicy, WindowType, CircuitBreakerMetrics, CircuitBreakerSnapshot, CircuitState,
  StateChange, TransitionReason, WindowSnapshot, CountWindowSnapshot, TimeWindowSnapshot, BulkheadConfig,
  BulkheadMetrics, BulkheadRejectReason,
} from './patterns/index.js';
// timeout
export { TimeoutPolicy, CallTimeoutError, isCallTimeoutError } from './patterns/index.js';
export type { TimeoutPolicyConfig, TimeoutStrategy } from './patterns/index.js';
// rate-limiters
export {
  TokenBucketRateLimiter, LeakyBucketRateLimiter, SlidingWindowRateLimiter, KeyedRateLimiter, RateLimitedError,
  RateLimiterClosedError, isRateLimitedError, isRateLimiterClosedError,
} from './patterns/index.js';
export type {
  TokenBucketConfig, LeakyBucketConfig, SlidingWindowConfig, KeyedRateLimiterConfig,
} from './patterns/index.js';
// what every pattern shares
export { PatternStoppedError, isPatternStoppedError } from './patterns/index.js';
export type { PatternConfig, ErrorHandler, PatternMetrics, LatencySummary } from './patterns/index.js';
// pipelines
export {
  Pipeline, DROP, PipelineStage, PipelineStageError, PipelineFilteredError, isPipelineStageError,
  isPipelineFilteredError,
} from './patterns/index.js';
export type {
  PipelineConfig, PipelineMetrics, Drop, Processor, StageOptions, PipelineStageConfig, StageMetrics, DeadLetter,
} from './patterns/index.js';
// fan-patterns
export {
  FanOut, FanIn, FanPattern, roundRobin, leastLoaded, priorityMerge, roundRobinMerge, FanItemError, FanOutError,
  FanTimeoutError, FanInTimeoutError, isFanItemError, isFanOutError, isFanTimeoutError, isFanInTimeoutError,
} from './patterns/index.js';
export type {
  FanOutMetrics, BatchProcessor, FanInConfig, FanInMetrics, MergeStrategyOption, FanPatternConfig, FanPatternMetrics,
  FanOutConfig, FanErrorMode, LoadBalancer, MergeStrategy, MergeCandidate, FanInInput, FanProcessor,
} from './patterns/index.js';
// worker-pools
export {
  DynamicWorkerPool, FixedWorkerPool, WorkerPool, PoolFullError, TaskTimeoutError, WorkerRestartedError,
  isPoolFullError, isTaskTimeoutError, isWorkerRestartedError,
} from './patterns/index.js';
export type {
  SubmitOptions, StopOptions, WaitOptions, MapOptions, PoolProgress, WorkerPoolConfig, WorkerFn, TaskFn, OnFull,
  LoadBalancing, PoolMetrics, HealthStatus, WorkerHealth, WorkerState, StopMode,
} from './patterns/index.js';

/**
 * gocsp/patterns: worker pools, pipelines, fan-out/fan-in, rate limiters, circuit breakers, bulkheads and retry,
 * built from the runtime's goroutines and channels. (Filled in by the pattern issues.)
 */
export {};

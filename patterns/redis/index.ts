/**
 * gocsp/redis: fleet-wide rate limits and circuit breaker state in Redis, for services that run as several processes
 * or on several hosts. An optional entry point: it needs a Redis client (ioredis, an optional peer dependency) that
 * the caller creates and passes in; the core entries (gocsp, gocsp/runtime, gocsp/patterns) never load it.
 * See docs/redis.md.
 */
export { RedisTokenBucketRateLimiter, type RedisTokenBucketConfig } from './redis-token-bucket.js';
export { RedisSlidingWindowRateLimiter, type RedisSlidingWindowConfig } from './redis-sliding-window.js';
export {
  RedisCircuitBreaker,
  type RedisCircuitBreakerConfig,
  type RedisCircuitBreakerMetrics,
  type BreakerClient,
  type Subscriber,
} from './redis-circuit-breaker.js';
export { RedisUnavailableError, isRedisUnavailableError } from './redis-errors.js';
export type { RedisClient } from './redis-client.js';
export type { RemoteOptions, Unavailable } from './remote-permit.js';

/**
 * The Redis patterns' expected failure: Redis could not answer in time (not connected, connection lost, a command
 * timed out). It is a PatternError with a stable code and a guard, as the limiters' and breakers' refusals are.
 *
 * Misuse (a bad client, a bad prefix, a bad option) stays InvalidArgumentError, and a Redis error reply (a script
 * error, a key of the wrong type, OOM) passes through as the client's ReplyError: those are bugs or operator
 * problems, not "Redis is away", and neither falls back to a local limiter.
 */
import { PatternError, hasCode } from '../core/pattern-error.js';

/**
 * RedisUnavailableError is how a fleet-wide limiter in the `'fail'` mode (the default) refuses a call it cannot
 * decide because Redis did not answer within `commandTimeout` or is not connected. The original error, if any, is its
 * `cause`. A limiter in the `'local'` mode never rejects with it: it decides with its local limiter instead.
 *
 * @example
 * try { await limiter.acquire(); }
 * catch (e) { if (isRedisUnavailableError(e)) return res.status(503).end(); throw e; }
 */
export class RedisUnavailableError extends PatternError {
  override name = 'RedisUnavailableError';
  constructor(owner: string, why: string, cause?: unknown) {
    super(`${owner}: Redis unavailable: ${why}`, 'ERR_REDIS_UNAVAILABLE', cause === undefined ? undefined : { cause });
  }
}

/**
 * isRedisUnavailableError reports whether `e` is a RedisUnavailableError (by its code, so it works across threads).
 *
 * @example
 * const ok = await limiter.tryAcquire().catch((e) => (isRedisUnavailableError(e) ? false : Promise.reject(e)));
 */
export function isRedisUnavailableError(e: unknown): e is RedisUnavailableError {
  return hasCode(e, 'ERR_REDIS_UNAVAILABLE');
}

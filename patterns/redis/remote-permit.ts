/**
 * What the fleet-wide limiters share: their Redis options (RemoteOptions) and their validation, and `execute`, the
 * Policy face, for a limiter whose answers are asynchronous and whose waits are estimates (another process may take
 * the permits first).
 */
import { type Context, InvalidArgumentError } from '../../runtime/index.js';
import { type Cancel, cancelReason, toContext } from '../core/cancel.js';
import { func, oneOf, positive, show } from '../core/option-checks.js';
import { RateLimitedError } from '../rate-limiters/limiter-errors.js';
import { checkCancel, waitInLine } from '../rate-limiters/permit.js';
import { checkPrefix } from './redis-client.js';
import { isRedisUnavailableError } from './redis-errors.js';

/**
 * Unavailable is what a limiter does when Redis does not answer: reject ('fail') or decide locally ('local').
 *
 * @example
 * const mode: Unavailable = process.env.LIMITS_FAIL_OPEN ? 'local' : 'fail';
 */
export type Unavailable = 'fail' | 'local';

/**
 * RemoteOptions are the options every fleet-wide limiter takes beside its local limiter's.
 *
 * @example
 * const redisOptions: RemoteOptions<TokenBucketConfig> = {
 *   prefix: 'myapp:partner-api:',
 *   commandTimeout: 200,
 *   whenUnavailable: 'local',
 *   local: { capacity: 10, refillRate: 25 }, // this process's share while Redis is away
 * };
 */
export interface RemoteOptions<L> {
  /**
   * prefix namespaces every key the limiter uses (required): limiters with the same prefix and the same limits are
   * one fleet-wide limiter. For Redis Cluster, put a hash tag in it (`'{api}:'`) so that the keys share a slot.
   */
  prefix: string;
  /** commandTimeout is the ms a decision may wait for Redis before Redis counts as unavailable. Default 1000. */
  commandTimeout?: number;
  /**
   * whenUnavailable: 'fail' (the default) rejects with RedisUnavailableError (fail closed: nothing is admitted
   * while Redis is away); 'local' decides with a local limiter of this process (`local`'s limits) and goes back to
   * Redis as soon as it answers again.
   */
  whenUnavailable?: Unavailable;
  /**
   * local is the config of the local limiter used while Redis is unavailable in the 'local' mode. Default: the same
   * limits as the fleet-wide one, so N processes may admit up to N times the fleet-wide limit while Redis is away;
   * give each process its share (the limit / N) to keep the fleet near its limit.
   */
  local?: L;
  /**
   * onGrant is called with the size and the Redis server's time (Unix ms, to the microsecond) of every grant decided
   * in Redis (not of those decided locally): an audit trail on one clock for the whole fleet.
   */
  onGrant?: (n: number, at: number) => void;
}

export const REMOTE_KEYS = ['prefix', 'commandTimeout', 'whenUnavailable', 'local', 'onGrant'];

/** ResolvedRemote is validated RemoteOptions with the defaults applied. */
export interface ResolvedRemote<L> {
  readonly prefix: string;
  readonly timeout: number;
  readonly mode: Unavailable;
  readonly local: L | undefined;
  readonly onGrant: ((n: number, at: number) => void) | null;
}

/** resolveRemote validates the Redis options of `o` (already checked for unknown keys). */
export function resolveRemote<L>(owner: string, o: Partial<RemoteOptions<L>>): ResolvedRemote<L> {
  const local = o.local;
  if (local !== undefined && (typeof local !== 'object' || local === null)) {
    throw new InvalidArgumentError(`${owner}: local must be a limiter config object, got ${show(local)}`);
  }
  return {
    prefix: checkPrefix(owner, o.prefix),
    timeout: positive(owner, 'commandTimeout', o.commandTimeout ?? 1000),
    mode: oneOf(owner, 'whenUnavailable', ['fail', 'local'] as const, o.whenUnavailable ?? 'fail'),
    local,
    onGrant: o.onGrant === undefined ? null : func(owner, 'onGrant', o.onGrant),
  };
}

/**
 * fallback is the answer to a failed script of a fleet-wide limiter: its local limiter, when it has one (mode
 * 'local') and `e` says Redis is unavailable; otherwise `e` is thrown again.
 */
export function fallback<L>(local: L | null, e: unknown): L {
  if (local === null || !isRedisUnavailableError(e)) throw e;
  return local;
}

/** RemotePermits is what execute needs from a fleet-wide limiter. */
export interface RemotePermits {
  /** tryOne takes one permit now (resolves to 0), or resolves to the ms until one could be had (NaN if unknown). */
  tryOne(): Promise<number>;
  /** waitOne waits in line for one permit; it rejects with cancelReason(ctx) if ctx is done first. */
  waitOne(ctx: Context): Promise<void>;
}

/**
 * executeRemote runs `fn(ctx)` once the limiter grants a permit: with maxWait 0 it never waits (RateLimitedError at
 * once); otherwise it rejects at once when the limiter's estimate already exceeds maxWait, and else waits in line for
 * at most maxWait ms (the estimate may be beaten by other processes). It never throws.
 */
export async function executeRemote<T>(
  owner: string,
  p: RemotePermits,
  maxWait: number,
  fn: (ctx: Context) => Promise<T> | T,
  cancel: Cancel,
): Promise<T> {
  func(`${owner}.execute`, 'fn', fn);
  const early = checkCancel(`${owner}.execute`, cancel);
  if (early !== null) throw early;
  const [ctx, release] = toContext(cancel);
  try {
    const wait = await p.tryOne();
    if (ctx.err() !== null) throw cancelReason(ctx);
    if (wait !== 0) {
      if (maxWait === 0 || wait > maxWait) throw new RateLimitedError(owner, wait);
      await waitInLine(owner, ctx, maxWait, (c) => p.waitOne(c), () => Number.NaN);
    }
    return await fn(ctx);
  } finally {
    release();
  }
}

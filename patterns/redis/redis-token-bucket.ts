/**
 * RedisTokenBucketRateLimiter: the token bucket of TokenBucketRateLimiter with its state in Redis, so that every
 * process using the same prefix draws from one bucket. Each decision is one Lua script (bucket-script.ts) run
 * atomically on the server's clock, and one script decides all the requests of this process that are ready at once
 * (the tryAcquire calls of one turn, the waiters at the front of the line): across any number of processes, the
 * grants over any interval of T ms number at most capacity + refillRate * T / refillInterval (tested with several
 * processes, on the server's timestamps).
 *
 * The API is TokenBucketRateLimiter's, asynchronous where a decision needs Redis: tryAcquire, tryAcquireBatch,
 * getAvailableTokens, getRefillTime and reset return promises. Waiting is the local limiter's: acquire waits in a
 * FIFO line of this process (RemoteLine), which asks for the waiters at its front in one script and sleeps the wait
 * the script names for the first it could not serve; canceling a waiter frees its place (a grant that raced with the
 * cancel goes to the next waiters, or back to the bucket).
 *
 * When Redis is unavailable (not connected, no reply within commandTimeout), the limiter fails closed with
 * RedisUnavailableError, or with whenUnavailable 'local' decides with a TokenBucketRateLimiter of its own until Redis
 * answers again (remote-permit.ts).
 */
import { type Context, InvalidArgumentError } from '../../runtime/index.js';
import { type Cancel, toContext } from '../core/cancel.js';
import { bool, options, positive, positiveInt, show } from '../core/option-checks.js';
import type { Policy } from '../core/policy.js';
import { checkCancel, checkMaxWait } from '../rate-limiters/permit.js';
import { TokenBucketRateLimiter, type TokenBucketConfig } from '../rate-limiters/token-bucket.js';
import { BUCKET_SCRIPT } from './bucket-script.js';
import { checkClient, type Outcome, type RedisClient, runScript, sendScript } from './redis-client.js';
import { type Answer, RemoteLine } from './remote-line.js';
import { TurnBatch } from './turn-batch.js';
import { executeRemote, fallback, REMOTE_KEYS, type RemoteOptions, type RemotePermits, type ResolvedRemote, resolveRemote } from './remote-permit.js';

const OWNER = 'RedisTokenBucketRateLimiter';
const BUCKET_KEYS = ['capacity', 'refillRate', 'refillInterval', 'enableBurst', 'maxWait'];
const NO_TICKETS: readonly number[] = Object.freeze([]);

/**
 * RedisTokenBucketConfig is TokenBucketConfig plus the Redis options (prefix required).
 *
 * @example
 * const config: RedisTokenBucketConfig = { prefix: 'myapp:search-api:', capacity: 20, refillRate: 5, whenUnavailable: 'local' };
 */
export interface RedisTokenBucketConfig extends TokenBucketConfig, RemoteOptions<TokenBucketConfig> {}

/**
 * Reply is the bucket script's reply: the server time (us), then one wait per size decided (us, 0 if granted); for
 * peek the credits now follow (text).
 */
type Reply = readonly number[];

/**
 * RedisTokenBucketRateLimiter admits requests while a bucket shared by every process with the same prefix holds
 * tokens: `capacity` tokens refilled at `refillRate` per `refillInterval` ms, on the Redis server's clock.
 *
 * @example
 * const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
 * const limiter = new RedisTokenBucketRateLimiter(redis, { prefix: 'myapp:github-api:', capacity: 50, refillRate: 10 });
 * await limiter.acquire(1, req.signal); // fleet-wide: 10 per second, bursts of 50
 */
export class RedisTokenBucketRateLimiter implements Policy {
  readonly #client: RedisClient;
  readonly #keys: readonly [string];
  readonly #capacity: number;
  readonly #full: number;
  readonly #rate: number;
  readonly #unit: number;
  readonly #maxWait: number;
  readonly #remote: ResolvedRemote<TokenBucketConfig>;
  readonly #local: TokenBucketRateLimiter | null;
  readonly #line: RemoteLine;
  /** #tries decides the tryAcquire calls of one turn with one script (their waits in ms, 0 if granted). */
  readonly #tries: TurnBatch<number>;
  readonly #permits: RemotePermits;

  /**
   * RedisTokenBucketRateLimiter makes a limiter on `client` (an ioredis Redis; the limiter never closes it). A
   * bucket nobody has used starts full. Throws InvalidArgumentError for a bad client or option: the
   * TokenBucketRateLimiter's options, and `prefix` (required, a non-empty string), `commandTimeout` (ms > 0, default
   * 1000), `whenUnavailable` ('fail' or 'local'), `local` (the local limiter's config) and `onGrant` (a function).
   */
  constructor(client: RedisClient, config: RedisTokenBucketConfig) {
    this.#client = checkClient(OWNER, client);
    const o = options(OWNER, config, [...BUCKET_KEYS, ...REMOTE_KEYS]);
    const capacity = positiveInt(OWNER, 'capacity', o.capacity);
    const rate = positive(OWNER, 'refillRate', o.refillRate);
    const interval = positive(OWNER, 'refillInterval', o.refillInterval ?? 1000);
    const burst = bool(OWNER, 'enableBurst', o.enableBurst ?? true);
    this.#maxWait = checkMaxWait(OWNER, o.maxWait ?? Infinity);
    this.#remote = resolveRemote(OWNER, o);
    this.#capacity = burst ? capacity : Math.min(capacity, Math.max(1, rate));
    // Credits in us (the server's TIME resolution): a token is refillInterval in us, credits flow at refillRate per us.
    this.#rate = rate;
    this.#unit = interval * 1000;
    this.#full = this.#capacity * this.#unit;
    this.#keys = [`${this.#remote.prefix}tb`];
    this.#local =
      this.#remote.mode === 'local'
        ? new TokenBucketRateLimiter(this.#remote.local ?? { capacity, refillRate: rate, refillInterval: interval, enableBurst: burst })
        : null;
    this.#line = new RemoteLine({
      take: (ns) => this.#takeLine(ns),
      // A grant from the local limiter is not given back (it has no refund; losing it errs safe).
      undo: (n, _, local) => {
        if (!local) void this.#run('refund', [n]).catch(() => {});
      },
    });
    this.#tries = new TurnBatch<number>({
      // a lone request whose grant nobody observes needs only its wait: 'one' replies with that number alone
      send: (ns, out) => this.#send(ns.length === 1 && this.#remote.onGrant === null ? 'one' : 'try', ns, out),
      answers: (ns, r) => (typeof r === 'number' ? [r / 1000] : this.#tryAnswers(ns, r as Reply)),
      failed: (ns, e) => this.#tryLocal(ns, e),
    });
    this.#permits = {
      tryOne: async () => (this.#line.size !== 0 ? Number.NaN : this.#tries.add(1)),
      waitOne: (ctx) => this.#line.wait(1, ctx),
    };
  }

  /**
   * tryAcquire takes `n` tokens (default 1) from the fleet's bucket if it holds them and nobody in this process is
   * waiting, and resolves to whether it did; it never waits for tokens. n = 0 always succeeds. The calls made in one
   * turn are decided by one script, in call order (as tryAcquireBatch: 64 calls cost one round trip). Rejects with
   * InvalidArgumentError if n is not a finite number >= 0 or exceeds the capacity, with RedisUnavailableError if
   * Redis does not answer (mode 'fail').
   */
  async tryAcquire(n = 1): Promise<boolean> {
    this.#check('tryAcquire', n);
    if (n === 0) return true;
    if (this.#line.size !== 0) return false;
    return (await this.#tries.add(n)) === 0;
  }

  /**
   * acquire takes `n` tokens (default 1), waiting in this process's FIFO line until the fleet's bucket has them. If
   * `cancel` (a Context or AbortSignal) is done first, the promise rejects with its reason, nothing is taken, and the
   * waiters behind move up. Rejects with RedisUnavailableError (mode 'fail') when Redis does not answer, and with
   * InvalidArgumentError for a bad n or cancel; it never throws.
   */
  async acquire(n = 1, cancel?: Cancel): Promise<void> {
    this.#check('acquire', n);
    const early = checkCancel(`${OWNER}.acquire`, cancel);
    if (early !== null) throw early;
    if (n === 0) return;
    const [ctx, release] = toContext(cancel);
    try {
      await this.#line.wait(n, ctx);
    } finally {
      release();
    }
  }

  /**
   * tryAcquireBatch tries each size of `ns` in order at one instant of the server (one script), as
   * TokenBucketRateLimiter.tryAcquireBatch: with 3 tokens, [2, 2, 1] gives [true, false, true]. Every size is checked
   * before anything is taken. While someone in this process waits, every request fails.
   */
  async tryAcquireBatch(ns: number[]): Promise<boolean[]> {
    if (!Array.isArray(ns)) throw new InvalidArgumentError(`${OWNER}.tryAcquireBatch: ns must be an array, got ${show(ns)}`);
    ns.forEach((n, i) => this.#check('tryAcquireBatch', n, `ns[${i}]`));
    if (this.#line.size !== 0) return ns.map((n) => n === 0);
    if (ns.length === 0) return [];
    return (await this.#tryEach(ns)).map((w) => w === 0);
  }

  /** getAvailableTokens resolves to the tokens in the fleet's bucket now (the local limiter's while Redis is away). */
  async getAvailableTokens(): Promise<number> {
    try {
      return Number((await this.#run('peek', [0]))[2]) / this.#unit; // the credits, as text
    } catch (e) {
      return fallback(this.#local, e).getAvailableTokens();
    }
  }

  /**
   * getRefillTime resolves to the ms until tryAcquire(n) (default 1) could succeed, counting what this process's
   * waiters will take first, rounded up to the microsecond; 0 if now. Other processes may take first: it is the
   * earliest possible time, not a promise.
   */
  async getRefillTime(n = 1): Promise<number> {
    this.#check('getRefillTime', n);
    try {
      return (await this.#run('peek', [this.#line.demand + n]))[1]! / 1000;
    } catch (e) {
      return fallback(this.#local, e).getRefillTime(n);
    }
  }

  /** getCapacity is the most tokens the bucket holds: capacity, or one interval's refill with enableBurst false. */
  getCapacity(): number {
    return this.#capacity;
  }

  /** reset fills the fleet's bucket to capacity (for every process); this process's waiters are served from it. */
  async reset(): Promise<void> {
    this.#local?.reset();
    try {
      await this.#run('reset', []);
    } finally {
      this.#line.kick();
    }
  }

  /**
   * execute runs `fn(ctx)` once it has a token (Policy): it waits in line like acquire(1, cancel), or with maxWait
   * set rejects with RateLimitedError (retryAfter: the script's estimate) rather than wait longer than maxWait.
   */
  execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    return executeRemote(OWNER, this.#permits, this.#maxWait, fn, cancel);
  }

  /**
   * tryEach takes each size of `ns` in order if the bucket holds it, with one script, and names the wait (ms) of
   * those it cannot; or asks the local limiter while Redis is unavailable (mode 'local'). The tries' TurnBatch does
   * the same through #send, #tryAnswers and #tryLocal, without this method's promises.
   */
  async #tryEach(ns: readonly number[]): Promise<readonly number[]> {
    let r: Reply;
    try {
      r = await this.#run('try', ns);
    } catch (e) {
      return this.#tryLocal(ns, e);
    }
    return this.#tryAnswers(ns, r);
  }

  /** tryAnswers turns the try script's reply into the waits in ms (0 if granted), and reports the grants. */
  #tryAnswers(ns: readonly number[], r: Reply): number[] {
    const out = new Array<number>(r.length - 1);
    const onGrant = this.#remote.onGrant;
    for (let i = 1; i < r.length; i++) {
      const w = r[i]!;
      out[i - 1] = w / 1000;
      if (w === 0 && onGrant !== null && ns[i - 1]! > 0) onGrant(ns[i - 1]!, r[0]! / 1000);
    }
    return out;
  }

  /** tryLocal decides `ns` with the local limiter when `e` says Redis is unavailable (mode 'local'); else throws e. */
  #tryLocal(ns: readonly number[], e: unknown): number[] {
    const local = fallback(this.#local, e);
    return ns.map((n) => (local.tryAcquire(n) ? 0 : local.getRefillTime(n)));
  }

  /**
   * takeLine is the line's gate: one script takes the longest prefix of `ns` that the bucket holds; or the local
   * limiter while Redis is unavailable (mode 'local').
   */
  async #takeLine(ns: readonly number[]): Promise<Answer> {
    let r: Reply;
    try {
      r = await this.#run('line', ns);
    } catch (e) {
      const local = fallback(this.#local, e);
      let granted = 0;
      while (granted < ns.length && local.tryAcquire(ns[granted]!)) granted++;
      const wait = granted < ns.length ? local.getRefillTime(ns[granted]!) : 0;
      return { granted, wait, tickets: NO_TICKETS, local: true };
    }
    const at = r[0]! / 1000;
    let granted = 0;
    while (granted + 1 < r.length && r[granted + 1] === 0) {
      this.#remote.onGrant?.(ns[granted]!, at);
      granted++;
    }
    return { granted, wait: granted + 1 < r.length ? r[granted + 1]! / 1000 : 0, tickets: NO_TICKETS, local: false };
  }

  #run(op: string, ns: readonly number[]): Promise<Reply> {
    return runScript(OWNER, this.#client, BUCKET_SCRIPT, this.#keys, this.#args(op, ns), this.#remote.timeout) as Promise<Reply>;
  }

  #send(op: string, ns: readonly number[], out: Outcome): void {
    sendScript(OWNER, this.#client, BUCKET_SCRIPT, this.#keys, this.#args(op, ns), this.#remote.timeout, out);
  }

  #args(op: string, ns: readonly number[]): (string | number)[] {
    const args: (string | number)[] = [op, this.#full, this.#rate, this.#unit];
    for (let i = 0; i < ns.length; i++) args.push(ns[i]!);
    return args;
  }

  #check(fn: string, n: unknown, name = 'n'): void {
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(`${OWNER}.${fn}: ${name} must be a finite number >= 0, got ${show(n)}`);
    }
    if (n > this.#capacity) {
      throw new InvalidArgumentError(`${OWNER}.${fn}: ${name} must be at most the capacity (${this.#capacity}), got ${show(n)}`);
    }
  }
}

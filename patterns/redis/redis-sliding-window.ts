/**
 * RedisSlidingWindowRateLimiter: the exact sliding window of SlidingWindowRateLimiter with its log in Redis, so that
 * every process using the same prefix shares one window. Each decision is one Lua script (window-script.ts) run
 * atomically on the server's clock over a sorted set of admission times, and one script decides all the requests of
 * this process that are ready at once (the try calls of one turn, the waiters at the front of the line): across any
 * number of processes, at most maxRequests admissions in every window of windowSize ms (tested with several
 * processes, on the server's timestamps). Only the exact mode exists: the approximate two-counter estimate can exceed
 * the limit, which is what a fleet-wide limit is usually there to prevent.
 *
 * The API is SlidingWindowRateLimiter's, asynchronous where a decision needs Redis; waiting is the local limiter's
 * (a FIFO line per process, which asks for its front in one script and sleeps the wait the script names; canceling
 * frees the place, and an admission that raced with the cancel goes to the next waiter or is removed).
 * Unavailability as for RedisTokenBucketRateLimiter.
 */
import { type Context, InvalidArgumentError } from '../../runtime/index.js';
import { type Cancel, toContext } from '../core/cancel.js';
import { oneOf, options, positive, positiveInt, show } from '../core/option-checks.js';
import type { Policy } from '../core/policy.js';
import { checkCancel, checkMaxWait } from '../rate-limiters/permit.js';
import { SlidingWindowRateLimiter, type SlidingWindowConfig } from '../rate-limiters/sliding-window.js';
import { checkClient, type Outcome, type RedisClient, runScript, sendScript } from './redis-client.js';
import { type Answer, RemoteLine } from './remote-line.js';
import { TurnBatch } from './turn-batch.js';
import { executeRemote, fallback, REMOTE_KEYS, type RemoteOptions, type RemotePermits, type ResolvedRemote, resolveRemote } from './remote-permit.js';
import { WINDOW_SCRIPT } from './window-script.js';

const OWNER = 'RedisSlidingWindowRateLimiter';
const WINDOW_KEYS = ['windowSize', 'maxRequests', 'mode', 'precision', 'maxWait'];
const NO_TICKETS: readonly number[] = Object.freeze([]);

/**
 * RedisSlidingWindowConfig is SlidingWindowConfig (mode 'exact' only) plus the Redis options (prefix required).
 *
 * @example
 * const config: RedisSlidingWindowConfig = { prefix: 'myapp:sms:', windowSize: 60_000, maxRequests: 10, maxWait: 0 };
 */
export interface RedisSlidingWindowConfig
  extends Omit<SlidingWindowConfig, 'mode' | 'precision'>,
    RemoteOptions<SlidingWindowConfig> {
  /** mode: 'exact', the only mode of the fleet-wide window (a log of admissions); given for symmetry. */
  mode?: 'exact';
}

/**
 * Reply is the window script's reply: server time (us), count, then for each size decided its wait (us, 0 if
 * admitted) and its first member.
 */
type Reply = readonly number[];

/**
 * RedisSlidingWindowRateLimiter admits at most maxRequests requests in any windowSize ms across every process with
 * the same prefix, exactly, on the Redis server's clock.
 *
 * @example
 * const perMinute = new RedisSlidingWindowRateLimiter(redis, { prefix: 'myapp:partner-quota:', windowSize: 60_000, maxRequests: 100 });
 * if (!(await perMinute.tryRequest())) return res.status(429).end();
 */
export class RedisSlidingWindowRateLimiter implements Policy {
  readonly #client: RedisClient;
  readonly #keys: readonly [string, string];
  /** #window is windowSize in us. */
  readonly #window: number;
  readonly #max: number;
  readonly #maxWait: number;
  readonly #remote: ResolvedRemote<SlidingWindowConfig>;
  readonly #local: SlidingWindowRateLimiter | null;
  readonly #line: RemoteLine;
  /** #tries decides the tryRequest(Batch) calls of one turn with one script (their waits in ms, 0 if admitted). */
  readonly #tries: TurnBatch<number>;
  readonly #permits: RemotePermits;

  /**
   * RedisSlidingWindowRateLimiter makes a limiter on `client` (an ioredis Redis; the limiter never closes it). Throws
   * InvalidArgumentError for a bad client or option: windowSize (ms > 0), maxRequests (an integer >= 1), mode
   * ('exact' only), maxWait, and the Redis options (see RedisTokenBucketRateLimiter).
   */
  constructor(client: RedisClient, config: RedisSlidingWindowConfig) {
    this.#client = checkClient(OWNER, client);
    const o = options(OWNER, config as RedisSlidingWindowConfig & { precision?: unknown }, [...WINDOW_KEYS, ...REMOTE_KEYS]);
    const size = positive(OWNER, 'windowSize', o.windowSize);
    this.#window = Math.ceil(size * 1000);
    this.#max = positiveInt(OWNER, 'maxRequests', o.maxRequests);
    oneOf(OWNER, 'mode', ['exact'] as const, o.mode ?? 'exact');
    if (o.precision !== undefined) {
      throw new InvalidArgumentError(`${OWNER}: precision belongs to the approximate mode, which a fleet-wide window does not have, got ${show(o.precision)}`);
    }
    this.#maxWait = checkMaxWait(OWNER, o.maxWait ?? Infinity);
    this.#remote = resolveRemote(OWNER, o);
    this.#keys = [`${this.#remote.prefix}sw`, `${this.#remote.prefix}sw:seq`];
    this.#local =
      this.#remote.mode === 'local'
        ? new SlidingWindowRateLimiter(this.#remote.local ?? { windowSize: size, maxRequests: this.#max })
        : null;
    this.#line = new RemoteLine({
      take: (ks) => this.#takeLine(ks),
      undo: (_, members, local) => {
        if (local) return; // a local grant: the local window has no refund, losing it errs safe
        void this.#run('refund', members).catch(() => {});
      },
    });
    this.#tries = new TurnBatch<number>({
      // a lone request whose admission nobody observes needs only its wait: 'one' replies with that number alone
      send: (ks, out) => this.#send(ks.length === 1 && this.#remote.onGrant === null ? 'one' : 'try', ks, out),
      answers: (ks, r) => (typeof r === 'number' ? [r / 1000] : this.#tryAnswers(ks, r as Reply)),
      failed: (ks, e) => this.#tryLocalEach(ks, e),
    });
    this.#permits = {
      tryOne: async () => (this.#line.size !== 0 ? Number.NaN : this.#tries.add(1)),
      waitOne: (ctx) => this.#line.wait(1, ctx),
    };
  }

  /**
   * tryRequest admits one request if the fleet's window has room and nobody in this process waits, and resolves to
   * whether it did; it never waits for room. The tryRequest and tryRequestBatch calls made in one turn are decided by
   * one script, in call order (one round trip for all). Rejects with RedisUnavailableError when Redis does not answer (mode
   * 'fail').
   */
  async tryRequest(): Promise<boolean> {
    if (this.#line.size !== 0) return false;
    return (await this.#tries.add(1)) === 0;
  }

  /**
   * tryRequestBatch admits `count` requests if all fit in the window, or none, and resolves to whether it did; count
   * 0 always fits. Rejects with InvalidArgumentError if count is not an integer between 0 and maxRequests.
   */
  async tryRequestBatch(count: number): Promise<boolean> {
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || count > this.#max) {
      throw new InvalidArgumentError(
        `${OWNER}.tryRequestBatch: count must be an integer between 0 and maxRequests (${this.#max}), got ${show(count)}`,
      );
    }
    if (count === 0) return true;
    if (this.#line.size !== 0) return false;
    return (await this.#tries.add(count)) === 0;
  }

  /**
   * request admits one request, waiting in this process's FIFO line until the fleet's window has room. If `cancel`
   * is done first the promise rejects with its reason and nothing is counted; the waiters behind move up.
   */
  async request(cancel?: Cancel): Promise<void> {
    const early = checkCancel(`${OWNER}.request`, cancel);
    if (early !== null) throw early;
    const [ctx, release] = toContext(cancel);
    try {
      await this.#line.wait(1, ctx);
    } finally {
      release();
    }
  }

  /** getCurrentWindow resolves to the start of the window counted now, in Unix ms on the server's clock. */
  async getCurrentWindow(): Promise<number> {
    try {
      return ((await this.#run('peek', [0]))[0]! - this.#window) / 1000;
    } catch (e) {
      return fallback(this.#local, e).getCurrentWindow();
    }
  }

  /** getRequestCount resolves to the number of requests the fleet's window holds now. */
  async getRequestCount(): Promise<number> {
    try {
      return (await this.#run('peek', [0]))[1]!;
    } catch (e) {
      return fallback(this.#local, e).getRequestCount();
    }
  }

  /** reset forgets every admission of the fleet's window; this process's waiters are admitted in order. */
  async reset(): Promise<void> {
    this.#local?.reset();
    try {
      await this.#run('reset', []);
    } finally {
      this.#line.kick();
    }
  }

  /**
   * execute runs `fn(ctx)` once a request is admitted (Policy): it waits in line like request(cancel), or with
   * maxWait set rejects with RateLimitedError rather than wait longer than maxWait.
   */
  execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    return executeRemote(OWNER, this.#permits, this.#maxWait, fn, cancel);
  }

  /**
   * The tries' decider (#send, #tryAnswers, #tryLocalEach): one script admits each size of `ks` in order if it fits,
   * all of it or none, and names the wait (ms) of those that do not; or the local limiter while Redis is unavailable
   * (mode 'local').
   */
  #tryLocalEach(ks: readonly number[], e: unknown): number[] {
    const local = fallback(this.#local, e);
    return ks.map((k) => (this.#tryLocal(local, k) ? 0 : this.#localWait()));
  }

  #tryAnswers(ks: readonly number[], r: Reply): number[] {
    const at = r[0]! / 1000;
    const out = new Array<number>((r.length - 2) / 2);
    const onGrant = this.#remote.onGrant;
    for (let i = 0; i < out.length; i++) {
      const w = r[2 + 2 * i]!;
      out[i] = w / 1000;
      if (w === 0 && onGrant !== null) onGrant(ks[i]!, at);
    }
    return out;
  }

  /**
   * takeLine is the line's gate: one script admits the longest prefix of `ks` that fits (the tickets are the
   * admissions' members, to remove them if their waiter left); or the local limiter while Redis is unavailable.
   */
  async #takeLine(ks: readonly number[]): Promise<Answer> {
    let r: Reply;
    try {
      r = await this.#run('line', ks);
    } catch (e) {
      const local = fallback(this.#local, e);
      let granted = 0;
      while (granted < ks.length && this.#tryLocal(local, ks[granted]!)) granted++;
      return { granted, wait: this.#localWait(), tickets: NO_TICKETS, local: true };
    }
    const decided = (r.length - 2) / 2;
    const at = r[0]! / 1000;
    const tickets: number[] = [];
    let granted = 0;
    while (granted < decided && r[2 + 2 * granted] === 0) {
      const k = ks[granted]!;
      const first = r[3 + 2 * granted]!;
      for (let j = 0; j < k; j++) tickets.push(first + j);
      this.#remote.onGrant?.(k, at);
      granted++;
    }
    return { granted, wait: granted < decided ? r[2 + 2 * granted]! / 1000 : 0, tickets, local: false };
  }

  #tryLocal(local: SlidingWindowRateLimiter, k: number): boolean {
    return k === 1 ? local.tryRequest() : local.tryRequestBatch(k);
  }

  /** localWait: the local window cannot tell its wait without a line of its own; look again in a tenth of the window. */
  #localWait(): number {
    return this.#window / 10_000;
  }

  #run(op: string, args: readonly number[]): Promise<Reply> {
    const argv = [op, this.#window, this.#max, ...args];
    return runScript(OWNER, this.#client, WINDOW_SCRIPT, this.#keys, argv, this.#remote.timeout) as Promise<Reply>;
  }

  #send(op: string, args: readonly number[], out: Outcome): void {
    const argv = [op, this.#window, this.#max, ...args];
    sendScript(OWNER, this.#client, WINDOW_SCRIPT, this.#keys, argv, this.#remote.timeout, out);
  }
}

/**
 * RedisCircuitBreaker: a CircuitBreaker whose state transitions are shared by every process using the same prefix.
 * When one process opens it, the others refuse calls too; when a probe closes it, everyone closes.
 *
 * Each process runs a local CircuitBreaker (the same options, the same API) and the fleet keeps one record in Redis
 * (breaker-script.ts): { seq, state, openedAt, reason }, on the server's clock.
 * - A local transition to open, forced-open or closed is written with a compare-and-set on seq and published on the
 *   record's channel in the same script. If the record moved meanwhile (another process changed it first), the
 *   write is refused and this process adopts the record instead: the first transition out of a shared state wins.
 *   forceOpen, forceClose and reset write whatever the seq (manual control is fleet-wide).
 * - Half-open is never written: every process goes half-open at openedAt + recoveryTimeout (the opener's server
 *   time, converted to this host's clock by the offset measured on each script's reply) and admits its own
 *   halfOpenMaxRequests probes.
 * - A record this process did not write arrives by pub/sub (one message; a few ms) or, should the message be lost
 *   (the subscriber reconnecting), by the poll every pollInterval ms: so another process's transition is seen within
 *   pollInterval + commandTimeout at worst (documented bound; tested on both paths). Adopting it replaces the local
 *   breaker by one restored to that state (CircuitBreaker.fromJSON): counters carry over, the window starts afresh,
 *   calls in flight become late results.
 * - Failures are counted per process: each process trips on what it sees; what is shared is the decision.
 * - Redis unavailable: the breaker keeps working on its local state; a write that failed is retried at the next poll
 *   (still a compare-and-set: if the fleet moved meanwhile, the fleet's record wins). It never waits for Redis.
 */
import { type Context, InvalidArgumentError, nowMillis, type RecvChan } from '../../runtime/index.js';
import type { Cancel } from '../core/cancel.js';
import { bool, options, positive, show } from '../core/option-checks.js';
import type { Policy } from '../core/policy.js';
import { CIRCUIT_BREAKER_KEYS, type CircuitBreakerConfig } from '../circuit-breakers/breaker-config.js';
import { CircuitBreaker } from '../circuit-breakers/circuit-breaker.js';
import { type CircuitBreakerMetrics, MAX_TRANSITIONS } from '../circuit-breakers/breaker-metrics.js';
import type { CircuitBreakerSnapshot } from '../circuit-breakers/breaker-snapshot.js';
import { type CircuitState, type StateChange, StateEvents, type TransitionReason } from '../circuit-breakers/state-events.js';
import { BREAKER_SCRIPT } from './breaker-script.js';
import { checkClient, checkPrefix, type RedisClient, runScript } from './redis-client.js';

const OWNER = 'RedisCircuitBreaker';
const REDIS_KEYS = ['prefix', 'pollInterval', 'commandTimeout', 'subscribe'];
const DAY = 86_400_000;

/**
 * Subscriber is the pub/sub connection RedisCircuitBreaker makes with `client.duplicate()` (an ioredis Redis).
 *
 * @example
 * const sub: Subscriber = redis.duplicate(); // what the breaker does itself
 */
export interface Subscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', fn: (channel: string, message: string) => void): unknown;
  on(event: 'error', fn: (error: unknown) => void): unknown;
  disconnect(): void;
}

/**
 * BreakerClient is a RedisClient that can open a second connection for pub/sub (ioredis's duplicate()).
 *
 * @example
 * const client: BreakerClient = new Redis(process.env.REDIS_URL);
 */
export interface BreakerClient extends RedisClient {
  duplicate(override?: { enableOfflineQueue?: boolean }): Subscriber;
}

/**
 * RedisCircuitBreakerConfig is CircuitBreakerConfig (without `state`: the state is in Redis) plus the Redis options.
 *
 * @example
 * const config: RedisCircuitBreakerConfig = { prefix: 'myapp:payments:', failureThreshold: 5, pollInterval: 500 };
 */
export interface RedisCircuitBreakerConfig<F = never> extends Partial<Omit<CircuitBreakerConfig<F>, 'state'>> {
  /** prefix namespaces the breaker's key and channel (required): breakers with one prefix are one fleet breaker. */
  prefix: string;
  /** pollInterval: ms between two reads of the fleet's record, the fallback for a lost message. Default 1000. */
  pollInterval?: number;
  /** commandTimeout: ms a read or write may wait for Redis. Default 1000. */
  commandTimeout?: number;
  /** subscribe: listen on the record's channel (pub/sub) besides polling. Default true. */
  subscribe?: boolean;
}

/**
 * RedisCircuitBreakerMetrics is CircuitBreakerMetrics plus the fleet record's version and the failed syncs.
 *
 * @example
 * const { state, seq, syncErrors } = breaker.getMetrics();
 * if (syncErrors > 0) log.warn(`breaker ${state} (record ${seq}): Redis was unreachable ${syncErrors} times`);
 */
export interface RedisCircuitBreakerMetrics extends CircuitBreakerMetrics {
  /** seq is the version of the fleet's record this process last saw or wrote. */
  readonly seq: number;
  /** syncErrors counts the reads and writes of the record that failed (Redis unavailable). */
  readonly syncErrors: number;
}

/** FleetRecord is the fleet's breaker record, with its times in server Unix ms. */
interface FleetRecord {
  readonly seq: number;
  readonly state: CircuitState;
  readonly openedAt: number;
  readonly reason: TransitionReason;
  readonly at: number;
}

type Reply = [written: number, seq: number, state: string, openedAt: string, reason: string, at: string, now: number];

const COUNTERS = ['calls', 'successes', 'failures', 'ignoredErrors', 'rejections', 'fallbacks', 'slowCalls', 'lateResults'] as const;
type Carried = Record<(typeof COUNTERS)[number], number>;

/**
 * RedisCircuitBreaker is a CircuitBreaker shared by every process with the same prefix: same options and API
 * (call, execute, getState, forceOpen, onStateChange, getMetrics...), plus ready() and close(). Transitions made by
 * another process are seen within pollInterval + commandTimeout (usually within a pub/sub message's few ms).
 *
 * @example
 * const breaker = new RedisCircuitBreaker(redis, { prefix: 'myapp:payments:', failureThreshold: 5, recoveryTimeout: 10_000 });
 * await breaker.ready();
 * const receipt = await breaker.call(() => payments.charge(order)); // BrokenCircuitError fleet-wide once open
 * // at shutdown: await breaker.close();
 */
export class RedisCircuitBreaker<F = never> implements Policy {
  readonly #client: BreakerClient;
  readonly #key: string;
  readonly #channel: string;
  readonly #config: Partial<CircuitBreakerConfig<F>>;
  readonly #recovery: number;
  readonly #poll: number;
  readonly #timeout: number;
  readonly #events = new StateEvents();
  readonly #log: StateChange[] = [];
  readonly #carried: Carried = { calls: 0, successes: 0, failures: 0, ignoredErrors: 0, rejections: 0, fallbacks: 0, slowCalls: 0, lateResults: 0 };
  #lastFailure: number | null = null;
  #inner: CircuitBreaker<F>;
  #seq = 0;
  /** #offset is the server's Unix ms minus this host's, measured on the last reply. */
  #offset = 0;
  #syncErrors = 0;
  /** #pending is a local transition that could not be written (Redis unavailable), retried at the next poll. */
  #pending: { state: CircuitState; reason: TransitionReason; force: boolean } | null = null;
  #sub: Subscriber | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;
  readonly #ready: Promise<void>;

  /**
   * RedisCircuitBreaker makes a breaker on `client` (an ioredis Redis; the breaker never closes it, but opens a
   * second connection for pub/sub, closed by close()) and starts following the fleet's record. Throws
   * InvalidArgumentError for a bad client or option (CircuitBreaker's options, and prefix, pollInterval,
   * commandTimeout, subscribe; `state` is refused: the state is the fleet's).
   */
  constructor(client: BreakerClient, config: RedisCircuitBreakerConfig<F>) {
    this.#client = checkClient(OWNER, client) as BreakerClient;
    const o = options(OWNER, config as RedisCircuitBreakerConfig<F> & { state?: unknown }, [...CIRCUIT_BREAKER_KEYS, ...REDIS_KEYS]);
    if (o.state !== undefined) {
      throw new InvalidArgumentError(`${OWNER}: state is not an option here (the state is the fleet's, in Redis), got ${show(o.state)}`);
    }
    const prefix = checkPrefix(OWNER, o.prefix);
    this.#poll = positive(OWNER, 'pollInterval', o.pollInterval ?? 1000);
    this.#timeout = positive(OWNER, 'commandTimeout', o.commandTimeout ?? 1000);
    const subscribe = bool(OWNER, 'subscribe', o.subscribe ?? true);
    if (subscribe && typeof (client as Partial<BreakerClient>).duplicate !== 'function') {
      throw new InvalidArgumentError(`${OWNER}: client must have duplicate() for pub/sub (an ioredis Redis), or pass subscribe: false`);
    }
    const local: Record<string, unknown> = { ...o };
    for (const k of REDIS_KEYS) delete local[k];
    this.#config = local as Partial<CircuitBreakerConfig<F>>;
    this.#inner = this.#make(null); // validates the breaker's options
    this.#recovery = (this.#config.recoveryTimeout as number | undefined) ?? 30_000;
    this.#key = `${prefix}cb`;
    this.#channel = `${prefix}cb`;
    this.#ready = this.#start(subscribe);
  }

  /**
   * ready resolves once the breaker has subscribed and read the fleet's record (or found Redis unavailable: it then
   * starts closed and keeps polling). It never rejects.
   */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** close stops following the fleet (the poll and the pub/sub connection); the local breaker keeps working. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#ready;
    this.#sub?.disconnect();
    this.#sub = null;
  }

  /** call runs `fn` if the circuit lets it through: CircuitBreaker.call (fallback included). */
  call<T>(fn: (ctx: Context) => Promise<T> | T): Promise<T | F> {
    return this.#inner.call(fn);
  }

  /** execute is call under a Cancel (Policy): CircuitBreaker.execute. */
  execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    return this.#inner.execute(fn, cancel);
  }

  /** getState is the state as this process sees it: the fleet's, with half-open derived from openedAt. */
  getState(): CircuitState {
    return this.#inner.getState();
  }

  /** isOpen reports whether calls are refused outright ('open' or 'forced-open'). */
  isOpen(): boolean {
    return this.#inner.isOpen();
  }

  /** isHalfOpen reports whether the breaker admits probes. */
  isHalfOpen(): boolean {
    return this.#inner.isHalfOpen();
  }

  /** isClosed reports whether calls go through normally. */
  isClosed(): boolean {
    return this.#inner.isClosed();
  }

  /** forceOpen holds the circuit open for the whole fleet until forceClose or reset (CircuitBreaker.forceOpen). */
  forceOpen(): void {
    this.#inner.forceOpen();
  }

  /** forceClose closes the circuit for the whole fleet (CircuitBreaker.forceClose). */
  forceClose(): void {
    this.#inner.forceClose();
  }

  /** reset closes the circuit for the whole fleet and zeroes this process's metrics. */
  reset(): void {
    this.#inner.reset();
    for (const k of COUNTERS) this.#carried[k] = 0;
    this.#lastFailure = null;
    this.#log.length = 0;
  }

  /** onStateChange calls `fn` with every change this process sees, its own and the fleet's (CircuitBreaker.onStateChange). */
  onStateChange(fn: (change: StateChange) => void): () => void {
    return this.#events.on(fn);
  }

  /** stateChanges is a channel of the changes this process sees (CircuitBreaker.stateChanges). */
  stateChanges(cancel?: Cancel, size = 16): RecvChan<StateChange> {
    return this.#events.channel(cancel, size);
  }

  /** getMetrics is CircuitBreaker.getMetrics over this process's calls, plus the record's seq and syncErrors. */
  getMetrics(): RedisCircuitBreakerMetrics {
    const m = this.#inner.getMetrics();
    const out: Record<string, unknown> = { ...m };
    for (const k of COUNTERS) out[k] = m[k] + this.#carried[k];
    out.lastFailureTime = m.lastFailureTime ?? this.#lastFailure;
    out.transitions = this.#log.slice();
    out.seq = this.#seq;
    out.syncErrors = this.#syncErrors;
    return out as unknown as RedisCircuitBreakerMetrics;
  }

  /** toJSON is the local breaker's snapshot (CircuitBreaker.toJSON). */
  toJSON(): CircuitBreakerSnapshot {
    return this.#inner.toJSON();
  }

  /** make builds the local breaker, restored to `snapshot` if given, and forwards its transitions. */
  #make(snapshot: CircuitBreakerSnapshot | null): CircuitBreaker<F> {
    const b = new CircuitBreaker<F>(snapshot === null ? this.#config : { ...this.#config, state: snapshot });
    b.onStateChange((c) => {
      if (b !== this.#inner) return; // a replaced breaker's late transitions are not the fleet's
      this.#emit(c);
      if (c.to === 'half-open') return;
      const force = c.reason === 'force-open' || c.reason === 'force-close' || c.reason === 'reset';
      void this.#write(c.to, c.reason, force);
    });
    return b;
  }

  #emit(c: StateChange): void {
    if (this.#log.length === MAX_TRANSITIONS) this.#log.shift();
    this.#log.push(c);
    this.#events.emit(c);
  }

  async #start(subscribe: boolean): Promise<void> {
    if (subscribe) {
      try {
        // The offline queue on, whatever the client's: SUBSCRIBE must wait for the new connection (and ioredis
        // subscribes again by itself after a reconnection); only scripts must never wait in a queue.
        const sub = this.#client.duplicate({ enableOfflineQueue: true });
        this.#sub = sub;
        // The connection is ours: its errors are ours to take (ioredis reports unhandled ones); the poll covers them.
        sub.on('error', () => {});
        sub.on('message', (ch, msg) => {
          if (ch === this.#channel) this.#onMessage(msg);
        });
        await sub.subscribe(this.#channel);
      } catch {
        this.#syncErrors++; // the poll keeps the breaker in step; ioredis resubscribes on reconnection
      }
    }
    await this.#tick(false);
  }

  /** tick writes a pending transition or reads the record, then schedules the next poll. */
  async #tick(schedule = true): Promise<void> {
    if (schedule) this.#timer = null;
    try {
      const p = this.#pending;
      if (p !== null) await this.#write(p.state, p.reason, p.force);
      else this.#receive(await this.#script('read', '', ''));
    } catch {
      this.#syncErrors++;
    }
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#poll);
    this.#timer.unref();
  }

  /** write records a local transition in the fleet's record (compare-and-set unless forced); never rejects. */
  async #write(state: CircuitState, reason: TransitionReason, force: boolean): Promise<void> {
    this.#pending = null;
    try {
      this.#receive(await this.#script(force ? 'set' : 'cas', state, reason));
    } catch {
      this.#syncErrors++;
      this.#pending = { state, reason, force };
    }
  }

  #script(op: 'read' | 'cas' | 'set', state: string, reason: string): Promise<Reply> {
    const ttl = state === 'forced-open' ? 0 : this.#recovery + DAY;
    const args = [op, this.#channel, this.#seq, state, reason, Math.ceil(ttl)];
    const t0 = nowMillis();
    return (runScript(OWNER, this.#client, BREAKER_SCRIPT, [this.#key], args, this.#timeout) as Promise<Reply>).then((r) => {
      this.#offset = r[6] - (t0 + nowMillis()) / 2;
      return r;
    });
  }

  /** receive takes in a script's reply: our own write (just the seq), or the fleet's record to adopt. */
  #receive(r: Reply): void {
    const rec: FleetRecord = {
      seq: r[1],
      state: r[2] as CircuitState,
      openedAt: r[3] === '' ? 0 : Number(r[3]),
      reason: r[4] as TransitionReason,
      at: Number(r[5]),
    };
    if (r[0] === 1) {
      if (rec.seq > this.#seq) this.#seq = rec.seq;
      return;
    }
    if (rec.seq !== this.#seq) this.#adopt(rec);
  }

  #onMessage(msg: string): void {
    const [seq, state, openedAt, reason, at] = msg.split('|');
    const rec: FleetRecord = {
      seq: Number(seq),
      state: state as CircuitState,
      openedAt: openedAt === '' ? 0 : Number(openedAt),
      reason: reason as TransitionReason,
      at: Number(at),
    };
    if (rec.seq > this.#seq) this.#adopt(rec);
  }

  /**
   * adopt makes the fleet's record this process's state. A local breaker already in that state is kept (our own
   * write coming back by pub/sub, or two processes that tripped together); otherwise it is replaced by one restored
   * to the record, and the change is announced with the record's reason.
   */
  #adopt(rec: FleetRecord): void {
    this.#seq = rec.seq;
    this.#pending = null;
    const from = this.#inner.getState();
    if (from === rec.state) return;
    const m = this.#inner.getMetrics();
    for (const k of COUNTERS) this.#carried[k] += m[k];
    this.#lastFailure = m.lastFailureTime ?? this.#lastFailure;
    const opened = rec.state === 'open' || rec.state === 'forced-open';
    const snapshot: CircuitBreakerSnapshot | null = opened
      ? { version: 1, state: rec.state, openedAt: rec.openedAt - this.#offset, consecutiveFailures: 0, window: null }
      : null;
    this.#inner = this.#make(snapshot);
    this.#emit(Object.freeze({ from, to: rec.state, at: rec.at - this.#offset, reason: rec.reason }));
  }
}

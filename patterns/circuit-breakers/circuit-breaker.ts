/**
 * CircuitBreaker stops calling a service that keeps failing, and lets a few probes through after a while to learn
 * whether it has recovered.
 *
 *   closed ──trip──> open ──recoveryTimeout──> half-open ──successThreshold probes succeed──> closed
 *                     ^                            │
 *                     └──a probe fails (or is slow, or every slot is stuck for recoveryTimeout)
 *   forceOpen() -> forced-open (no timeout ends it); forceClose() / reset() -> closed, from any state.
 *
 * Invariants:
 * - Every state change bumps #gen, the generation. A call remembers the generation it was admitted in, and its result
 *   counts only if the generation is still the same when it settles: a slow call started while closed and finishing
 *   after the circuit opened is a late result, ignored (counted in metrics.lateResults). So the state a counted
 *   result finds is the state it was admitted in.
 * - Time-driven transitions (open -> half-open, lost probes) are lazy: there is no timer. They happen at the first
 *   call or state read after they fall due, and are recorded at the instant they fell due. A breaker costs nothing
 *   while idle, needs no cleanup, and runs on virtual time inside synctest (the clock is nowMillis).
 * - #probes <= halfOpenMaxRequests is the number of probes in flight; it is meaningful only while half-open.
 * - The closed hot path reads no clock (unless slow calls or a time window need it) and allocates nothing of its own
 *   beyond the async call itself.
 */
import { background } from '../../runtime/context/background.js';
import type { Context } from '../../runtime/context/context.js';
import { nowMillis } from '../../runtime/time/sleep.js';
import type { RecvChan } from '../../runtime/chan/types.js';
import { type Cancel, toContext } from '../core/cancel.js';
import type { Policy } from '../core/policy.js';
import { type CircuitBreakerConfig, resolveConfig } from './breaker-config.js';
import { BreakerCounters, type CircuitBreakerMetrics } from './breaker-metrics.js';
import { type CircuitBreakerSnapshot, parseSnapshot } from './breaker-snapshot.js';
import { CountWindow } from './count-window.js';
import { BrokenCircuitError, CircuitHalfOpenError } from './errors.js';
import type { SlidingWindow } from './sliding-window.js';
import { type CircuitState, type StateChange, StateEvents, type TransitionReason } from './state-events.js';
import { TimeWindow } from './time-window.js';

export class CircuitBreaker implements Policy {
  // Config, immutable.
  readonly #failureThreshold: number;
  readonly #recoveryTimeout: number;
  readonly #halfOpenMax: number;
  readonly #successThreshold: number;
  readonly #rate: boolean;
  readonly #minimumCalls: number;
  readonly #failureRate: number;
  readonly #slowMs: number;
  readonly #slowRate: number;
  /** #timed: slow calls are tracked, so every call reads the clock when it starts and ends. */
  readonly #timed: boolean;
  /** #clocked: a settling closed call needs the time (slow calls, or a time window). */
  readonly #clocked: boolean;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #metricsOn: boolean;
  readonly #window: SlidingWindow;
  readonly #events = new StateEvents();
  #m = new BreakerCounters();

  // State.
  #state: CircuitState = 'closed';
  #gen = 0;
  #consecutive = 0;
  /** #openedAt: when the circuit opened (open, forced-open). */
  #openedAt = 0;
  #probes = 0;
  #probeSuccesses = 0;
  /** #probeProgress: the last probe admission or settlement (half-open); probes idle since are presumed lost. */
  #probeProgress = 0;

  /**
   * CircuitBreaker makes a closed breaker (or one restored from `config.state`). Every option is described in
   * CircuitBreakerConfig with its default; a bad one throws InvalidArgumentError naming it and its value.
   *
   * @example
   * const breaker = new CircuitBreaker({ failureThreshold: 5, recoveryTimeout: 30_000, halfOpenMaxRequests: 3 });
   * const user = await breaker.call(() => api.getUser(id)); // BrokenCircuitError while open
   */
  constructor(config?: Partial<CircuitBreakerConfig>) {
    const c = resolveConfig(config);
    this.#failureThreshold = c.failureThreshold;
    this.#recoveryTimeout = c.recoveryTimeout;
    this.#halfOpenMax = c.halfOpenMaxRequests;
    this.#successThreshold = c.successThreshold;
    this.#rate = c.tripPolicy === 'rate';
    this.#minimumCalls = c.minimumCalls;
    this.#failureRate = c.failureRateThreshold;
    this.#slowMs = c.slowCallDuration;
    this.#slowRate = c.slowCallRateThreshold;
    this.#timed = c.slowCallDuration !== Infinity;
    this.#clocked = this.#timed || c.windowType === 'time';
    this.#isFailure = c.isFailure;
    this.#metricsOn = c.enableMetrics;
    this.#window = c.windowType === 'count' ? new CountWindow(c.windowSize) : new TimeWindow(c.windowDuration, c.windowBuckets);
    if (c.state !== undefined) this.#restore(parseSnapshot(c.state));
  }

  /**
   * fromJSON rebuilds a breaker from a toJSON snapshot (an object or its JSON text), with `config` for the options.
   * An open breaker stays open until its original openedAt + recoveryTimeout. Throws InvalidArgumentError for a
   * malformed snapshot or a bad option.
   *
   * @example
   * const breaker = CircuitBreaker.fromJSON(await store.get('payments-breaker'), { recoveryTimeout: 10_000 });
   * // ... at the end of the invocation:
   * await store.set('payments-breaker', JSON.stringify(breaker));
   */
  static fromJSON(snapshot: CircuitBreakerSnapshot | string, config?: Partial<CircuitBreakerConfig>): CircuitBreaker {
    return new CircuitBreaker({ ...config, state: snapshot });
  }

  /**
   * call runs `fn` if the circuit lets it through and settles as `fn` does. It does not block: while open it rejects
   * at once with BrokenCircuitError (with the time left until half-open); while half-open with every probe slot taken,
   * with CircuitHalfOpenError. In both cases `fn` does not run. A failure (an error isFailure counts) may open the
   * circuit; an error isFailure does not count passes through untouched and counts as nothing. If isFailure itself
   * throws, the error counts as a failure and the call rejects with what isFailure threw.
   *
   * @example
   * try {
   *   return await breaker.call(() => inventory.reserve(item));
   * } catch (e) {
   *   if (isCircuitRejection(e)) return { status: 'try later' };
   *   throw e;
   * }
   */
  call<T>(fn: (ctx: Context) => Promise<T> | T): Promise<T> {
    return this.#run(fn, background());
  }

  /**
   * execute is call under a Cancel (Policy): `fn` receives the Context. A context already done rejects with its error
   * before anything else, counting as nothing; a cancellation while `fn` runs is for `fn` to observe, and by default
   * the resulting Canceled error does not count as a failure (see isFailure).
   */
  execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    if (cancel === undefined) return this.#run(fn, background());
    const [ctx, release] = toContext(cancel);
    const err = ctx.err();
    if (err !== null) {
      release();
      return Promise.reject(err);
    }
    if (!(cancel instanceof AbortSignal)) return this.#run(fn, ctx);
    return this.#run(fn, ctx).finally(release);
  }

  async #run<T>(fn: (ctx: Context) => Promise<T> | T, ctx: Context): Promise<T> {
    const gen = this.#state === 'closed' ? this.#gen : this.#admit();
    const t0 = this.#timed ? nowMillis() : 0;
    if (this.#metricsOn) this.#m.calls++;
    let v: T;
    try {
      v = await fn(ctx);
    } catch (e) {
      throw this.#failed(gen, t0, e);
    }
    this.#succeeded(gen, t0);
    return v;
  }

  /** admit lets a call through a circuit that is not closed, or throws the rejection; it returns the generation. */
  #admit(): number {
    const now = nowMillis();
    this.#refresh(now);
    switch (this.#state) {
      case 'closed':
        return this.#gen;
      case 'half-open':
        if (this.#probes < this.#halfOpenMax) {
          this.#probes++;
          this.#probeProgress = now;
          return this.#gen;
        }
        this.#rejected();
        throw new CircuitHalfOpenError(this.#halfOpenMax);
      case 'open':
        this.#rejected();
        throw new BrokenCircuitError(this.#openedAt + this.#recoveryTimeout - now);
      case 'forced-open':
        this.#rejected();
        throw new BrokenCircuitError(Infinity, true);
    }
  }

  #rejected(): void {
    if (this.#metricsOn) this.#m.rejections++;
  }

  /** refresh applies the time-driven transitions that have fallen due by `now`. */
  #refresh(now: number): void {
    if (this.#state === 'half-open' && this.#probes >= this.#halfOpenMax) {
      const lost = this.#probeProgress + this.#recoveryTimeout;
      if (now >= lost) this.#transition('open', 'probe-timeout', lost);
    }
    if (this.#state === 'open') {
      const due = this.#openedAt + this.#recoveryTimeout;
      if (now >= due) this.#transition('half-open', 'recovery-timeout', due);
    }
  }

  #succeeded(gen: number, t0: number): void {
    const now = this.#clocked || this.#state !== 'closed' ? nowMillis() : 0;
    const slow = this.#timed && now - t0 > this.#slowMs;
    if (this.#metricsOn) {
      this.#m.successes++;
      if (slow) this.#m.slowCalls++;
    }
    if (!this.#current(gen, now)) return;
    if (this.#state === 'closed') {
      this.#consecutive = 0;
      this.#window.record(false, slow, now);
      // A success lowers the rates, but it may also be the call that brings the window up to minimumCalls.
      if (this.#rate || this.#timed) this.#checkRates();
      return;
    }
    // half-open: a current result was admitted while half-open (the generation would have moved otherwise).
    this.#probes--;
    this.#probeProgress = now;
    if (slow) this.#transition('open', 'slow-probe', now);
    else if (++this.#probeSuccesses >= this.#successThreshold) this.#transition('closed', 'probes-succeeded', now);
  }

  /** failed records a rejected call and returns the error the call rejects with. */
  #failed(gen: number, t0: number, e: unknown): unknown {
    let counts = true;
    let err = e;
    try {
      counts = !!this.#isFailure(e);
    } catch (thrown) {
      err = thrown;
    }
    const now = nowMillis();
    const slow = this.#timed && now - t0 > this.#slowMs;
    if (this.#metricsOn) {
      if (slow) this.#m.slowCalls++;
      if (counts) {
        this.#m.failures++;
        this.#m.lastFailureTime = now;
      } else {
        this.#m.ignoredErrors++;
      }
    }
    if (!this.#current(gen, now)) return err;
    if (this.#state === 'closed') {
      if (!counts) return err;
      this.#window.record(true, slow, now);
      this.#consecutive++;
      if (!this.#rate && this.#consecutive >= this.#failureThreshold) this.#transition('open', 'failure-threshold', now);
      else this.#checkRates();
      return err;
    }
    this.#probes--;
    this.#probeProgress = now;
    if (counts) this.#transition('open', 'probe-failure', now);
    return err;
  }

  /** current reports whether a result of generation `gen` still counts, applying due transitions first. */
  #current(gen: number, now: number): boolean {
    if (gen === this.#gen && this.#state !== 'closed') this.#refresh(now);
    if (gen === this.#gen) return true;
    if (this.#metricsOn) this.#m.lateResults++;
    return false;
  }

  /** checkRates opens a closed circuit whose window has reached a rate threshold. */
  #checkRates(): void {
    const w = this.#window;
    if (w.calls < this.#minimumCalls) return;
    // The clock is read only to trip: an unclocked success has no time of its own.
    if (this.#rate && w.failures / w.calls >= this.#failureRate) this.#transition('open', 'failure-rate', nowMillis());
    else if (this.#timed && w.slow / w.calls >= this.#slowRate) this.#transition('open', 'slow-call-rate', nowMillis());
  }

  #transition(to: CircuitState, reason: TransitionReason, at: number): void {
    const from = this.#state;
    this.#state = to;
    this.#gen++;
    this.#consecutive = 0;
    if (to === 'open' || to === 'forced-open') this.#openedAt = at;
    if (to === 'half-open') {
      this.#probes = this.#probeSuccesses = 0;
      this.#probeProgress = at;
    }
    if (to === 'closed') this.#window.clear();
    const change: StateChange = { from, to, at, reason };
    if (this.#metricsOn) this.#m.log(change);
    this.#events.emit(change);
  }

  /** isOpen reports whether calls are refused outright: 'open' or 'forced-open' (a state read; see getState). */
  isOpen(): boolean {
    const s = this.getState();
    return s === 'open' || s === 'forced-open';
  }

  /** isHalfOpen reports whether the breaker is admitting probes (a state read; see getState). */
  isHalfOpen(): boolean {
    return this.getState() === 'half-open';
  }

  /** isClosed reports whether calls go through normally (a state read; see getState). */
  isClosed(): boolean {
    return this.getState() === 'closed';
  }

  /**
   * getState returns 'closed', 'open', 'half-open' or 'forced-open'. Reading the state applies the transitions that
   * have fallen due (an open circuit whose recoveryTimeout has elapsed becomes half-open now, and listeners hear of
   * it now).
   */
  getState(): CircuitState {
    if (this.#state !== 'closed') this.#refresh(nowMillis());
    return this.#state;
  }

  /**
   * forceOpen holds the circuit open ('forced-open') until forceClose or reset: calls are refused with a
   * BrokenCircuitError whose `forced` is true and `remainingMs` Infinity. Results of calls already running are late.
   */
  forceOpen(): void {
    const now = nowMillis();
    this.#refresh(now);
    if (this.#state !== 'forced-open') this.#transition('forced-open', 'force-open', now);
  }

  /**
   * forceClose closes the circuit from any state, with an empty window and no consecutive failures; results of calls
   * already running are late. The breaker then trips again as usual. A change is announced only if it was not closed.
   */
  forceClose(): void {
    this.#close('force-close');
  }

  /** reset is forceClose that also zeroes the metrics (counters and transition log). */
  reset(): void {
    this.#close('reset');
    this.#m = new BreakerCounters();
  }

  #close(reason: TransitionReason): void {
    const now = nowMillis();
    this.#refresh(now);
    if (this.#state !== 'closed') return this.#transition('closed', reason, now);
    this.#gen++;
    this.#consecutive = 0;
    this.#window.clear();
  }

  /**
   * onStateChange calls `fn` synchronously with every state change, after the breaker has changed state; it returns
   * the function that unsubscribes. A listener that throws does not disturb the breaker or the other listeners: its
   * error becomes a panic in a goroutine of its own.
   *
   * @example
   * const stop = breaker.onStateChange((c) => log.warn(`breaker ${c.from} -> ${c.to} (${c.reason})`));
   */
  onStateChange(fn: (change: StateChange) => void): () => void {
    return this.#events.on(fn);
  }

  /**
   * stateChanges returns a channel that receives every state change, buffered `size` deep (default 16), closed when
   * `cancel` fires (never, without one: the subscription lives as long as the breaker). The breaker never waits for
   * it: when the buffer is full, the oldest pending change is dropped, so the newest is always delivered.
   *
   * @example
   * go(async () => {
   *   for await (const c of breaker.stateChanges(ctx)) metrics.gauge('breaker_state', c.to);
   * });
   */
  stateChanges(cancel?: Cancel, size = 16): RecvChan<StateChange> {
    return this.#events.channel(cancel, size);
  }

  /** getMetrics returns the counters, the window's rates and the recent transitions (a state read; see getState). */
  getMetrics(): CircuitBreakerMetrics {
    const state = this.getState();
    const w = this.#window;
    w.advance(nowMillis());
    const m = this.#m;
    return {
      state,
      calls: m.calls,
      successes: m.successes,
      failures: m.failures,
      ignoredErrors: m.ignoredErrors,
      rejections: m.rejections,
      slowCalls: m.slowCalls,
      lateResults: m.lateResults,
      failureRate: w.calls === 0 ? 0 : w.failures / w.calls,
      slowCallRate: w.calls === 0 ? 0 : w.slow / w.calls,
      windowCalls: w.calls,
      consecutiveFailures: this.#consecutive,
      openedAt: state === 'open' || state === 'forced-open' ? this.#openedAt : null,
      lastFailureTime: m.lastFailureTime,
      transitions: m.transitions.slice(),
    };
  }

  /**
   * toJSON returns the breaker's state as a CircuitBreakerSnapshot (so JSON.stringify(breaker) works), for
   * CircuitBreaker.fromJSON. It is a state read (see getState). In-flight calls are not part of it.
   */
  toJSON(): CircuitBreakerSnapshot {
    const state = this.getState();
    this.#window.advance(nowMillis());
    return {
      version: 1,
      state,
      openedAt: state === 'open' || state === 'forced-open' ? this.#openedAt : null,
      consecutiveFailures: this.#consecutive,
      window: this.#window.snapshot(),
    };
  }

  #restore(s: CircuitBreakerSnapshot): void {
    const now = nowMillis();
    this.#state = s.state;
    // A snapshot from a machine whose clock runs ahead must not hold the circuit open longer than recoveryTimeout.
    this.#openedAt = Math.min(s.openedAt ?? now, now);
    this.#consecutive = s.consecutiveFailures;
    this.#probeProgress = now;
    if (s.window !== null) this.#window.restore(s.window);
  }
}

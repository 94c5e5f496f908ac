/**
 * CircuitBreaker stops calling a service that keeps failing, and lets a few probes through after a while to learn
 * whether it has recovered. The state machine lives in breaker-machine.ts (states, generations, lazy transitions);
 * this file is the public face: the call paths, the manual controls, observation, metrics and JSON.
 *
 * There is no timer: open -> half-open happens at the first call or state read after recoveryTimeout, on the
 * runtime's clock in whole nanoseconds (nanotime; virtual and exact inside synctest). A breaker costs nothing while idle and needs no cleanup, which suits
 * serverless functions; with toJSON / fromJSON its state survives between invocations.
 *
 * The closed hot path reads no clock (unless slow calls or a time window need it) and allocates nothing of its own:
 * the call's promise is settled through the machine's pre-armed handlers, `fn(ctx).then(onOk, onErr)`.
 */
import { background, type Context, nanotime, type RecvChan } from '../../runtime/index.js';
import { type Cancel, cancelReason, toContext } from '../core/cancel.js';
import type { Policy } from '../core/policy.js';
import { CIRCUIT_BREAKER_KEYS, type CircuitBreakerConfig, type Fallback, resolveConfig } from './breaker-config.js';
import { options } from '../core/option-checks.js';
import { BreakerMachine, epoch } from './breaker-machine.js';
import { cancelError, fnError } from '../core/call-checks.js';
import type { BrokenCircuitError, CircuitHalfOpenError } from './breaker-errors.js';
import { BreakerCounters, type CircuitBreakerMetrics } from './breaker-metrics.js';
import { type CircuitBreakerSnapshot, parseSnapshot } from './breaker-snapshot.js';
import { type CircuitState, type StateChange, StateEvents } from './state-events.js';

/**
 * CircuitBreaker guards calls to one dependency: closed, it lets them through and watches them fail; open, it
 * refuses them at once (BrokenCircuitError, or the `fallback`); after recoveryTimeout it lets a few probes through
 * (half-open) and closes again if they succeed. `F` is the type of the fallback's value (never without one). Every
 * option is in CircuitBreakerConfig with its default; see patterns/circuit-breakers/README.md.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 5, recoveryTimeout: 30 * Second, fallback: () => cached });
 * const user = await breaker.call((ctx) => api.getUser(id, { signal: ctx.signal })); // `cached` while open
 * breaker.onStateChange((c) => log.warn(`users breaker ${c.from} -> ${c.to} (${c.reason})`));
 */
export class CircuitBreaker<F = never> implements Policy {
  readonly #events = new StateEvents();
  readonly #sm: BreakerMachine;
  /** #fallback holds the fallback option, when one was given (a value may be undefined). */
  readonly #fallback: { readonly use: Fallback<F> } | null;

  /**
   * CircuitBreaker makes a closed breaker (or one restored from `config.state`). Every option is described in
   * CircuitBreakerConfig with its default; a bad one throws InvalidArgumentError naming it and its value.
   *
   * @example
   * const breaker = new CircuitBreaker({ failureThreshold: 5, recoveryTimeout: 30_000, halfOpenMaxRequests: 3 });
   * const user = await breaker.call(() => api.getUser(id)); // BrokenCircuitError while open
   */
  constructor(config?: Partial<CircuitBreakerConfig<F>>) {
    const c = resolveConfig(config);
    this.#sm = new BreakerMachine(c, this.#events);
    if (c.state !== undefined) this.#sm.restore(parseSnapshot(c.state));
    this.#fallback = config !== undefined && Object.hasOwn(config, 'fallback') ? { use: config.fallback as Fallback<F> } : null;
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
  static fromJSON<F = never>(
    snapshot: CircuitBreakerSnapshot | string,
    config?: Partial<CircuitBreakerConfig<F>>,
  ): CircuitBreaker<F> {
    // Checked before the spread: spreading a non-object would silently drop it.
    return new CircuitBreaker<F>({ ...options('CircuitBreaker.fromJSON', config, CIRCUIT_BREAKER_KEYS), state: snapshot });
  }

  /**
   * call runs `fn` if the circuit lets it through and settles as `fn` does. It does not block: while open it rejects
   * at once with BrokenCircuitError (with the time left until half-open); while half-open with every probe slot taken,
   * with CircuitHalfOpenError. In both cases `fn` does not run. A failure (an error isFailure counts) may open the
   * circuit; an error isFailure does not count passes through untouched and counts as nothing. If isFailure itself
   * throws, the error counts as a failure and the call rejects with what isFailure threw. With a `fallback`, a
   * refused call resolves with the fallback's value instead (or rejects with what a fallback function threw); the
   * refusal still counts in `rejections`, and in `fallbacks`. It never throws: if `fn` is not a function it rejects
   * at once with InvalidArgumentError, counting as nothing.
   *
   * @example
   * try {
   *   return await breaker.call(() => inventory.reserve(item));
   * } catch (e) {
   *   if (isCircuitRejection(e)) return { status: 'try later' };
   *   throw e;
   * }
   */
  call<T>(fn: (ctx: Context) => Promise<T> | T): Promise<T | F> {
    const bad = fnError('CircuitBreaker.call', fn);
    if (bad !== null) return Promise.reject(bad);
    return this.#run<T | F>(fn, background(), this.#fallback);
  }

  /**
   * execute is call under a Cancel (Policy): `fn` receives the Context. A context already done rejects with its error
   * before anything else, counting as nothing; a cancellation while `fn` runs is for `fn` to observe, and by default
   * the resulting Canceled error does not count as a failure (see isFailure). A bad `fn` or `cancel` rejects with
   * InvalidArgumentError, as for call.
   */
  execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    const bad = fnError('CircuitBreaker.execute', fn) ?? cancelError('CircuitBreaker.execute', cancel);
    if (bad !== null) return Promise.reject(bad);
    if (cancel === undefined) return this.#run(fn, background(), null);
    const [ctx, release] = toContext(cancel);
    if (ctx.err() !== null) {
      release();
      return Promise.reject(cancelReason(ctx));
    }
    if (!(cancel instanceof AbortSignal)) return this.#run(fn, ctx, null);
    return this.#run(fn, ctx, null).finally(release);
  }

  /** run is the call path; a refused call resolves through `fallback` when there is one, else rejects. */
  #run<T>(fn: (ctx: Context) => Promise<T> | T, ctx: Context, fallback: { readonly use: Fallback<F> } | null): Promise<T> {
    const sm = this.#sm;
    if (sm.state !== 'closed') {
      try {
        sm.admit();
      } catch (e) {
        if (fallback === null) return Promise.reject(e);
        // Only call passes a fallback, and its T is T | F.
        return this.#fallBack(fallback.use, e as BrokenCircuitError | CircuitHalfOpenError) as unknown as Promise<T>;
      }
    }
    if (sm.timed) return this.#runTimed(fn, ctx, sm.gen);
    // Taken before fn runs: fn may change the state synchronously (forceOpen), and its result belongs to this generation.
    const gen = sm.gen;
    const onOk = sm.onOk;
    const onErr = sm.onErr;
    if (sm.metricsOn) sm.counters.calls++;
    let r: Promise<T> | T;
    try {
      r = fn(ctx);
    } catch (e) {
      return Promise.reject(sm.failed(gen, 0, e));
    }
    return (r instanceof Promise ? r : Promise.resolve(r)).then(onOk, onErr) as Promise<T>;
  }

  /** fallBack is the fallback's value for the refusal `e`. */
  #fallBack(use: Fallback<F>, e: BrokenCircuitError | CircuitHalfOpenError): Promise<F> {
    if (this.#sm.metricsOn) this.#sm.counters.fallbacks++;
    if (typeof use !== 'function') return Promise.resolve(use);
    try {
      return Promise.resolve((use as (error: BrokenCircuitError | CircuitHalfOpenError) => F | Promise<F>)(e));
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }

  /** runTimed is run when slow calls are tracked: each call has its own start time. */
  async #runTimed<T>(fn: (ctx: Context) => Promise<T> | T, ctx: Context, gen: number): Promise<T> {
    const sm = this.#sm;
    const t0 = nanotime();
    if (sm.metricsOn) sm.counters.calls++;
    let v: T;
    try {
      v = await fn(ctx);
    } catch (e) {
      throw sm.failed(gen, t0, e);
    }
    sm.succeeded(gen, t0);
    return v;
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
    const sm = this.#sm;
    if (sm.state !== 'closed') sm.refresh(nanotime());
    return sm.state;
  }

  /**
   * forceOpen holds the circuit open ('forced-open') until forceClose or reset: calls are refused with a
   * BrokenCircuitError whose `forced` is true and `remainingMs` Infinity. Results of calls already running are late.
   */
  forceOpen(): void {
    const now = nanotime();
    this.#sm.refresh(now);
    if (this.#sm.state !== 'forced-open') this.#sm.transition('forced-open', 'force-open', now);
  }

  /**
   * forceClose closes the circuit from any state, with an empty window and no consecutive failures; results of calls
   * already running are late. The breaker then trips again as usual. A change is announced only if it was not closed.
   */
  forceClose(): void {
    this.#sm.close('force-close');
  }

  /** reset is forceClose that also zeroes the metrics (counters and transition log). */
  reset(): void {
    this.#sm.close('reset');
    this.#sm.counters = new BreakerCounters();
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
    const sm = this.#sm;
    const w = sm.window;
    w.advance(nanotime());
    const m = sm.counters;
    return {
      state,
      calls: m.calls,
      successes: m.successes,
      failures: m.failures,
      ignoredErrors: m.ignoredErrors,
      rejections: m.rejections,
      fallbacks: m.fallbacks,
      slowCalls: m.slowCalls,
      lateResults: m.lateResults,
      failureRate: w.calls === 0 ? 0 : w.failures / w.calls,
      slowCallRate: w.calls === 0 ? 0 : w.slow / w.calls,
      windowCalls: w.calls,
      consecutiveFailures: sm.consecutive,
      openedAt: state === 'open' || state === 'forced-open' ? epoch(sm.openedAt) : null,
      lastFailureTime: m.lastFailureTime,
      transitions: m.transitions.slice(),
    };
  }

  /**
   * toJSON returns the breaker's state as a CircuitBreakerSnapshot (so JSON.stringify(breaker) works), for
   * CircuitBreaker.fromJSON. It is a state read (see getState). In-flight calls are not part of it.
   */
  toJSON(): CircuitBreakerSnapshot {
    return this.#sm.snapshot();
  }
}

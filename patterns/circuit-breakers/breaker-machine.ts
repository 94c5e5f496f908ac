/**
 * BreakerMachine is CircuitBreaker's state machine: admission, the recording of results, and the transitions. The
 * public class (circuit-breaker.ts) wraps it with the call paths, the manual controls and the observation API.
 *
 *   closed ──trip──> open ──recoveryTimeout──> half-open ──successThreshold probes succeed──> closed
 *                     ^                            │
 *                     └──a probe fails (or is slow, or every slot is stuck for recoveryTimeout)
 *   forceOpen -> forced-open (no timeout ends it); forceClose / reset -> closed, from any state.
 *
 * Invariants:
 * - Every state change bumps `gen`, the generation (so do forceClose and reset of a closed breaker). A call
 *   remembers the generation it was admitted in, and its result counts only if the generation is unchanged when it
 *   settles: a slow call started while closed and finishing after the circuit opened is a late result, ignored
 *   (counters.lateResults). So a counted result always finds the state it was admitted in.
 * - Time-driven transitions (open -> half-open, lost probes) are lazy: there is no timer. They are applied by
 *   refresh, at the first call or state read after they fall due, and recorded at the instant they fell due.
 * - Time is kept in the clock's whole nanoseconds (nanotime; virtual inside synctest), so that durations compare
 *   exactly: a circuit opened at t is half-open at exactly t + recoveryTimeout, and a call lasting exactly
 *   slowCallDuration is not slow. Unix ms (what StateChange.at, openedAt and snapshots speak) are derived from it at
 *   the edge, by `epoch`.
 * - probes <= halfOpenMaxRequests is the number of probes in flight; meaningful only while half-open.
 * - onOk / onErr are the settle handlers of the current generation, re-armed at every bump, so that the closed hot
 *   path can settle a call with `promise.then(onOk, onErr)` and no closure of its own.
 */
import { nanotime } from '../../runtime/index.js';
import { clockNanos, currentClock, toNanos, unixMillis } from '../../runtime/internal.js';
import type { ResolvedConfig } from './breaker-config.js';
import { BreakerCounters } from './breaker-metrics.js';
import type { CircuitBreakerSnapshot } from './breaker-snapshot.js';
import { CountWindow } from './count-window.js';
import { BrokenCircuitError, CircuitHalfOpenError } from './breaker-errors.js';
import type { SlidingWindow } from './breaker-window.js';
import type { CircuitState, StateChange, StateEvents, TransitionReason } from './state-events.js';
import { TimeWindow } from './time-window.js';

export class BreakerMachine {
  // Config, immutable.
  readonly #failureThreshold: number;
  /** #recoveryNs is recoveryTimeout in ns. */
  readonly #recoveryNs: number;
  readonly #halfOpenMax: number;
  readonly #successThreshold: number;
  readonly #rate: boolean;
  readonly #minimumCalls: number;
  readonly #failureRate: number;
  /** #slowNs is slowCallDuration in ns (Infinity when slow calls are not tracked). */
  readonly #slowNs: number;
  readonly #slowRate: number;
  /** timed: slow calls are tracked, so every call reads the clock when it starts and when it settles. */
  readonly timed: boolean;
  /** #clocked: a settling closed call needs the time (slow calls, or a time window). */
  readonly #clocked: boolean;
  readonly #isFailure: (error: unknown) => boolean;
  readonly metricsOn: boolean;
  readonly window: SlidingWindow;
  readonly #events: StateEvents;

  // State.
  counters = new BreakerCounters();
  state: CircuitState = 'closed';
  gen = 0;
  consecutive = 0;
  /** openedAt: the nanotime at which the circuit opened (open, forced-open). */
  openedAt = 0;
  #probes = 0;
  #probeSuccesses = 0;
  /** #probeProgress: the last probe admission or settlement (half-open); probes idle since are presumed lost. */
  #probeProgress = 0;
  onOk!: <T>(v: T) => T;
  onErr!: (e: unknown) => never;

  constructor(c: ResolvedConfig, events: StateEvents) {
    this.#failureThreshold = c.failureThreshold;
    this.#recoveryNs = toNanos(c.recoveryTimeout);
    this.#halfOpenMax = c.halfOpenMaxRequests;
    this.#successThreshold = c.successThreshold;
    this.#rate = c.tripPolicy === 'rate';
    this.#minimumCalls = c.minimumCalls;
    this.#failureRate = c.failureRateThreshold;
    this.#slowNs = c.slowCallDuration === Infinity ? Infinity : toNanos(c.slowCallDuration);
    this.#slowRate = c.slowCallRateThreshold;
    this.timed = c.slowCallDuration !== Infinity;
    this.#clocked = this.timed || c.windowType === 'time';
    this.#isFailure = c.isFailure;
    this.metricsOn = c.enableMetrics;
    this.window = c.windowType === 'count' ? new CountWindow(c.windowSize) : new TimeWindow(c.windowDuration, c.windowBuckets, 1e6);
    this.#events = events;
    this.#arm();
  }

  /** arm makes the settle handlers of the current generation. */
  #arm(): void {
    const gen = this.gen;
    this.onOk = <T>(v: T): T => {
      this.succeeded(gen, 0);
      return v;
    };
    this.onErr = (e: unknown): never => {
      throw this.failed(gen, 0, e);
    };
  }

  /** admit lets a call through a circuit that is not closed, or throws the rejection; it returns the generation. */
  admit(): number {
    const now = nanotime();
    this.refresh(now);
    switch (this.state) {
      case 'closed':
        return this.gen;
      case 'half-open':
        if (this.#probes < this.#halfOpenMax) {
          this.#probes++;
          this.#probeProgress = now;
          return this.gen;
        }
        this.#rejected();
        throw new CircuitHalfOpenError(this.#halfOpenMax);
      case 'open':
        this.#rejected();
        throw new BrokenCircuitError((this.openedAt + this.#recoveryNs - now) / 1e6);
      case 'forced-open':
        this.#rejected();
        throw new BrokenCircuitError(Infinity, true);
    }
  }

  #rejected(): void {
    if (this.metricsOn) this.counters.rejections++;
  }

  /** refresh applies the time-driven transitions that have fallen due by `now` (a nanotime). */
  refresh(now: number): void {
    if (this.state === 'half-open' && this.#probes >= this.#halfOpenMax) {
      const lost = this.#probeProgress + this.#recoveryNs;
      if (now >= lost) this.transition('open', 'probe-timeout', lost);
    }
    if (this.state === 'open') {
      const due = this.openedAt + this.#recoveryNs;
      if (now >= due) this.transition('half-open', 'recovery-timeout', due);
    }
  }

  /** succeeded records a call of generation `gen`, started at nanotime `t0` (if timed), that resolved. */
  succeeded(gen: number, t0: number): void {
    const now = this.#clocked || this.state !== 'closed' ? nanotime() : 0;
    const slow = this.timed && now - t0 > this.#slowNs;
    if (this.metricsOn) {
      this.counters.successes++;
      if (slow) this.counters.slowCalls++;
    }
    if (!this.#current(gen, now)) return;
    if (this.state === 'closed') {
      this.consecutive = 0;
      this.window.record(false, slow, now);
      // A success lowers the rates, but it may also be the call that brings the window up to minimumCalls.
      if (this.#rate || this.timed) this.#checkRates();
      return;
    }
    // half-open: a current result was admitted while half-open (the generation would have moved otherwise).
    this.#probes--;
    this.#probeProgress = now;
    if (slow) this.transition('open', 'slow-probe', now);
    else if (++this.#probeSuccesses >= this.#successThreshold) this.transition('closed', 'probes-succeeded', now);
  }

  /**
   * failed records a call of generation `gen`, started at nanotime `t0` (if timed), that rejected with `e`, and returns the
   * error the call rejects with: `e`, or what isFailure threw (the error then counts as a failure).
   */
  failed(gen: number, t0: number, e: unknown): unknown {
    let counts = true;
    let err = e;
    try {
      counts = !!this.#isFailure(e);
    } catch (thrown) {
      err = thrown;
    }
    const now = nanotime();
    const slow = this.timed && now - t0 > this.#slowNs;
    if (this.metricsOn) {
      if (slow) this.counters.slowCalls++;
      if (counts) {
        this.counters.failures++;
        this.counters.lastFailureTime = epoch(now);
      } else {
        this.counters.ignoredErrors++;
      }
    }
    if (!this.#current(gen, now)) return err;
    if (this.state === 'closed') {
      if (!counts) return err;
      this.window.record(true, slow, now);
      this.consecutive++;
      if (!this.#rate && this.consecutive >= this.#failureThreshold) this.transition('open', 'failure-threshold', now);
      else this.#checkRates();
      return err;
    }
    this.#probes--;
    this.#probeProgress = now;
    if (counts) this.transition('open', 'probe-failure', now);
    return err;
  }

  /** current reports whether a result of generation `gen` still counts, applying due transitions first. */
  #current(gen: number, now: number): boolean {
    if (gen === this.gen && this.state !== 'closed') this.refresh(now);
    if (gen === this.gen) return true;
    if (this.metricsOn) this.counters.lateResults++;
    return false;
  }

  /** checkRates opens a closed circuit whose window has reached a rate threshold. */
  #checkRates(): void {
    const w = this.window;
    if (w.calls < this.#minimumCalls) return;
    // The clock is read only to trip: an unclocked success has no time of its own.
    if (this.#rate && w.failures / w.calls >= this.#failureRate) this.transition('open', 'failure-rate', nanotime());
    else if (this.timed && w.slow / w.calls >= this.#slowRate) this.transition('open', 'slow-call-rate', nanotime());
  }

  /** transition moves to state `to`, recorded at nanotime `at`, and announces it. */
  transition(to: CircuitState, reason: TransitionReason, at: number): void {
    const from = this.state;
    this.state = to;
    this.#bump();
    if (to === 'open' || to === 'forced-open') this.openedAt = at;
    if (to === 'half-open') {
      this.#probes = this.#probeSuccesses = 0;
      this.#probeProgress = at;
    }
    // Frozen: the same object goes to every listener, every channel and the transition log.
    const change: StateChange = Object.freeze({ from, to, at: epoch(at), reason });
    if (this.metricsOn) this.counters.log(change);
    this.#events.emit(change);
  }

  /** close moves to closed from any state; a closed breaker just starts a new generation, announcing nothing. */
  close(reason: TransitionReason): void {
    const now = nanotime();
    this.refresh(now);
    if (this.state !== 'closed') this.transition('closed', reason, now);
    else this.#bump();
  }

  /** bump starts a new generation: results of calls admitted before no longer count. */
  #bump(): void {
    this.gen++;
    this.consecutive = 0;
    if (this.state === 'closed') this.window.clear();
    this.#arm();
  }

  /** restore starts from a validated snapshot (its times in Unix ms). */
  restore(s: CircuitBreakerSnapshot): void {
    const clock = currentClock();
    const now = clock.nanotime();
    this.state = s.state;
    // A snapshot from a machine whose clock runs ahead must not hold the circuit open longer than recoveryTimeout.
    this.openedAt = s.openedAt === null ? now : Math.min(clockNanos(clock, s.openedAt), now);
    this.consecutive = s.consecutiveFailures;
    this.#probeProgress = now;
    const w = s.window;
    if (w === null) return;
    this.window.restore(w.kind === 'count' ? w : { ...w, data: w.data.map((b) => ({ ...b, start: clockNanos(clock, b.start) })) });
  }

  /** snapshot is the state as a CircuitBreakerSnapshot (times in Unix ms), after refreshing and advancing the window. */
  snapshot(): CircuitBreakerSnapshot {
    const now = nanotime();
    this.refresh(now);
    this.window.advance(now);
    const opened = this.state === 'open' || this.state === 'forced-open';
    const w = this.window.snapshot();
    return {
      version: 1,
      state: this.state,
      openedAt: opened ? epoch(this.openedAt) : null,
      consecutiveFailures: this.consecutive,
      window: w.kind === 'count' ? w : { ...w, data: w.data.map((b) => ({ ...b, start: epoch(b.start) })) },
    };
  }
}

/** epoch is the Unix time in ms of the current clock's reading `ns`. */
export function epoch(ns: number): number {
  return unixMillis(currentClock(), ns);
}

/**
 * StateEvents is how a circuit breaker announces its state changes: to listener functions, called synchronously in
 * the order they subscribed, and to channels, one per subscriber, that never block the breaker.
 *
 * A listener that throws does not stop the others nor the breaker: its error is re-thrown in a goroutine of its own,
 * where it is a panic (see setPanicHandler), as a throw in a Go callback would be.
 *
 * A channel subscriber that falls behind loses the oldest changes it has not received: when its buffer is full, the
 * oldest pending change is dropped to make room, so the latest change is always delivered and the breaker never waits.
 */
import { chan, type Chan, type RecvChan, afterFunc, go } from '../../runtime/index.js';
import { type Cancel, toContext } from '../core/cancel.js';
import { func, positiveInt } from '../core/option-checks.js';

/**
 * CircuitState is a breaker's state; 'forced-open' is the state forceOpen puts it in, which no timeout ends.
 *
 * @example
 * const breaker = new CircuitBreaker();
 * const s: CircuitState = breaker.getState();
 * breaker.forceOpen();
 * console.log(s, breaker.getState()); // closed forced-open
 */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'forced-open';

/**
 * TransitionReason says what caused a state change.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 2 });
 * const reasons: TransitionReason[] = [];
 * breaker.onStateChange((c) => reasons.push(c.reason));
 * for (let i = 0; i < 2; i++) await breaker.call(() => Promise.reject(new Error('down'))).catch(() => {});
 * breaker.reset();
 * console.log(reasons); // [ 'failure-threshold', 'reset' ]
 */
export type TransitionReason =
  | 'failure-threshold' // closed -> open: failureThreshold consecutive failures
  | 'failure-rate' // closed -> open: the failure rate over the window reached failureRateThreshold
  | 'slow-call-rate' // closed -> open: the slow-call rate over the window reached slowCallRateThreshold
  | 'recovery-timeout' // open -> half-open: recoveryTimeout elapsed
  | 'probe-failure' // half-open -> open: a probe failed
  | 'slow-probe' // half-open -> open: a probe succeeded, but slower than slowCallDuration
  | 'probe-timeout' // half-open -> open: every probe slot stayed taken for recoveryTimeout without a result
  | 'probes-succeeded' // half-open -> closed: successThreshold probes succeeded
  | 'force-open'
  | 'force-close'
  | 'reset';

/**
 * StateChange is one transition: from, to, when it became due (epoch ms on the current clock), and why.
 *
 * @example
 * const breaker = new CircuitBreaker();
 * const stop = breaker.onStateChange((c: StateChange) => console.log(`${c.from} -> ${c.to} (${c.reason})`));
 * breaker.forceOpen(); // closed -> forced-open (force-open)
 * stop();
 */
export interface StateChange {
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly at: number;
  readonly reason: TransitionReason;
}

export class StateEvents {
  /** #listeners is replaced, never mutated, so that (un)subscribing during an emit does not disturb it. */
  #listeners: readonly ((c: StateChange) => void)[] = [];
  #subs: readonly Chan<StateChange>[] = [];

  /** on adds a listener and returns the function that removes it (idempotent). */
  on(fn: (c: StateChange) => void): () => void {
    func('CircuitBreaker.onStateChange', 'fn', fn);
    const box = (c: StateChange): void => fn(c); // a distinct identity, so one fn can subscribe twice
    this.#listeners = [...this.#listeners, box];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== box);
    };
  }

  /** channel adds a channel subscriber with a buffer of `size`, closed and removed when `cancel` fires. */
  channel(cancel: Cancel, size: number): RecvChan<StateChange> {
    positiveInt('CircuitBreaker.stateChanges', 'size', size);
    const ch = chan<StateChange>(size);
    const [ctx, release] = toContext(cancel);
    if (ctx.err() !== null) {
      release();
      ch.close();
      return ch;
    }
    this.#subs = [...this.#subs, ch];
    if (ctx.done() !== null) {
      afterFunc(ctx, () => {
        this.#subs = this.#subs.filter((c) => c !== ch);
        ch.close();
        release();
      });
    }
    return ch;
  }

  /** emit delivers `c` to every listener, then to every channel; it never blocks. */
  emit(c: StateChange): void {
    for (const l of this.#listeners) {
      try {
        l(c);
      } catch (e) {
        go(() => {
          throw e;
        });
      }
    }
    for (const ch of this.#subs) {
      if (!ch.trySend(c)) {
        ch.tryRecv(); // full: drop the oldest pending change
        ch.trySend(c);
      }
    }
  }
}

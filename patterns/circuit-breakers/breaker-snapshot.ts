/**
 * CircuitBreakerSnapshot is a breaker's state as JSON-safe data (CircuitBreaker.toJSON), from which a breaker can be
 * rebuilt in another process (CircuitBreaker.fromJSON or the `state` option): the point for serverless functions,
 * whose breakers would otherwise start closed on every cold start.
 *
 * Times are Unix ms on the clock that took the snapshot (virtual inside synctest). In-flight calls are
 * not part of it: a restored half-open breaker has all its probe slots free.
 *
 * parseSnapshot validates one: anything malformed is an InvalidArgumentError naming the field ("CircuitBreaker:
 * state.openedAt must be a finite number, got null").
 */
import { InvalidArgumentError } from '../../runtime/index.js';
import { nonNegativeInt, oneOf, positive, positiveInt, show } from '../core/option-checks.js';
import { isOutcomes } from './count-window.js';
import type { WindowSnapshot } from './breaker-window.js';
import type { CircuitState } from './state-events.js';

/**
 * CircuitBreakerSnapshot is a breaker's state as JSON-safe data (toJSON), from which CircuitBreaker.fromJSON or
 * the `state` option rebuilds it in another process: times are Unix ms; in-flight calls are not part of it.
 *
 * @example
 * await store.set('payments-breaker', JSON.stringify(breaker)); // a CircuitBreakerSnapshot
 * const again = CircuitBreaker.fromJSON(await store.get('payments-breaker'));
 */
export interface CircuitBreakerSnapshot {
  readonly version: 1;
  readonly state: CircuitState;
  /** openedAt is when the circuit opened (open and forced-open), else null. */
  readonly openedAt: number | null;
  readonly consecutiveFailures: number;
  /** window is the sliding window's content, or null. */
  readonly window: WindowSnapshot | null;
}

const OWNER = 'CircuitBreaker';
const STATES = ['closed', 'open', 'half-open', 'forced-open'] as const;

/** parseSnapshot validates a snapshot given as an object or as its JSON text. */
export function parseSnapshot(v: unknown): CircuitBreakerSnapshot {
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      bad('state', 'a snapshot or its JSON text', v);
    }
  }
  const s = record('state', v);
  if (s.version !== 1) bad('state.version', '1', s.version);
  const state = oneOf(OWNER, 'state.state', STATES, s.state);
  const opened = state === 'open' || state === 'forced-open';
  if (opened && (typeof s.openedAt !== 'number' || !Number.isFinite(s.openedAt))) {
    bad('state.openedAt', 'a finite number', s.openedAt);
  }
  return {
    version: 1,
    state,
    openedAt: opened ? (s.openedAt as number) : null,
    consecutiveFailures: nonNegativeInt(OWNER, 'state.consecutiveFailures', s.consecutiveFailures ?? 0),
    window: s.window === undefined || s.window === null ? null : parseWindow(s.window),
  };
}

function parseWindow(v: unknown): WindowSnapshot {
  const w = record('state.window', v);
  const kind = oneOf(OWNER, 'state.window.kind', ['count', 'time'] as const, w.kind);
  if (kind === 'count') {
    const size = positiveInt(OWNER, 'state.window.size', w.size);
    if (!isOutcomes(w.outcomes, size)) bad('state.window.outcomes', `a string of at most ${size} letters s, f, S, F`, w.outcomes);
    return { kind, size, outcomes: w.outcomes as string };
  }
  const duration = positive(OWNER, 'state.window.duration', w.duration);
  const buckets = positiveInt(OWNER, 'state.window.buckets', w.buckets);
  if (!Array.isArray(w.data)) bad('state.window.data', 'an array', w.data);
  const data = (w.data as unknown[]).map((b, i) => {
    const r = record(`state.window.data[${i}]`, b);
    if (typeof r.start !== 'number' || !Number.isFinite(r.start)) bad(`state.window.data[${i}].start`, 'a finite number', r.start);
    const calls = nonNegativeInt(OWNER, `state.window.data[${i}].calls`, r.calls);
    const failures = nonNegativeInt(OWNER, `state.window.data[${i}].failures`, r.failures);
    const slow = nonNegativeInt(OWNER, `state.window.data[${i}].slow`, r.slow);
    if (failures > calls || slow > calls) bad(`state.window.data[${i}]`, 'failures and slow <= calls', b);
    return { start: r.start as number, calls, failures, slow };
  });
  return { kind, duration, buckets, data };
}

function record(field: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(field, 'an object', v);
  return v as Record<string, unknown>;
}

function bad(field: string, want: string, v: unknown): never {
  throw new InvalidArgumentError(`${OWNER}: ${field} must be ${want}, got ${show(v)}`);
}

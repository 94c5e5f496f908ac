import { describe, expect, it } from 'vitest';
import { synctest, nowMillis, sleep } from '../../../runtime/index.js';
import { CircuitBreaker } from '../../../patterns/index.js';
import { boom, caught, ok, outcome, times } from './helpers.js';

describe('CircuitBreaker.toJSON / fromJSON', () => {
  it('round-trips a closed breaker with its failure count and window', async () => {
    const a = new CircuitBreaker({ failureThreshold: 3, windowSize: 5 });
    await a.call(ok);
    await times(2, () => a.call(boom));
    const json = JSON.stringify(a);
    expect(JSON.parse(json)).toEqual({
      version: 1,
      state: 'closed',
      openedAt: null,
      consecutiveFailures: 2,
      window: { kind: 'count', size: 5, outcomes: 'sff' },
    });
    const b = CircuitBreaker.fromJSON(json, { failureThreshold: 3, windowSize: 5 });
    expect(b.getMetrics()).toMatchObject({ consecutiveFailures: 2, windowCalls: 3, calls: 0 });
    await outcome(b.call(boom)); // the third consecutive failure
    expect(b.isOpen()).toBe(true);
  });

  it('restores an open breaker mid-timeout: it stays open until the original openedAt + recoveryTimeout', async () => {
    await synctest.run(async () => {
      const a = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 1000 });
      await outcome(a.call(boom));
      const t = nowMillis();
      await sleep(400);
      const snapshot = JSON.parse(JSON.stringify(a));
      expect(snapshot).toMatchObject({ state: 'open', openedAt: t });

      const b = CircuitBreaker.fromJSON(snapshot, { recoveryTimeout: 1000 });
      expect(b.getState()).toBe('open');
      expect(await caught(b.call(ok))).toMatchObject({ remainingMs: 600 });
      expect(b.getMetrics().openedAt).toBe(t);
      await sleep(599);
      expect(b.isOpen()).toBe(true);
      await sleep(1);
      expect(b.isHalfOpen()).toBe(true);
      expect(b.getMetrics().transitions).toEqual([{ from: 'open', to: 'half-open', at: t + 1000, reason: 'recovery-timeout' }]);
    });
  });

  it('restores through the state option too, and an expired open snapshot is half-open at the first read', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({
        recoveryTimeout: 100,
        state: { version: 1, state: 'open', openedAt: nowMillis() - 500, consecutiveFailures: 0, window: null },
      });
      expect(b.getState()).toBe('half-open');
      expect(await b.call(ok)).toBe('ok');
      expect(b.getState()).toBe('closed');
    });
  });

  it('clamps an openedAt from the future (a clock ahead) to now', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({
        recoveryTimeout: 100,
        state: { version: 1, state: 'open', openedAt: nowMillis() + 1e6, consecutiveFailures: 0, window: null },
      });
      expect(await caught(b.call(ok))).toMatchObject({ remainingMs: 100 });
    });
  });

  it('round-trips forced-open and half-open (with every probe slot free)', async () => {
    const a = new CircuitBreaker();
    a.forceOpen();
    const b = CircuitBreaker.fromJSON(JSON.stringify(a));
    expect(b.getState()).toBe('forced-open');
    expect(await outcome(b.call(ok))).toBe('ERR_CIRCUIT_OPEN');

    await synctest.run(async () => {
      const c = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 10 });
      await outcome(c.call(boom));
      await sleep(10);
      void c.call(() => sleep(1000)); // a probe in flight: not part of the snapshot
      const d = CircuitBreaker.fromJSON(c.toJSON(), { recoveryTimeout: 10 });
      expect(d.getState()).toBe('half-open');
      expect(await d.call(ok)).toBe('ok');
      expect(d.getState()).toBe('closed');
    });
  });

  it('round-trips a time window', async () => {
    await synctest.run(async () => {
      const config = { windowType: 'time', windowDuration: 1000, windowBuckets: 10 } as const;
      const a = new CircuitBreaker(config);
      await outcome(a.call(boom));
      await sleep(500);
      await a.call(ok);
      const b = CircuitBreaker.fromJSON(JSON.stringify(a), config);
      expect(b.getMetrics()).toMatchObject({ windowCalls: 2, failureRate: 0.5 });
      await sleep(500); // the first bucket expires in the restored window as it would have in the original
      expect(b.getMetrics()).toMatchObject({ windowCalls: 1, failureRate: 0 });
    });
  });

  it('starts with an empty window when the snapshot window has another shape', async () => {
    const a = new CircuitBreaker({ windowSize: 5 });
    await a.call(ok);
    const b = CircuitBreaker.fromJSON(a.toJSON(), { windowSize: 6 });
    expect(b.getMetrics().windowCalls).toBe(0);
    const c = CircuitBreaker.fromJSON(a.toJSON(), { windowType: 'time' });
    expect(c.getMetrics().windowCalls).toBe(0);
  });

  it('rejects a malformed snapshot with a named error', () => {
    const good = { version: 1, state: 'closed', openedAt: null, consecutiveFailures: 0, window: null };
    const cases: [unknown, string][] = [
      ['{not json', 'CircuitBreaker: state must be a snapshot or its JSON text, got "{not json"'],
      [5, 'CircuitBreaker: state must be an object, got 5'],
      [[], 'CircuitBreaker: state must be an object, got []'],
      [{ ...good, version: 2 }, 'CircuitBreaker: state.version must be 1, got 2'],
      [{ ...good, state: 'ajar' }, 'CircuitBreaker: state.state must be one of "closed", "open", "half-open", "forced-open", got "ajar"'],
      [{ ...good, state: 'open' }, 'CircuitBreaker: state.openedAt must be a finite number, got null'],
      [{ ...good, state: 'open', openedAt: Infinity }, 'CircuitBreaker: state.openedAt must be a finite number, got Infinity'],
      [{ ...good, consecutiveFailures: -1 }, 'CircuitBreaker: state.consecutiveFailures must be an integer >= 0, got -1'],
      [{ ...good, window: 'x' }, 'CircuitBreaker: state.window must be an object, got "x"'],
      [{ ...good, window: { kind: 'ring' } }, 'CircuitBreaker: state.window.kind must be one of "count", "time", got "ring"'],
      [{ ...good, window: { kind: 'count', size: 0 } }, 'CircuitBreaker: state.window.size must be an integer >= 1, got 0'],
      [
        { ...good, window: { kind: 'count', size: 2, outcomes: 'sss' } },
        'CircuitBreaker: state.window.outcomes must be a string of at most 2 letters s, f, S, F, got "sss"',
      ],
      [
        { ...good, window: { kind: 'count', size: 2, outcomes: 'x' } },
        'CircuitBreaker: state.window.outcomes must be a string of at most 2 letters s, f, S, F, got "x"',
      ],
      [
        { ...good, window: { kind: 'time', duration: -1, buckets: 1, data: [] } },
        'CircuitBreaker: state.window.duration must be a finite number > 0, got -1',
      ],
      [
        { ...good, window: { kind: 'time', duration: 1, buckets: 1, data: {} } },
        'CircuitBreaker: state.window.data must be an array, got {}',
      ],
      [
        { ...good, window: { kind: 'time', duration: 1, buckets: 1, data: [{ start: 'x' }] } },
        'CircuitBreaker: state.window.data[0].start must be a finite number, got "x"',
      ],
      [
        { ...good, window: { kind: 'time', duration: 1, buckets: 1, data: [{ start: 0, calls: 1.5 }] } },
        'CircuitBreaker: state.window.data[0].calls must be an integer >= 0, got 1.5',
      ],
      [
        { ...good, window: { kind: 'time', duration: 1, buckets: 1, data: [{ start: 0, calls: 1, failures: 2, slow: 0 }] } },
        'CircuitBreaker: state.window.data[0] must be failures and slow <= calls, got {"start":0,"calls":1,"failures":2,"slow":0}',
      ],
    ];
    for (const [state, message] of cases) {
      expect(() => CircuitBreaker.fromJSON(state as never), JSON.stringify(state)).toThrow(message);
    }
  });
});

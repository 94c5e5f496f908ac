import { describe, expect, it } from 'vitest';
import { synctest, nowMillis, sleep } from '../../../runtime/index.js';
import { CircuitBreaker } from '../../../patterns/index.js';
import { CountWindow } from '../../../patterns/circuit-breakers/count-window.js';
import { TimeWindow } from '../../../patterns/circuit-breakers/time-window.js';
import { boom, ok, outcome, slow, times } from './helpers.js';

describe('CircuitBreaker: rate policy, count window', () => {
  it('does not trip before minimumCalls, however many fail', async () => {
    const b = new CircuitBreaker({ tripPolicy: 'rate', windowSize: 10, minimumCalls: 4, failureRateThreshold: 0.5 });
    await times(3, () => b.call(boom));
    expect(b.isClosed()).toBe(true);
    await b.call(ok); // 3 of 4 failed: 0.75 >= 0.5
    expect(b.isOpen()).toBe(true);
    expect(b.getMetrics().transitions[0]!.reason).toBe('failure-rate');
  });

  it('records the instant a success tripped it (the rate was reached at minimumCalls)', async () => {
    await synctest.run(async () => {
      await sleep(123);
      const b = new CircuitBreaker({ tripPolicy: 'rate', windowSize: 4, minimumCalls: 2, failureRateThreshold: 0.5 });
      await outcome(b.call(boom));
      await b.call(ok);
      expect(b.getMetrics()).toMatchObject({ state: 'open', openedAt: nowMillis() });
      expect(b.getMetrics().transitions[0]!.at).toBe(nowMillis());
    });
  });

  it('trips at exactly the threshold, not below', async () => {
    const b = new CircuitBreaker({ tripPolicy: 'rate', windowSize: 10, minimumCalls: 10, failureRateThreshold: 0.3 });
    for (let i = 0; i < 8; i++) await b.call(ok);
    await times(2, () => b.call(boom)); // 2 of 10: 0.2
    expect(b.isClosed()).toBe(true);
    await outcome(b.call(boom)); // window: 7 ok + 3 failures = 0.3
    expect(b.isOpen()).toBe(true);
  });

  it('forgets calls that slide out of the last windowSize', async () => {
    const b = new CircuitBreaker({ tripPolicy: 'rate', windowSize: 4, minimumCalls: 4, failureRateThreshold: 0.75 });
    await times(2, () => b.call(boom));
    await b.call(ok);
    await b.call(ok); // [f f s s] 0.5
    await outcome(b.call(boom)); // [f s s f] 0.5
    await outcome(b.call(boom)); // [s s f f] 0.5
    expect(b.isClosed()).toBe(true);
    expect(b.getMetrics().failureRate).toBe(0.5);
    await outcome(b.call(boom)); // [s f f f] 0.75
    expect(b.isOpen()).toBe(true);
  });

  it('ignores consecutive failures under the rate policy', async () => {
    const b = new CircuitBreaker({ tripPolicy: 'rate', failureThreshold: 1, windowSize: 10, minimumCalls: 10 });
    await times(9, () => b.call(boom));
    expect(b.isClosed()).toBe(true);
    expect(b.getMetrics().consecutiveFailures).toBe(9);
  });

  it('defaults minimumCalls to min(10, windowSize)', async () => {
    const b = new CircuitBreaker({ tripPolicy: 'rate', windowSize: 3 });
    await times(2, () => b.call(boom));
    expect(b.isClosed()).toBe(true);
    await outcome(b.call(boom));
    expect(b.isOpen()).toBe(true);
  });

  it('starts each closed period with an empty window', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ tripPolicy: 'rate', windowSize: 4, minimumCalls: 2, recoveryTimeout: 100 });
      await times(2, () => b.call(boom));
      expect(b.isOpen()).toBe(true);
      await sleep(100);
      await b.call(ok); // probe closes
      expect(b.getMetrics().windowCalls).toBe(0);
      await outcome(b.call(boom));
      expect(b.isClosed()).toBe(true); // 1 call < minimumCalls
    });
  });
});

describe('CircuitBreaker: rate policy, time window', () => {
  it('expires a bucket exactly windowDuration after its start', async () => {
    await synctest.run(async () => {
      // The virtual clock starts at 2000-01-01T00:00:00Z, a multiple of the 100 ms bucket width.
      const t0 = nowMillis();
      expect(t0 % 100).toBe(0);
      const b = new CircuitBreaker({
        tripPolicy: 'rate',
        windowType: 'time',
        windowDuration: 1000,
        windowBuckets: 10,
        minimumCalls: 3,
        failureRateThreshold: 1,
      });
      await outcome(b.call(boom)); // bucket [t0, t0+100)
      await sleep(50);
      await outcome(b.call(boom)); // same bucket
      await sleep(949); // t0 + 999
      expect(b.getMetrics().windowCalls).toBe(2);
      await sleep(1); // t0 + 1000: the first bucket is gone, both calls with it
      expect(b.getMetrics().windowCalls).toBe(0);
      await outcome(b.call(boom));
      expect(b.isClosed()).toBe(true); // one failure in the window, not three
    });
  });

  it('trips on failures spread across buckets inside the window', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({
        tripPolicy: 'rate',
        windowType: 'time',
        windowDuration: 1000,
        windowBuckets: 10,
        minimumCalls: 4,
        failureRateThreshold: 0.5,
      });
      await b.call(ok);
      await sleep(300);
      await outcome(b.call(boom));
      await sleep(300);
      await b.call(ok);
      await sleep(300);
      expect(b.isClosed()).toBe(true);
      await outcome(b.call(boom)); // 2 of 4 within 900 ms
      expect(b.isOpen()).toBe(true);
    });
  });

  it('accepts a minimumCalls above any count (a time window has no size)', () => {
    expect(() => new CircuitBreaker({ windowType: 'time', windowSize: 5, minimumCalls: 50 })).not.toThrow();
  });
});

describe('CircuitBreaker: slow calls', () => {
  it('trips on the slow-call rate; a call of exactly slowCallDuration is not slow', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ slowCallDuration: 100, slowCallRateThreshold: 0.5, minimumCalls: 2, windowSize: 10 });
      await b.call(slow(100));
      await b.call(slow(100));
      expect(b.getMetrics()).toMatchObject({ slowCalls: 0, state: 'closed' });
      await b.call(slow(101)); // 1 of 3 slow
      expect(b.isClosed()).toBe(true);
      await b.call(slow(150)); // 2 of 4: 0.5
      expect(b.isOpen()).toBe(true);
      const m = b.getMetrics();
      expect(m).toMatchObject({ slowCalls: 2, slowCallRate: 0.5, failures: 0 });
      expect(m.transitions[0]!.reason).toBe('slow-call-rate');
    });
  });

  it('counts slow failures as both slow and failed', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ slowCallDuration: 10, failureThreshold: 10, minimumCalls: 5 });
      await outcome(b.call(slow(20, true)));
      expect(b.getMetrics()).toMatchObject({ slowCalls: 1, failures: 1, slowCallRate: 1, failureRate: 1 });
    });
  });

  it('does not track slow calls unless slowCallDuration is set', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ minimumCalls: 1 });
      await b.call(slow(1e6));
      expect(b.getMetrics()).toMatchObject({ slowCalls: 0, state: 'closed' });
    });
  });

  it('re-opens on a slow probe, even a successful one', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 100, slowCallDuration: 50 });
      await outcome(b.call(boom));
      await sleep(100);
      expect(await b.call(slow(60))).toBe('ok');
      expect(b.getState()).toBe('open');
      expect(b.getMetrics().transitions.at(-1)!.reason).toBe('slow-probe');
    });
  });
});

describe('CountWindow', () => {
  it('keeps the totals of the last size calls', () => {
    const w = new CountWindow(3);
    w.record(true, false, 0);
    w.record(false, true, 0);
    expect([w.calls, w.failures, w.slow]).toEqual([2, 1, 1]);
    w.record(true, true, 0);
    w.record(false, false, 0); // evicts the first failure
    expect([w.calls, w.failures, w.slow]).toEqual([3, 1, 2]);
    expect(w.snapshot()).toEqual({ kind: 'count', size: 3, outcomes: 'SFs' });
    w.clear();
    expect([w.calls, w.failures, w.slow]).toEqual([0, 0, 0]);
  });

  it('restores a snapshot of its own shape only', () => {
    const w = new CountWindow(3);
    expect(w.restore({ kind: 'count', size: 3, outcomes: 'fsF' })).toBe(true);
    expect([w.calls, w.failures, w.slow]).toEqual([3, 2, 1]);
    w.record(false, false, 0);
    expect(w.snapshot().outcomes).toBe('sFs');
    expect(w.restore({ kind: 'count', size: 4, outcomes: 'ffff' })).toBe(false);
    expect(w.calls).toBe(0);
  });
});

describe('TimeWindow', () => {
  it('drops whole buckets as time passes, and everything after a long gap', () => {
    const w = new TimeWindow(1000, 4); // 250 ms buckets
    w.record(true, false, 0);
    w.record(false, true, 260);
    w.record(false, false, 510);
    w.advance(999);
    expect(w.calls).toBe(3);
    w.advance(1000); // bucket 0 expires
    expect([w.calls, w.failures, w.slow]).toEqual([2, 0, 1]);
    w.advance(1250); // bucket 1 expires
    expect([w.calls, w.slow]).toEqual([1, 0]);
    w.advance(1e9);
    expect(w.calls).toBe(0);
  });

  it('snapshots the live buckets and restores them into a window of the same shape', () => {
    const w = new TimeWindow(1000, 4);
    w.record(true, false, 0);
    w.record(false, true, 600);
    const s = w.snapshot();
    expect(s.data).toEqual([
      { start: 0, calls: 1, failures: 1, slow: 0 },
      { start: 500, calls: 1, failures: 0, slow: 1 },
    ]);
    const r = new TimeWindow(1000, 4);
    expect(r.restore(s)).toBe(true);
    expect([r.calls, r.failures, r.slow]).toEqual([2, 1, 1]);
    r.advance(1000);
    expect(r.calls).toBe(1);
    expect(new TimeWindow(1000, 5).restore(s)).toBe(false);
    expect(new TimeWindow(1000, 4).restore({ kind: 'count', size: 4, outcomes: '' })).toBe(false);
  });

  it('drops restored buckets older than the window of the newest one', () => {
    const r = new TimeWindow(1000, 4);
    r.restore({
      kind: 'time',
      duration: 1000,
      buckets: 4,
      data: [
        { start: 5000, calls: 2, failures: 1, slow: 0 },
        { start: 0, calls: 9, failures: 9, slow: 9 },
      ],
    });
    expect([r.calls, r.failures]).toEqual([2, 1]);
  });
});

/**
 * Exact time: clocks count whole nanoseconds, so virtual time moves by exactly what is slept (however odd), every
 * sleep(d > 0) moves time forward by at least d, and a bubble stepping through tiny timers never starves Node's own
 * timers.
 */
import { describe, expect, it } from 'vitest';
import {
  background,
  Hour,
  Microsecond,
  Millisecond,
  Nanosecond,
  nanotime,
  newTicker,
  newTimer,
  now,
  nowMillis,
  recvCase,
  select,
  since,
  sleep,
  synctest,
  withDeadline,
  withTimeout,
} from '../../../runtime/index.js';
import { rng } from '../../prng.js';

const EPOCH = Date.UTC(2000, 0, 1);

describe('virtual time is exact', () => {
  it('starts at nanotime 0, 2000-01-01T00:00:00Z', () =>
    synctest.run(() => {
      expect(nanotime()).toBe(0);
      expect(nowMillis()).toBe(EPOCH);
      expect(now().toISOString()).toBe('2000-01-01T00:00:00.000Z');
    }));

  it('moves by exactly the durations slept, to the nanosecond', () =>
    synctest.run(async () => {
      for (let i = 0; i < 10; i++) await sleep(0.1);
      expect(nanotime()).toBe(1_000_000);
      expect(nowMillis()).toBe(EPOCH + 1);
      await sleep(1000 / 11);
      expect(nanotime()).toBe(91_909_091);
      await sleep(3.3e-5); // 33 ns: lost entirely when time was a float of Unix ms (its step there is ~122 ns)
      expect(nanotime()).toBe(91_909_124);
      await sleep(Nanosecond / 10); // a positive duration is at least 1 ns
      expect(nanotime()).toBe(91_909_125);
      await sleep(Hour - 91.909125);
      expect(nanotime()).toBe(3_600_000_000_000);
      expect(since(EPOCH)).toBe(Hour);
    }));

  it('sums a seeded random run of odd sleeps exactly', () =>
    synctest.run(async () => {
      const r = rng(20240611);
      let want = 0;
      for (let i = 0; i < 500; i++) {
        const ns = 1 + Math.floor(r() * (r() < 0.5 ? 1000 : 5e9));
        want += ns;
        const t0 = nanotime();
        await sleep(ns / 1e6);
        expect(nanotime() - t0).toBe(ns);
      }
      expect(nanotime()).toBe(want);
    }));

  it('parks a fresh timer of 1 ns instead of finding it due at once', () =>
    synctest.run(async () => {
      await sleep(1000 / 11); // an instant that a float of Unix ms could not hold exactly
      const t = newTimer(Nanosecond);
      expect(select([recvCase(t.c, () => 'fired')], () => 'default')).toBe('default');
      const t0 = nanotime();
      await t.c.recv();
      expect(nanotime() - t0).toBe(1);
    }));

  it('runs a ticker with an odd period exactly, period after period', () =>
    synctest.run(async () => {
      const t = newTicker(1000 / 3); // 333333333 ns
      for (let k = 1; k <= 9; k++) {
        const v = await t.c.recv();
        expect(nanotime()).toBe(k * 333_333_333);
        expect(v!.getTime()).toBe(Math.floor(EPOCH + (k * 333_333_333) / 1e6));
      }
      t.stop();
    }));

  it('expires withTimeout and withDeadline at the exact nanosecond', () =>
    synctest.run(async () => {
      await sleep(7 * Microsecond);
      const [a, cancelA] = withTimeout(background(), 2.5 * Microsecond);
      const [b, cancelB] = withDeadline(background(), EPOCH + 3);
      await select([recvCase(a.done())]);
      expect(nanotime()).toBe(9_500);
      await select([recvCase(b.done())]);
      expect(nanotime()).toBe(3_000_000);
      cancelA();
      cancelB();
    }));

  it('gives a child the earlier of its own sub-millisecond deadline and its parent', () =>
    synctest.run(async () => {
      const [parent, cancelP] = withTimeout(background(), 10.7 * Millisecond);
      const [child, cancelC] = withTimeout(parent, 10.5 * Millisecond); // same whole ms as the parent, earlier
      await select([recvCase(child.done())]);
      expect(nanotime()).toBe(10_500_000);
      expect(parent.err()).toBe(null);
      cancelC();
      cancelP();
    }));
});

describe('virtual time does not starve Node', () => {
  it("keeps Node's setImmediate and setTimeout firing while a bubble steps through 1 ns timers", async () => {
    let immediate = false;
    let timeout = false;
    setImmediate(() => (immediate = true));
    setTimeout(() => (timeout = true), 1);
    let steps = 0;
    await synctest.run(async () => {
      // Bounded, so that a runtime that never yields fails this test instead of hanging it.
      for (; steps < 200_000 && !(immediate && timeout); steps++) await newTimer(Nanosecond).c.recv();
    });
    expect({ immediate, timeout }).toEqual({ immediate: true, timeout: true });
  });
});

describe('the real clock', () => {
  it('never returns from sleep(d) before d has passed', async () => {
    for (const d of [Nanosecond, 0.3, 1, 1.7, 2.2]) {
      const t0 = nanotime();
      await sleep(d);
      expect(nanotime() - t0).toBeGreaterThanOrEqual(Math.round(d * 1e6));
    }
  });

  it('reads nanotime in whole nanoseconds, never going back', () => {
    let last = nanotime();
    for (let i = 0; i < 1000; i++) {
      const t = nanotime();
      expect(Number.isInteger(t)).toBe(true);
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
  });
});

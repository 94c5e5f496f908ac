/**
 * The limiters on exact virtual time. The token bucket grants at the exact nanosecond its tokens are there, for
 * rates that do not divide the interval (9, 11 and 17 per second froze Node before time was counted in whole ns) and
 * for a seeded random schedule checked against an exact model in BigInt arithmetic; the sliding window admits at the
 * first nanosecond an admission has left it; the leaky bucket leaks one spacing (rounded up to the ns) apart.
 */
import { describe, expect, it } from 'vitest';
import { go, synctest, nanotime, sleep } from '../../../runtime/index.js';
import { LeakyBucketRateLimiter, SlidingWindowRateLimiter, TokenBucketRateLimiter } from '../../../patterns/index.js';
import { rng } from '../../prng.js';

/** ceilDiv is ceil(a / b) for b > 0 and a >= 0. */
const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

interface Schedule {
  capacity: number;
  /** rate is quarters / 4 tokens per interval: integers and binary fractions are exact in a double. */
  quarters: number;
  intervalMs: number;
  /** requests: when each acquire is called (ns, non-decreasing) and for how many tokens. */
  requests: { at: number; n: number }[];
}

/**
 * model is the bucket in exact arithmetic: it starts full at 0 and fills continuously at rate per interval up to the
 * capacity; requests are served in call order, each at the first whole nanosecond (not before it is made, nor before
 * the one ahead) at which the bucket holds its n tokens. Credits are tokens * 4 * interval_ns, so the fill is
 * `quarters` credits per ns.
 */
function model(s: Schedule): number[] {
  const unit = 4n * BigInt(s.intervalMs) * 1_000_000n;
  const full = BigInt(s.capacity) * unit;
  const rate = BigInt(s.quarters);
  let credit = full;
  let t = 0n;
  const grants: number[] = [];
  for (const { at, n } of s.requests) {
    const start = max(BigInt(at), t);
    const c = min(full, credit + (start - t) * rate);
    const cost = BigInt(n) * unit;
    const g = c >= cost ? start : start + ceilDiv(cost - c, rate);
    credit = min(full, c + (g - start) * rate) - cost;
    t = g;
    grants.push(Number(g));
  }
  return grants;
}

/** run plays a schedule on the limiter inside a bubble and returns the nanotime of each grant. */
async function run(s: Schedule): Promise<number[]> {
  const grants: number[] = new Array<number>(s.requests.length).fill(-1);
  await synctest.run(async () => {
    const l = new TokenBucketRateLimiter({
      capacity: s.capacity,
      refillRate: s.quarters / 4,
      refillInterval: s.intervalMs,
    });
    for (const [i, { at, n }] of s.requests.entries()) {
      if (at > nanotime()) await sleep((at - nanotime()) / 1e6);
      expect(nanotime()).toBe(at);
      go(async () => {
        await l.acquire(n);
        grants[i] = nanotime();
      });
    }
  });
  return grants;
}

describe('TokenBucketRateLimiter on exact virtual time', () => {
  for (const rate of [9, 11, 17, 3, 7, 13]) {
    it(`grants ${rate} per second from a bucket of 1 every ceil(1e9 / ${rate}) ns`, async () => {
      // The bucket is full again at the grant (capacity 1): what flowed in during the last fraction of a ns is lost.
      const s: Schedule = {
        capacity: 1,
        quarters: 4 * rate,
        intervalMs: 1000,
        requests: Array.from({ length: 2 * rate + 2 }, () => ({ at: 0, n: 1 })),
      };
      const want = s.requests.map((_, k) => k * Math.ceil(1e9 / rate));
      expect(model(s)).toEqual(want);
      expect(await run(s)).toEqual(want);
    });

    it(`grants ${rate} per second from a bucket of 3, after its burst, at ceil(k * 1e9 / ${rate}) ns`, async () => {
      // The bucket never fills up again while the line waits: nothing is lost, the k-th token is there at k / rate s.
      const s: Schedule = {
        capacity: 3,
        quarters: 4 * rate,
        intervalMs: 1000,
        requests: Array.from({ length: 2 * rate + 4 }, () => ({ at: 0, n: 1 })),
      };
      const want = s.requests.map((_, j) => (j < 3 ? 0 : Math.ceil(((j - 2) * 1e9) / rate)));
      expect(model(s)).toEqual(want);
      expect(await run(s)).toEqual(want);
    });
  }

  it('grants the second acquire of 11 per second after 1000/11 ms, and the test finishes', async () => {
    await synctest.run(async () => {
      const l = new TokenBucketRateLimiter({ capacity: 1, refillRate: 11, refillInterval: 1000 });
      await l.acquire(1);
      await l.acquire(1);
      expect(nanotime()).toBe(90_909_091);
      await sleep(90.909090);
      expect(l.tryAcquire()).toBe(false);
      await sleep(1e-6);
      expect(l.tryAcquire()).toBe(true);
    });
  });

  it('matches the exact model on seeded random schedules of rates, intervals, sizes and arrivals', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed);
      const capacity = 1 + Math.floor(r() * 8);
      const quarters = r() < 0.5 ? 4 * (1 + Math.floor(r() * 40)) : 1 + Math.floor(r() * 160);
      const intervalMs = [1, 7, 10, 100, 333, 1000, 1500, 2999][Math.floor(r() * 8)]!;
      const requests: { at: number; n: number }[] = [];
      let at = 0;
      for (let i = 0; i < 25; i++) {
        const gap = r();
        // Bursts (same instant), short gaps, gaps of about one token, and idle periods that refill the bucket.
        if (gap < 0.3) at += 0;
        else if (gap < 0.6) at += 1 + Math.floor(r() * 1000);
        else if (gap < 0.9) at += Math.floor((r() * 2 * intervalMs * 1e6 * 4) / quarters);
        else at += Math.floor(r() * 10 * intervalMs * 1e6);
        requests.push({ at, n: 1 + Math.floor(r() * capacity) });
      }
      const s: Schedule = { capacity, quarters, intervalMs, requests };
      expect({ seed, grants: await run(s) }).toEqual({ seed, grants: model(s) });
    }
  });
});

describe('SlidingWindowRateLimiter and LeakyBucketRateLimiter on exact virtual time', () => {
  it('admits a waiter at the first nanosecond an admission has left a window of 1000/3 ms', () =>
    synctest.run(async () => {
      const l = new SlidingWindowRateLimiter({ windowSize: 1000 / 3, maxRequests: 2 });
      await sleep(1000 / 11); // 90909091 ns
      expect(l.tryRequest()).toBe(true);
      await sleep(3.3e-5); // 90909124 ns
      expect(l.tryRequest()).toBe(true);
      await l.request(); // the first admission leaves at 90909091 + 333333333.3.. ns
      expect(nanotime()).toBe(424_242_425);
      await l.request();
      expect(nanotime()).toBe(424_242_458);
      expect(l.tryRequest()).toBe(false);
      await sleep(333.3333); // 757575758 ns: the admission of 424242425 is 333333333 ns old, not yet 1000/3 ms
      expect(l.tryRequest()).toBe(false);
      await sleep(1e-6);
      expect(l.tryRequest()).toBe(true);
    }));

  it('leaks 11 items a second 90909091 ns apart', () =>
    synctest.run(async () => {
      const b = new LeakyBucketRateLimiter<number>({ capacity: 10, leakRate: 11, leakInterval: 1000 });
      for (let i = 0; i < 5; i++) expect(b.tryEnqueue(i)).toBe(true);
      b.close();
      const times: number[] = [];
      for await (const _ of b.output) times.push(nanotime());
      expect(times).toEqual([0, 1, 2, 3, 4].map((k) => k * 90_909_091));
    }));
});


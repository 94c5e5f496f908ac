import { describe, expect, it } from 'vitest';
import {
  background,
  withCancel,
  isCanceled,
  isDeadlineExceeded,
  withTimeout,
  InvalidArgumentError,
  go,
  synctest,
  Nanosecond,
  sleep,
} from '../../../runtime/index.js';
import { TokenBucketRateLimiter, type TokenBucketConfig } from '../../../patterns/index.js';
import { pick, stopwatch, track } from './helpers.js';
import { expectRejection } from '../../rejection.js';
import { rng } from '../../prng.js';

const tb = (c: Partial<TokenBucketConfig> = {}): TokenBucketRateLimiter =>
  new TokenBucketRateLimiter({ capacity: 3, refillRate: 10, refillInterval: 1000, ...c });

describe('TokenBucketRateLimiter: tryAcquire', () => {
  it('admits 2, rejects 2, admits 1, rejects 1 from a full bucket of 3 at its start', () =>
    synctest.run(() => {
      const l = tb();
      expect([l.tryAcquire(2), l.tryAcquire(2), l.tryAcquire(1), l.tryAcquire(1)]).toEqual([true, false, true, false]);
    }));

  it('starts full and refills continuously, up to the capacity', () =>
    synctest.run(async () => {
      const l = tb();
      expect(l.getAvailableTokens()).toBe(3);
      expect(l.tryAcquire(3)).toBe(true);
      expect(l.getAvailableTokens()).toBe(0);
      await sleep(50);
      expect(l.getAvailableTokens()).toBe(0.5);
      expect(l.tryAcquire()).toBe(false);
      await sleep(50);
      expect(l.tryAcquire()).toBe(true);
      await sleep(10_000);
      expect(l.getAvailableTokens()).toBe(3);
    }));

  it('defaults n to 1 and refillInterval to 1000 ms', () =>
    synctest.run(async () => {
      const l = new TokenBucketRateLimiter({ capacity: 1, refillRate: 4 });
      expect(l.tryAcquire()).toBe(true);
      expect(l.getRefillTime()).toBe(250);
    }));

  it('always grants n = 0, even to an empty bucket', () =>
    synctest.run(() => {
      const l = tb();
      l.tryAcquire(3);
      expect(l.tryAcquire(0)).toBe(true);
      expect(l.getAvailableTokens()).toBe(0);
    }));

  it('takes fractional tokens', () =>
    synctest.run(() => {
      const l = tb();
      expect(l.tryAcquire(2.5)).toBe(true);
      expect(l.tryAcquire(0.5)).toBe(true);
      expect(l.tryAcquire(0.5)).toBe(false);
    }));

  it('does not credit refill wasted while the bucket was full to draws made after an idle period', () =>
    synctest.run(async () => {
      // The bucket is full from t=0; a stale-count draw at t=1000 must be dated t=1000, not t=0, or the second's
      // refill would be credited after it and four tokens would pass in one instant.
      const l = tb();
      await sleep(1000);
      expect([l.tryAcquire(1), l.tryAcquire(2), l.tryAcquire(1)]).toEqual([true, true, false]);
      await sleep(0);
      expect(l.tryAcquire(1)).toBe(false);
    }));

  it('fails while acquirers wait, even if the bucket holds enough for the newcomer', () =>
    synctest.run(async () => {
      const l = tb();
      l.tryAcquire(3);
      const big = l.acquire(3);
      await sleep(150); // 1.5 tokens: enough for 1, not for the waiter's 3
      expect(l.getAvailableTokens()).toBe(1.5);
      expect(l.tryAcquire(1)).toBe(false);
      await big;
    }));

  it('throws InvalidArgumentError for n above the capacity or not a finite number >= 0', () =>
    synctest.run(() => {
      const l = tb();
      expect(() => l.tryAcquire(4)).toThrow(InvalidArgumentError);
      expect(() => l.tryAcquire(4)).toThrow('TokenBucketRateLimiter.tryAcquire: n must be at most the capacity (3), got 4');
      expect(() => l.tryAcquire(-1)).toThrow('TokenBucketRateLimiter.tryAcquire: n must be a finite number >= 0, got -1');
      expect(() => l.tryAcquire(Number.NaN)).toThrow('got NaN');
      expect(() => l.tryAcquire(Infinity)).toThrow('got Infinity');
      expect(() => l.tryAcquire('1' as unknown as number)).toThrow('got "1"');
      expect(l.getAvailableTokens()).toBe(3);
    }));
});

describe('TokenBucketRateLimiter: tryAcquireBatch', () => {
  it('tries each request in order at one instant', () =>
    synctest.run(() => {
      expect(tb().tryAcquireBatch([2, 2, 1, 1])).toEqual([true, false, true, false]);
      expect(tb().tryAcquireBatch([])).toEqual([]);
    }));

  it('checks every request before taking any', () =>
    synctest.run(() => {
      const l = tb();
      expect(() => l.tryAcquireBatch([1, 5])).toThrow(
        'TokenBucketRateLimiter.tryAcquireBatch: ns[1] must be at most the capacity (3), got 5',
      );
      expect(() => l.tryAcquireBatch('12' as unknown as number[])).toThrow('ns must be an array, got "12"');
      expect(l.getAvailableTokens()).toBe(3);
    }));
});

describe('TokenBucketRateLimiter: getRefillTime', () => {
  it('is the exact wait until n tokens', () =>
    synctest.run(async () => {
      const l = tb();
      expect(l.getRefillTime()).toBe(0);
      expect(l.getRefillTime(3)).toBe(0);
      l.tryAcquire(3);
      expect(l.getRefillTime()).toBe(100);
      expect(l.getRefillTime(2)).toBe(200);
      expect(l.getRefillTime(3)).toBe(300);
      await sleep(30);
      expect(l.getRefillTime()).toBe(70);
      await sleep(70);
      expect(l.getRefillTime()).toBe(0);
      expect(l.tryAcquire()).toBe(true);
    }));

  it('counts the tokens that waiting acquirers will take first, and is then met exactly', () =>
    synctest.run(async () => {
      const l = tb();
      const clock = stopwatch();
      l.tryAcquire(3);
      void l.acquire(2);
      void l.acquire(1);
      expect(l.getRefillTime(2)).toBe(500);
      await sleep(500);
      expect(clock()).toBe(500);
      expect(l.tryAcquire(2)).toBe(true);
    }));

  it('works for odd rates without float noise, rounded up to the nanosecond and then met exactly', () =>
    synctest.run(async () => {
      const l = new TokenBucketRateLimiter({ capacity: 7, refillRate: 3, refillInterval: 700 });
      l.tryAcquire(7);
      expect(l.getRefillTime(7)).toBe(1633.333334);
      await sleep(700);
      expect(l.getAvailableTokens()).toBe(3);
      expect(l.getRefillTime(4)).toBe(233.333334);
      await sleep(233.333333);
      expect(l.tryAcquire(4)).toBe(false);
      await sleep(Nanosecond);
      expect(l.tryAcquire(4)).toBe(true);
    }));

  it('rejects n above the capacity', () =>
    synctest.run(() => {
      expect(() => tb().getRefillTime(4)).toThrow('TokenBucketRateLimiter.getRefillTime: n must be at most the capacity (3), got 4');
    }));
});

describe('TokenBucketRateLimiter: acquire', () => {
  it('resolves at once when tokens are free', () =>
    synctest.run(async () => {
      const l = tb();
      const clock = stopwatch();
      await l.acquire(3);
      expect(clock()).toBe(0);
      expect(l.getAvailableTokens()).toBe(0);
    }));

  it('waits exactly until the tokens are there', () =>
    synctest.run(async () => {
      const l = tb();
      const clock = stopwatch();
      l.tryAcquire(3);
      await l.acquire(2);
      expect(clock()).toBe(200);
      await l.acquire(3);
      expect(clock()).toBe(500);
    }));

  it('serves waiters FIFO: a later small request never overtakes an earlier big one', () =>
    synctest.run(async () => {
      const l = tb();
      const clock = stopwatch();
      l.tryAcquire(3);
      const log: string[] = [];
      go(async () => {
        await l.acquire(3);
        log.push(`3 at ${clock()}`);
      });
      go(async () => {
        await l.acquire(1);
        log.push(`1 at ${clock()}`);
      });
      go(async () => {
        await l.acquire(2);
        log.push(`2 at ${clock()}`);
      });
      await sleep(10_000);
      expect(log).toEqual(['3 at 300', '1 at 400', '2 at 600']);
    }));

  it('lets a canceled waiter take nothing and frees its place for those behind', () =>
    synctest.run(async () => {
      const l = tb();
      const clock = stopwatch();
      l.tryAcquire(3);
      const [ctx, cancel] = withCancel(background());
      const big = track(l.acquire(3, ctx));
      const log: number[] = [];
      go(async () => {
        await l.acquire(1);
        log.push(clock());
      });
      await sleep(50);
      cancel();
      await sleep(1);
      expect(big.state()).toBe('ERR_CONTEXT_CANCELED');
      await sleep(1000);
      expect(log).toEqual([100]);
      expect(l.getAvailableTokens()).toBe(3);
    }));

  it('lets a canceled waiter in the middle of the line leave without holding up the others', () =>
    synctest.run(async () => {
      const l = tb();
      const clock = stopwatch();
      l.tryAcquire(3);
      const log: string[] = [];
      const ac = new AbortController();
      go(async () => {
        await l.acquire(1);
        log.push(`a ${clock()}`);
      });
      const b = track(l.acquire(3, ac.signal));
      go(async () => {
        await l.acquire(1);
        log.push(`c ${clock()}`);
      });
      await sleep(50);
      ac.abort(new Error('client went away'));
      await sleep(1000);
      expect(b.state()).toBe('Error: client went away');
      expect(log).toEqual(['a 100', 'c 200']);
    }));

  it('rejects with DeadlineExceeded when a timeout context expires first', () =>
    synctest.run(async () => {
      const l = tb();
      l.tryAcquire(3);
      const [ctx, cancel] = withTimeout(background(), 150);
      const clock = stopwatch();
      const e = await l.acquire(2, ctx).catch((err: unknown) => err);
      cancel();
      expect(isDeadlineExceeded(e)).toBe(true);
      expect(clock()).toBe(150);
      expect(l.getAvailableTokens()).toBe(1.5);
    }));

  it('rejects at once with an already-canceled cancel, even with tokens free', () =>
    synctest.run(async () => {
      const l = tb();
      const ac = new AbortController();
      ac.abort('no');
      await expect(l.acquire(1, ac.signal)).rejects.toBe('no');
      const [ctx, cancel] = withCancel(background());
      cancel();
      const e = await l.acquire(1, ctx).catch((err: unknown) => err);
      expect(isCanceled(e)).toBe(true);
      expect(l.getAvailableTokens()).toBe(3);
    }));

  it('rejects (never throws) with InvalidArgumentError for n above the capacity or a bad cancel, taking nothing', () =>
    synctest.run(async () => {
      const l = tb();
      await expectRejection(
        () => l.acquire(4),
        InvalidArgumentError,
        'TokenBucketRateLimiter.acquire: n must be at most the capacity (3), got 4',
      );
      await expectRejection(
        () => l.acquire(1, {} as AbortSignal),
        InvalidArgumentError,
        'TokenBucketRateLimiter.acquire: cancel must be a Context, an AbortSignal or undefined, got {}',
      );
      expect(l.getAvailableTokens()).toBe(3);
    }));

  it('resolves n = 0 at once, even while others wait', () =>
    synctest.run(async () => {
      const l = tb();
      l.tryAcquire(3);
      const waiting = l.acquire(3);
      const clock = stopwatch();
      await l.acquire(0);
      expect(clock()).toBe(0);
      await waiting;
    }));
});

describe('TokenBucketRateLimiter: enableBurst and reset', () => {
  it('holds at most one interval of refill with enableBurst false', () =>
    synctest.run(async () => {
      const l = new TokenBucketRateLimiter({ capacity: 100, refillRate: 10, enableBurst: false });
      expect(l.getCapacity()).toBe(10);
      expect(l.getAvailableTokens()).toBe(10);
      expect(l.tryAcquire(10)).toBe(true);
      await sleep(60_000);
      expect(l.getAvailableTokens()).toBe(10);
      expect(() => l.tryAcquire(11)).toThrow('must be at most the capacity (10), got 11');
    }));

  it('keeps at least one token with enableBurst false and a rate below 1 per interval', () =>
    synctest.run(() => {
      const l = new TokenBucketRateLimiter({ capacity: 5, refillRate: 0.5, enableBurst: false });
      expect(l.getCapacity()).toBe(1);
      expect(new TokenBucketRateLimiter({ capacity: 5, refillRate: 50 }).getCapacity()).toBe(5);
    }));

  it('reset fills the bucket and serves the waiters from it in order', () =>
    synctest.run(async () => {
      const l = tb();
      const clock = stopwatch();
      l.tryAcquire(3);
      const log: string[] = [];
      go(async () => {
        await l.acquire(2);
        log.push(`2 at ${clock()}`);
      });
      go(async () => {
        await l.acquire(2);
        log.push(`2' at ${clock()}`);
      });
      await sleep(10);
      l.reset();
      await sleep(1);
      expect(log).toEqual(['2 at 10']);
      await sleep(1000);
      expect(log).toEqual(['2 at 10', "2' at 110"]);
    }));
});

describe('TokenBucketRateLimiter: properties', () => {
  /** RefModel is an exact token bucket in integer units of 1/interval token, reading the time at every call. */
  class RefModel {
    #units: number;
    #last: number;
    constructor(
      readonly cap: number,
      readonly rate: number,
      readonly interval: number,
      t: number,
    ) {
      this.#units = cap * interval;
      this.#last = t;
    }
    try(n: number, t: number): boolean {
      this.#units = Math.min(this.cap * this.interval, this.#units + (t - this.#last) * this.rate);
      this.#last = t;
      if (n * this.interval > this.#units) return false;
      this.#units -= n * this.interval;
      return true;
    }
  }

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`never admits more than capacity in an instant, nor more than capacity + rate * span over any span (seed ${seed})`, () =>
      synctest.run(async () => {
        const r = rng(seed);
        const cap = pick(r, [1, 3, 10]);
        const rate = pick(r, [1, 7, 10, 30]);
        const interval = pick(r, [100, 1000]);
        const l = new TokenBucketRateLimiter({ capacity: cap, refillRate: rate, refillInterval: interval });
        const clock = stopwatch();
        const ref = new RefModel(cap, rate, interval, 0);
        const admitted: [t: number, n: number][] = [];
        for (let i = 0; i < 600; i++) {
          if (r() < 0.4) await sleep(pick(r, [0, 1, 3, 7, 10, 33, 100, 101, 250, 1000]));
          const n = Math.floor(r() * (cap + 1));
          const got = l.tryAcquire(n);
          expect(got, `request ${i}: ${n} at ${clock()}`).toBe(ref.try(n, clock()));
          if (got && n > 0) admitted.push([clock(), n]);
        }
        const perInstant = new Map<number, number>();
        for (const [t, n] of admitted) perInstant.set(t, (perInstant.get(t) ?? 0) + n);
        for (const total of perInstant.values()) expect(total).toBeLessThanOrEqual(cap);
        for (let i = 0; i < admitted.length; i++) {
          let sum = 0;
          for (let j = i; j < admitted.length; j++) {
            sum += admitted[j]![1];
            expect(sum).toBeLessThanOrEqual(cap + ((admitted[j]![0] - admitted[i]![0]) * rate) / interval + 1e-9);
          }
        }
      }));
  }

  it('admits 600 or 601 of a request every 2 ms for 5 s at limit = capacity = 100/s', () =>
    synctest.run(async () => {
      const l = new TokenBucketRateLimiter({ capacity: 100, refillRate: 100, refillInterval: 1000 });
      const clock = stopwatch();
      let admitted = 0;
      for (;;) {
        if (l.tryAcquire()) admitted++;
        if (clock() >= 5000) break;
        await sleep(2);
      }
      expect(admitted).toBeGreaterThanOrEqual(599.4);
      expect(admitted).toBeLessThanOrEqual(601);
      expect(admitted).toBe(600);
    }));

  it('serves concurrent acquirers in call order, within the rate', () =>
    synctest.run(async () => {
      const r = rng(42);
      const l = new TokenBucketRateLimiter({ capacity: 5, refillRate: 20, refillInterval: 1000 });
      const clock = stopwatch();
      const served: [i: number, t: number, n: number][] = [];
      let started = 0;
      for (let i = 0; i < 60; i++) {
        const n = 1 + Math.floor(r() * 5);
        const idx = started++;
        go(async () => {
          await l.acquire(n);
          served.push([idx, clock(), n]);
        });
        if (r() < 0.3) await sleep(pick(r, [1, 10, 50, 200]));
      }
      await sleep(60_000);
      expect(served.map(([i]) => i)).toEqual([...Array(60).keys()]);
      for (let i = 0; i < served.length; i++) {
        let sum = 0;
        for (let j = i; j < served.length; j++) {
          sum += served[j]![2];
          expect(sum).toBeLessThanOrEqual(5 + ((served[j]![1] - served[i]![1]) * 20) / 1000 + 1e-9);
        }
      }
    }));
});

describe('TokenBucketRateLimiter: config', () => {
  const bad: [Partial<TokenBucketConfig> | unknown, string][] = [
    [{ capacity: 0 }, 'TokenBucketRateLimiter: capacity must be an integer >= 1, got 0'],
    [{ capacity: -1 }, 'capacity must be an integer >= 1, got -1'],
    [{ capacity: 1.5 }, 'capacity must be an integer >= 1, got 1.5'],
    [{ capacity: Number.NaN }, 'capacity must be an integer >= 1, got NaN'],
    [{ capacity: Infinity }, 'capacity must be an integer >= 1, got Infinity'],
    [{ capacity: '3' }, 'capacity must be an integer >= 1, got "3"'],
    [{ capacity: undefined }, 'capacity must be an integer >= 1, got undefined'],
    [{ refillRate: 0 }, 'TokenBucketRateLimiter: refillRate must be a finite number > 0, got 0'],
    [{ refillRate: -2 }, 'refillRate must be a finite number > 0, got -2'],
    [{ refillRate: Number.NaN }, 'refillRate must be a finite number > 0, got NaN'],
    [{ refillRate: Infinity }, 'refillRate must be a finite number > 0, got Infinity'],
    [{ refillRate: null }, 'refillRate must be a finite number > 0, got null'],
    [{ refillInterval: 0 }, 'refillInterval must be a finite number > 0, got 0'],
    [{ refillInterval: -1000 }, 'refillInterval must be a finite number > 0, got -1000'],
    [{ refillInterval: Infinity }, 'refillInterval must be a finite number > 0, got Infinity'],
    [{ enableBurst: 'yes' }, 'TokenBucketRateLimiter: enableBurst must be a boolean, got "yes"'],
    [{ maxWait: -1 }, 'TokenBucketRateLimiter: maxWait must be a number >= 0 (ms, Infinity to always wait), got -1'],
    [{ maxWait: Number.NaN }, 'maxWait must be a number >= 0 (ms, Infinity to always wait), got NaN'],
  ];
  for (const [patch, message] of bad) {
    it(`rejects ${JSON.stringify(patch, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`, () => {
      expect(() => tb(patch as Partial<TokenBucketConfig>)).toThrow(InvalidArgumentError);
      expect(() => tb(patch as Partial<TokenBucketConfig>)).toThrow(message);
    });
  }

  it('rejects a config that is not an object', () => {
    expect(() => new TokenBucketRateLimiter(5 as unknown as TokenBucketConfig)).toThrow(
      'TokenBucketRateLimiter: config must be an object, got 5',
    );
    expect(() => new TokenBucketRateLimiter(undefined as unknown as TokenBucketConfig)).toThrow(
      'TokenBucketRateLimiter: capacity must be an integer >= 1, got undefined',
    );
  });
});

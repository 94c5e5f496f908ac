import { describe, expect, it } from 'vitest';
import { background, withCancel, InvalidArgumentError, go, synctest, sleep } from '../../../runtime/index.js';
import { SlidingWindowRateLimiter, type SlidingWindowConfig } from '../../../patterns/index.js';
import { pick, stopwatch, track } from './helpers.js';
import { expectRejection } from '../../rejection.js';
import { rng } from '../../prng.js';

const sw = (c: Partial<SlidingWindowConfig> = {}): SlidingWindowRateLimiter =>
  new SlidingWindowRateLimiter({ windowSize: 1000, maxRequests: 3, ...c });

describe('SlidingWindowRateLimiter (exact): tryRequest', () => {
  it('admits maxRequests in a window and the next once the oldest is windowSize old', () =>
    synctest.run(async () => {
      const l = sw();
      expect([l.tryRequest(), l.tryRequest(), l.tryRequest(), l.tryRequest()]).toEqual([true, true, true, false]);
      await sleep(999);
      expect(l.tryRequest()).toBe(false);
      await sleep(1);
      expect(l.tryRequest()).toBe(true);
      expect(l.tryRequest()).toBe(true);
      expect(l.tryRequest()).toBe(true);
      expect(l.tryRequest()).toBe(false);
    }));

  it('slides: each admission leaves the window windowSize after it was made', () =>
    synctest.run(async () => {
      const l = sw();
      l.tryRequest(); // t=0
      await sleep(300);
      l.tryRequest(); // t=300
      await sleep(300);
      l.tryRequest(); // t=600
      expect(l.getRequestCount()).toBe(3);
      await sleep(400); // t=1000: the t=0 one left
      expect(l.getRequestCount()).toBe(2);
      expect(l.tryRequest()).toBe(true);
      expect(l.tryRequest()).toBe(false);
      await sleep(300); // t=1300: the t=300 one left
      expect(l.tryRequest()).toBe(true);
    }));

  it('reports the window start and the count', () =>
    synctest.run(async () => {
      const l = sw();
      const clock = stopwatch();
      const start = l.getCurrentWindow();
      expect(l.getRequestCount()).toBe(0);
      l.tryRequest();
      l.tryRequest();
      expect(l.getRequestCount()).toBe(2);
      await sleep(250);
      expect(l.getCurrentWindow() - start).toBe(clock());
      expect(l.getCurrentWindow()).toBe(start + 250);
    }));

  it('reset forgets every admission', () =>
    synctest.run(() => {
      const l = sw();
      l.tryRequestBatch(3);
      l.reset();
      expect(l.getRequestCount()).toBe(0);
      expect(l.tryRequestBatch(3)).toBe(true);
    }));

  it('admits large windows without allocating the whole log up front', () =>
    synctest.run(async () => {
      const l = sw({ maxRequests: 100_000 });
      let n = 0;
      while (l.tryRequest()) n++;
      expect(n).toBe(100_000);
      await sleep(1000);
      expect(l.tryRequestBatch(100_000)).toBe(true);
    }));
});

describe('SlidingWindowRateLimiter: tryRequestBatch', () => {
  it('admits all or nothing', () =>
    synctest.run(() => {
      const l = sw();
      expect(l.tryRequestBatch(2)).toBe(true);
      expect(l.tryRequestBatch(2)).toBe(false);
      expect(l.getRequestCount()).toBe(2);
      expect(l.tryRequestBatch(1)).toBe(true);
      expect(l.tryRequestBatch(0)).toBe(true);
      expect(l.tryRequestBatch(1)).toBe(false);
    }));

  it('throws InvalidArgumentError for a count that is not an integer between 0 and maxRequests', () =>
    synctest.run(() => {
      const l = sw();
      expect(() => l.tryRequestBatch(4)).toThrow(InvalidArgumentError);
      expect(() => l.tryRequestBatch(4)).toThrow(
        'SlidingWindowRateLimiter.tryRequestBatch: count must be an integer between 0 and maxRequests (3), got 4',
      );
      expect(() => l.tryRequestBatch(-1)).toThrow('got -1');
      expect(() => l.tryRequestBatch(1.5)).toThrow('got 1.5');
      expect(() => l.tryRequestBatch(Number.NaN)).toThrow('got NaN');
      expect(l.getRequestCount()).toBe(0);
    }));
});

describe('SlidingWindowRateLimiter: request', () => {
  it('waits exactly until the window has room', () =>
    synctest.run(async () => {
      const l = sw({ maxRequests: 2 });
      const clock = stopwatch();
      l.tryRequest(); // t=0
      await sleep(400);
      l.tryRequest(); // t=400
      await l.request();
      expect(clock()).toBe(1000);
      await l.request();
      expect(clock()).toBe(1400);
    }));

  it('serves waiters FIFO and never lets tryRequest overtake them', () =>
    synctest.run(async () => {
      const l = sw({ maxRequests: 2 });
      const clock = stopwatch();
      l.tryRequestBatch(2);
      const log: string[] = [];
      for (const name of ['a', 'b', 'c']) {
        go(async () => {
          await l.request();
          log.push(`${name} ${clock()}`);
        });
      }
      await sleep(999);
      expect(l.tryRequest()).toBe(false);
      await sleep(10_000);
      expect(log).toEqual(['a 1000', 'b 1000', 'c 2000']);
    }));

  it('lets a canceled waiter count nothing and frees its place', () =>
    synctest.run(async () => {
      const l = sw({ maxRequests: 1 });
      const clock = stopwatch();
      l.tryRequest();
      const [ctx, cancel] = withCancel(background());
      const first = track(l.request(ctx));
      const log: number[] = [];
      go(async () => {
        await l.request();
        log.push(clock());
      });
      await sleep(500);
      cancel();
      await sleep(5000);
      expect(first.state()).toBe('ERR_CONTEXT_CANCELED');
      expect(log).toEqual([1000]);
    }));

  it('rejects at once with an already-aborted signal, and a bad cancel (without throwing)', () =>
    synctest.run(async () => {
      const l = sw();
      const ac = new AbortController();
      ac.abort('no');
      await expect(l.request(ac.signal)).rejects.toBe('no');
      expect(l.getRequestCount()).toBe(0);
      await expectRejection(
        () => l.request(42 as unknown as AbortSignal),
        InvalidArgumentError,
        'SlidingWindowRateLimiter.request: cancel must be a Context, an AbortSignal or undefined, got 42',
      );
    }));

  it('reset admits the waiters from the empty window', () =>
    synctest.run(async () => {
      const l = sw({ maxRequests: 1 });
      const clock = stopwatch();
      l.tryRequest();
      const log: number[] = [];
      go(async () => {
        await l.request();
        log.push(clock());
      });
      await sleep(100);
      l.reset();
      await sleep(1);
      expect(log).toEqual([100]);
    }));
});

describe('SlidingWindowRateLimiter (exact): properties', () => {
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`keeps admissions i and i + maxRequests at least windowSize apart (seed ${seed})`, () =>
      synctest.run(async () => {
        const r = rng(seed);
        const max = pick(r, [1, 2, 5, 10]);
        const windowSize = pick(r, [10, 100, 1000]);
        const l = new SlidingWindowRateLimiter({ windowSize, maxRequests: max });
        const clock = stopwatch();
        const admitted: number[] = [];
        let waiters = 0;
        for (let i = 0; i < 800; i++) {
          const u = r();
          if (u < 0.4) await sleep(pick(r, [0, 1, 3, windowSize / 10, windowSize / 2, windowSize - 1, windowSize]));
          if (u < 0.1) {
            waiters++;
            go(async () => {
              await l.request();
              admitted.push(clock());
            });
          } else if (u < 0.2) {
            const k = Math.floor(r() * (max + 1));
            if (l.tryRequestBatch(k)) for (let j = 0; j < k; j++) admitted.push(clock());
          } else if (l.tryRequest()) admitted.push(clock());
        }
        await sleep(windowSize * (waiters + 1));
        admitted.sort((a, b) => a - b);
        for (let i = 0; i + max < admitted.length; i++) {
          expect(admitted[i + max]! - admitted[i]!, `admissions ${i} and ${i + max}`).toBeGreaterThanOrEqual(windowSize);
        }
      }));
  }
});

describe('SlidingWindowRateLimiter (approximate)', () => {
  it('weights the previous window by its overlap with precision 1', () =>
    synctest.run(async () => {
      const l = sw({ mode: 'approximate', precision: 1, maxRequests: 10 });
      expect(l.tryRequestBatch(10)).toBe(true);
      expect(l.tryRequest()).toBe(false);
      await sleep(1000); // next fixed window; the previous one counts fully
      expect(l.getRequestCount()).toBe(10);
      expect(l.tryRequest()).toBe(false);
      await sleep(500); // half of it still overlaps: estimate 5
      expect(l.getRequestCount()).toBe(5);
      expect(l.tryRequestBatch(5)).toBe(true);
      expect(l.tryRequest()).toBe(false);
      expect(l.getRequestCount()).toBe(10);
    }));

  it('waits exactly until the estimate has room', () =>
    synctest.run(async () => {
      const l = sw({ mode: 'approximate', precision: 1, maxRequests: 10 });
      const clock = stopwatch();
      l.tryRequestBatch(10);
      await l.request();
      // at t=1000 the estimate is 10; it falls to 9 at t=1100
      expect(clock()).toBe(1100);
      await l.request();
      // now 9 + 1 = 10 until the old window's weight drops by one more request: t=1200
      expect(clock()).toBe(1200);
    }));

  it('waits across sub-window boundaries when the newer sub-windows alone are full', () =>
    synctest.run(async () => {
      const l = sw({ mode: 'approximate', precision: 2, maxRequests: 8 });
      const clock = stopwatch();
      l.tryRequestBatch(4); // bucket [0, 500)
      await sleep(600);
      l.tryRequestBatch(4); // bucket [500, 1000)
      await sleep(400);
      // t=1000: 4 + 4 (the oldest bucket, fully weighted) = 8; room for one when its weight falls to 3/4: t=1125
      expect(l.getRequestCount()).toBe(8);
      await l.request();
      expect(clock()).toBe(1125);
      const m = sw({ mode: 'approximate', precision: 2, maxRequests: 8 });
      const clock2 = stopwatch();
      await sleep(600);
      m.tryRequestBatch(8); // all in bucket [500, 1000)
      await sleep(400);
      // t=1000: the newer buckets alone hold 8; at t=1500 they become the oldest, weight 1 - f; 8 (1 - f) <= 7 at f = 1/8
      await m.request();
      expect(clock2()).toBe(1562.5);
    }));

  it('forgets everything after two windows', () =>
    synctest.run(async () => {
      const l = sw({ mode: 'approximate', precision: 4, maxRequests: 8 });
      l.tryRequestBatch(8);
      await sleep(2000);
      expect(l.getRequestCount()).toBe(0);
      expect(l.tryRequestBatch(8)).toBe(true);
    }));

  it('is exact at sub-window boundaries with precision 10', () =>
    synctest.run(async () => {
      const l = sw({ mode: 'approximate', precision: 10, maxRequests: 100 });
      for (let i = 0; i < 10; i++) {
        l.tryRequestBatch(5);
        await sleep(100);
      }
      // t=1000: the 50 requests made at t=0..900 are all in the window (t-1000, t] but those at t=0
      expect(l.getRequestCount()).toBe(50);
      await sleep(50);
      expect(l.getRequestCount()).toBe(47.5);
    }));

  for (const seed of [21, 22, 23, 24]) {
    it(`errs by at most the oldest sub-window's count (seed ${seed})`, () =>
      synctest.run(async () => {
        const r = rng(seed);
        const max = pick(r, [5, 10, 20]);
        const precision = pick(r, [1, 2, 10]);
        const windowSize = 1000;
        const width = windowSize / precision;
        const l = new SlidingWindowRateLimiter({ windowSize, maxRequests: max, mode: 'approximate', precision });
        const clock = stopwatch();
        const admitted: number[] = [];
        for (let i = 0; i < 1500; i++) {
          if (r() < 0.5) await sleep(pick(r, [0, 1, 7, 50, 99, 100, 333]));
          if (l.tryRequest()) {
            const t = clock();
            admitted.push(t);
            const inWindow = admitted.filter((a) => t - a < windowSize).length;
            const oldest = Math.floor(t / width) - precision;
            const oldestCount = admitted.filter((a) => Math.floor(a / width) === oldest).length;
            expect(inWindow).toBeLessThanOrEqual(max + oldestCount);
          }
        }
        // Under steady pressure it admits about max per window.
        expect(admitted.length).toBeGreaterThan(0);
      }));
  }

  it('admits about maxRequests per window under continuous demand', () =>
    synctest.run(async () => {
      const l = sw({ mode: 'approximate', precision: 10, maxRequests: 100 });
      const clock = stopwatch();
      let admitted = 0;
      while (clock() < 10_000) {
        if (l.tryRequest()) admitted++;
        await sleep(1);
      }
      expect(admitted).toBeGreaterThanOrEqual(1000);
      expect(admitted).toBeLessThanOrEqual(1010);
    }));
});

describe('SlidingWindowRateLimiter: config', () => {
  const bad: [unknown, string][] = [
    [{ windowSize: 0 }, 'SlidingWindowRateLimiter: windowSize must be a finite number > 0, got 0'],
    [{ windowSize: -5 }, 'windowSize must be a finite number > 0, got -5'],
    [{ windowSize: Number.NaN }, 'windowSize must be a finite number > 0, got NaN'],
    [{ windowSize: Infinity }, 'windowSize must be a finite number > 0, got Infinity'],
    [{ windowSize: '1s' }, 'windowSize must be a finite number > 0, got "1s"'],
    [{ maxRequests: 0 }, 'SlidingWindowRateLimiter: maxRequests must be an integer >= 1, got 0'],
    [{ maxRequests: 2.5 }, 'maxRequests must be an integer >= 1, got 2.5'],
    [{ maxRequests: -1 }, 'maxRequests must be an integer >= 1, got -1'],
    [{ maxRequests: Infinity }, 'maxRequests must be an integer >= 1, got Infinity'],
    [{ mode: 'fuzzy' }, 'SlidingWindowRateLimiter: mode must be one of "exact", "approximate", got "fuzzy"'],
    [{ precision: 0 }, 'SlidingWindowRateLimiter: precision must be an integer >= 1, got 0'],
    [{ precision: 1.5 }, 'precision must be an integer >= 1, got 1.5'],
    [{ precision: Number.NaN }, 'precision must be an integer >= 1, got NaN'],
    [{ maxWait: -1 }, 'SlidingWindowRateLimiter: maxWait must be a number >= 0 (ms, Infinity to always wait), got -1'],
  ];
  for (const [patch, message] of bad) {
    it(`rejects ${message.replace(/^.*: /, '')}`, () => {
      expect(() => sw(patch as Partial<SlidingWindowConfig>)).toThrow(InvalidArgumentError);
      expect(() => sw(patch as Partial<SlidingWindowConfig>)).toThrow(message);
    });
  }

  it('rejects a missing required option and a config that is not an object', () => {
    expect(() => new SlidingWindowRateLimiter({ maxRequests: 1 } as SlidingWindowConfig)).toThrow(
      'SlidingWindowRateLimiter: windowSize must be a finite number > 0, got undefined',
    );
    expect(() => new SlidingWindowRateLimiter([] as unknown as SlidingWindowConfig)).toThrow(
      'SlidingWindowRateLimiter: config must be an object, got []',
    );
  });
});

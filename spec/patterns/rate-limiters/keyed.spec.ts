import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, synctest, sleep } from '../../../runtime/index.js';
import {
  KeyedRateLimiter,
  type KeyedRateLimiterConfig,
  LeakyBucketRateLimiter,
  TokenBucketRateLimiter,
} from '../../../patterns/index.js';

/** keyed makes a KeyedRateLimiter of token buckets (capacity 2, 1 per second) that logs creations and evictions. */
function keyed(c: Partial<KeyedRateLimiterConfig<string, TokenBucketRateLimiter>> = {}) {
  const log: string[] = [];
  const k = new KeyedRateLimiter<string, TokenBucketRateLimiter>({
    factory: (key) => {
      log.push(`new ${key}`);
      return new TokenBucketRateLimiter({ capacity: 2, refillRate: 1 });
    },
    onEvict: (key) => log.push(`evict ${key}`),
    ...c,
  });
  return { k, log };
}

describe('KeyedRateLimiter', () => {
  it('keeps one limiter per key, made on first use', () =>
    synctest.run(() => {
      const { k, log } = keyed();
      const a = k.get('a');
      expect(k.get('a')).toBe(a);
      expect(k.get('b')).not.toBe(a);
      expect(log).toEqual(['new a', 'new b']);
      expect(k.size).toBe(2);
      // the limits are per key
      expect([a.tryAcquire(2), a.tryAcquire(), k.get('b').tryAcquire(2)]).toEqual([true, false, true]);
    }));

  it('evicts keys idle for idleTimeout, lazily on the next get', () =>
    synctest.run(async () => {
      const { k, log } = keyed({ idleTimeout: 5000 });
      const a = k.get('a');
      k.get('b');
      await sleep(3000);
      k.get('b'); // b used at 3000
      await sleep(2000); // a idle 5000, b idle 2000
      expect(k.has('a')).toBe(true); // nothing happens without a get or sweep
      k.get('c');
      expect(log).toEqual(['new a', 'new b', 'evict a', 'new c']);
      expect(k.has('a')).toBe(false);
      expect(k.get('a')).not.toBe(a);
      expect(k.size).toBe(3);
    }));

  it('evicts an idle key even when it is the one asked for, so it comes back fresh', () =>
    synctest.run(async () => {
      const { k, log } = keyed({ idleTimeout: 1000 });
      const a = k.get('a');
      a.tryAcquire(2);
      await sleep(1000);
      const a2 = k.get('a');
      expect(a2).not.toBe(a);
      expect(a2.getAvailableTokens()).toBe(2);
      expect(log).toEqual(['new a', 'evict a', 'new a']);
    }));

  it('sweep evicts every idle key and says how many', () =>
    synctest.run(async () => {
      const { k, log } = keyed({ idleTimeout: 100 });
      k.get('a');
      k.get('b');
      await sleep(50);
      k.get('c');
      expect(k.sweep()).toBe(0);
      await sleep(50);
      expect(k.sweep()).toBe(2);
      expect(log.slice(3)).toEqual(['evict a', 'evict b']);
      expect(k.size).toBe(1);
    }));

  it('keeps at most maxKeys, evicting the least recently used', () =>
    synctest.run(() => {
      const { k, log } = keyed({ maxKeys: 2 });
      k.get('a');
      k.get('b');
      k.get('a'); // b is now the least recently used
      k.get('c');
      expect(log).toEqual(['new a', 'new b', 'new c', 'evict b']);
      expect([k.has('a'), k.has('b'), k.has('c')]).toEqual([true, false, true]);
      k.get('d');
      expect(log.at(-1)).toBe('evict a');
    }));

  it('peek neither makes a limiter nor counts as use', () =>
    synctest.run(async () => {
      const { k, log } = keyed({ idleTimeout: 100 });
      expect(k.peek('a')).toBeUndefined();
      const a = k.get('a');
      await sleep(60);
      expect(k.peek('a')).toBe(a);
      await sleep(40);
      k.get('b');
      expect(log).toEqual(['new a', 'evict a', 'new b']);
    }));

  it('delete and clear evict with onEvict', () =>
    synctest.run(() => {
      const { k, log } = keyed();
      k.get('a');
      k.get('b');
      k.get('c');
      expect(k.delete('b')).toBe(true);
      expect(k.delete('b')).toBe(false);
      k.clear();
      expect(log).toEqual(['new a', 'new b', 'new c', 'evict b', 'evict a', 'evict c']);
      expect(k.size).toBe(0);
    }));

  it('keeps nothing for a key whose factory throws', () =>
    synctest.run(() => {
      const k = new KeyedRateLimiter<string, TokenBucketRateLimiter>({
        factory: (key) => {
          if (key === 'bad') throw new Error('no limiter for bad');
          return new TokenBucketRateLimiter({ capacity: 1, refillRate: 1 });
        },
      });
      expect(() => k.get('bad')).toThrow('no limiter for bad');
      expect(k.has('bad')).toBe(false);
      expect(k.size).toBe(0);
    }));

  it('never evicts with idleTimeout and maxKeys Infinity', () =>
    synctest.run(async () => {
      const { k } = keyed({ idleTimeout: Infinity, maxKeys: Infinity });
      for (let i = 0; i < 100; i++) k.get(`k${i}`);
      await sleep(1e9);
      expect(k.sweep()).toBe(0);
      expect(k.size).toBe(100);
    }));

  it('defaults to idleTimeout 60 s and maxKeys 10 000', () =>
    synctest.run(async () => {
      const { k } = keyed();
      for (let i = 0; i < 10_001; i++) k.get(i.toString());
      expect(k.size).toBe(10_000);
      expect(k.has('0')).toBe(false);
      await sleep(59_999);
      expect(k.sweep()).toBe(0);
      await sleep(1);
      expect(k.sweep()).toBe(10_000);
    }));

  it('stops evicted leaky buckets through onEvict', () =>
    synctest.run(async () => {
      const k = new KeyedRateLimiter<number, LeakyBucketRateLimiter<string>>({
        factory: () => new LeakyBucketRateLimiter<string>({ capacity: 4, leakRate: 1 }),
        onEvict: (_key, bucket) => void bucket.stop(),
        idleTimeout: 1000,
      });
      k.get(1).tryEnqueue('x');
      k.get(2).tryEnqueue('y');
      await sleep(1000);
      k.clear(); // the buckets' goroutines end, so the bubble can finish
    }));

  it('rejects a bad config naming the option and the value', () => {
    const f = () => new TokenBucketRateLimiter({ capacity: 1, refillRate: 1 });
    const bad: [unknown, string][] = [
      [{}, 'KeyedRateLimiter: factory must be a function, got undefined'],
      [{ factory: 'x' }, 'KeyedRateLimiter: factory must be a function, got "x"'],
      [{ factory: f, idleTimeout: 0 }, 'KeyedRateLimiter: idleTimeout must be a finite number > 0, got 0'],
      [{ factory: f, idleTimeout: -1 }, 'idleTimeout must be a finite number > 0, got -1'],
      [{ factory: f, idleTimeout: Number.NaN }, 'idleTimeout must be a finite number > 0, got NaN'],
      [{ factory: f, maxKeys: 0 }, 'KeyedRateLimiter: maxKeys must be an integer >= 1, got 0'],
      [{ factory: f, maxKeys: 1.5 }, 'maxKeys must be an integer >= 1, got 1.5'],
      [{ factory: f, onEvict: 1 }, 'KeyedRateLimiter: onEvict must be a function, got 1'],
      ['cfg', 'KeyedRateLimiter: config must be an object, got "cfg"'],
    ];
    for (const [config, message] of bad) {
      expect(() => new KeyedRateLimiter(config as KeyedRateLimiterConfig<string, unknown>)).toThrow(InvalidArgumentError);
      expect(() => new KeyedRateLimiter(config as KeyedRateLimiterConfig<string, unknown>)).toThrow(message);
    }
  });
});

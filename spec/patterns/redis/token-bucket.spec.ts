/**
 * RedisTokenBucketRateLimiter against the Redis server (GOCSP_REDIS_URL): the local limiter's behaviour, with the
 * state shared by every limiter on the same prefix and time read from the server. Grant times are the server's
 * (onGrant), so the checks on them are exact and cannot flake under load; nothing here bounds wall-clock time from
 * above except "no hang".
 */
import { afterAll, afterEach, expect, it } from 'vitest';
import { background, InvalidArgumentError, isCanceled, withCancel } from '../../../runtime/index.js';
import { isRateLimitedError } from '../../../patterns/index.js';
import { RedisTokenBucketRateLimiter, type RedisTokenBucketConfig } from '../../../patterns/redis/index.js';
import { expectRejection } from '../../rejection.js';
import { withinBound } from './bounds.js';
import { cleanup, client, closeClients, counted, prefix, redisSuite } from './redis-env.js';

const prefixes: string[] = [];

function bucket(
  c: Partial<RedisTokenBucketConfig> = {},
  p = prefix('tb'),
  r: Parameters<typeof counted>[0] | ReturnType<typeof counted> = client(),
): { l: RedisTokenBucketRateLimiter; grants: number[]; p: string } {
  prefixes.push(p);
  const grants: number[] = [];
  const l = new RedisTokenBucketRateLimiter(r, {
    prefix: p,
    capacity: 3,
    refillRate: 0.1, // a token every 10 s: no refill between two calls, however loaded the machine
    onGrant: (n, at) => {
      for (let i = 0; i < n; i++) grants.push(at);
    },
    ...c,
  });
  return { l, grants, p };
}

redisSuite('RedisTokenBucketRateLimiter', () => {
  afterEach(async () => {
    const r = client();
    for (const p of prefixes.splice(0)) await cleanup(r, p);
  });
  afterAll(() => closeClients());

  it('starts full: admits 2, refuses 2, admits 1, refuses 1 from a bucket of 3', async () => {
    const { l } = bucket();
    expect([await l.tryAcquire(2), await l.tryAcquire(2), await l.tryAcquire(1), await l.tryAcquire(1)]).toEqual([true, false, true, false]);
  });

  it('tries a batch at one instant of the server', async () => {
    const { l } = bucket();
    expect(await l.tryAcquireBatch([2, 2, 1])).toEqual([true, false, true]);
    expect(await l.tryAcquire(0)).toBe(true);
  });

  it('shares one bucket between limiters on the same prefix, and reset refills it for all', async () => {
    const a = bucket();
    const b = bucket({}, a.p);
    expect(await a.l.tryAcquire(3)).toBe(true);
    expect(await b.l.tryAcquire(1)).toBe(false);
    await b.l.reset();
    expect(await a.l.tryAcquire(3)).toBe(true);
  });

  it('decides k tryAcquire calls made in one turn with one script, in call order', async () => {
    const r = counted(client());
    const { l, grants } = bucket({}, prefix('tb'), r);
    await l.getAvailableTokens(); // the script is on the server: EVALSHA, no NOSCRIPT retry below
    r.scripts = 0;
    const answers = await Promise.all([l.tryAcquire(2), ...Array.from({ length: 15 }, () => l.tryAcquire(1))]);
    expect(answers).toEqual([true, true, ...Array.from({ length: 14 }, () => false)]);
    expect(r.scripts).toBe(1);
    expect(grants).toHaveLength(3);
    expect(await l.getAvailableTokens()).toBeLessThan(1);
  });

  it('serves k waiters ready at once with one script, in order, and exactly their tokens', async () => {
    const r = counted(client());
    const { l, grants } = bucket({ capacity: 8 }, prefix('tb'), r);
    await l.getAvailableTokens();
    r.scripts = 0;
    const order: number[] = [];
    await Promise.all([3, 1, 2, 1].map((n, i) => l.acquire(n).then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(r.scripts).toBe(1);
    expect(grants).toHaveLength(7);
    expect(new Set(grants).size).toBe(1); // one decision, one instant of the server
    expect(await l.tryAcquire(2)).toBe(false);
    expect(await l.tryAcquire(1)).toBe(true);
  });

  it('names the wait for the next token, counting the line', async () => {
    const { l } = bucket();
    await l.tryAcquire(3);
    const one = await l.getRefillTime(1);
    expect(one).toBeGreaterThan(0);
    expect(one).toBeLessThanOrEqual(10_000);
    expect(await l.getRefillTime(3)).toBeGreaterThan(20_000);
    expect(await l.getAvailableTokens()).toBeLessThan(1);
  });

  it('grants waiters on the server clock: never more than capacity + rate * T', async () => {
    const { l, grants } = bucket({ capacity: 2, refillRate: 20 });
    await Promise.all(Array.from({ length: 8 }, () => l.acquire()));
    expect(grants).toHaveLength(8);
    withinBound(grants, 2, 20 / 1000);
    // the 8th grant needs 6 refilled tokens: 300 ms after the first, on the server's clock
    expect(grants[7]! - grants[0]!).toBeGreaterThanOrEqual(300 - 1e-3);
  });

  it('serves waiters FIFO: a later small request never overtakes an earlier big one', async () => {
    const { l } = bucket({ refillRate: 20 });
    await l.tryAcquire(3);
    const order: string[] = [];
    await Promise.all([
      l.acquire(3).then(() => order.push('big')),
      l.acquire(1).then(() => order.push('small')),
      l.acquire(1).then(() => order.push('last')),
    ]);
    expect(order).toEqual(['big', 'small', 'last']);
  });

  it('refuses tryAcquire while someone in the process waits (no barging)', async () => {
    const { l } = bucket({ refillRate: 20 });
    await l.tryAcquire(3);
    const waiting = l.acquire(1);
    expect(await l.tryAcquire(0)).toBe(true);
    expect(await l.tryAcquire(1)).toBe(false);
    await waiting;
  });

  it('frees the place of a canceled waiter, takes nothing for it, and serves the next', async () => {
    const { l, grants } = bucket({ capacity: 1, refillRate: 5 });
    await l.tryAcquire(1);
    const [ctx, cancel] = withCancel(background());
    const first = l.acquire(1, ctx).catch((e: unknown) => e);
    const second = l.acquire(1);
    setTimeout(cancel, 50); // the head is asleep then: its take was answered at once
    expect(isCanceled(await first)).toBe(true);
    await second;
    expect(grants).toHaveLength(2); // the first tryAcquire and the second waiter: nothing for the canceled one
  });

  it('rejects an already-canceled acquire at once', async () => {
    const { l } = bucket();
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    expect(((await l.acquire(1, ac.signal).catch((e: unknown) => e)) as Error).message).toBe('gone');
  });

  it('executes under a token, and refuses with RateLimitedError when maxWait is 0', async () => {
    const { l } = bucket({ maxWait: 0 });
    expect(await l.execute(() => 42)).toBe(42);
    await l.tryAcquire(2);
    const e = await l.execute(() => 1).catch((x: unknown) => x);
    expect(isRateLimitedError(e)).toBe(true);
    expect((e as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
  });

  it('decides a lone request without onGrant by its wait alone (the script\'s op one), as any other', async () => {
    const p = prefix('tb');
    prefixes.push(p);
    const l = new RedisTokenBucketRateLimiter(client(), { prefix: p, capacity: 3, refillRate: 0.1, maxWait: 0 });
    expect([await l.tryAcquire(2), await l.tryAcquire(2), await l.tryAcquire(1), await l.tryAcquire(1)]).toEqual([true, false, true, false]);
    const e = await l.execute(() => 1).catch((x: unknown) => x);
    expect(isRateLimitedError(e)).toBe(true);
    const retryAfter = (e as { retryAfter: number }).retryAfter;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(10_000); // ms: a token every 10 s
  });

  it('smooths bursts with enableBurst false', async () => {
    const { l } = bucket({ capacity: 10, refillRate: 2, refillInterval: 60_000, enableBurst: false });
    expect(l.getCapacity()).toBe(2);
    expect(await l.tryAcquire(2)).toBe(true);
    expect(await l.tryAcquire(1)).toBe(false);
  });

  it('leaves no key behind: the key expires one to two seconds after the bucket would be full, and a reset deletes it', async () => {
    const { l, p } = bucket({ capacity: 1, refillRate: 50 });
    await l.tryAcquire(1);
    const r = client();
    const ttl = await r.pttl(`${p}tb`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2020); // 20 ms to refill one token, plus one to two seconds
    await l.reset();
    expect(await r.exists(`${p}tb`)).toBe(0);
  });

  it('keeps the key\'s expiry while it covers the refill, and sets a later one when a take needs it', async () => {
    const fast = bucket({ capacity: 3, refillRate: 50 }); // 20 ms a token
    const r = client();
    await fast.l.tryAcquire(1);
    const first = await r.pttl(`${fast.p}tb`);
    await fast.l.tryAcquire(1); // full 40 ms later: within the second kept beyond the first need
    const kept = await r.pttl(`${fast.p}tb`);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(first);
    const slow = bucket({ capacity: 3, refillRate: 0.1 }); // 10 s a token
    await slow.l.tryAcquire(1);
    const before = await r.pttl(`${slow.p}tb`);
    expect(before).toBeLessThanOrEqual(12_000); // 10 s to refill, plus one to two seconds
    await slow.l.tryAcquire(1); // full 10 s later than the expiry allows: a later expiry
    const after = await r.pttl(`${slow.p}tb`);
    expect(after).toBeGreaterThan(before);
    expect(after).toBeLessThanOrEqual(22_000);
  });

  it('refuses bad config with InvalidArgumentError naming the option', () => {
    const r = client();
    expect(() => new RedisTokenBucketRateLimiter(r, { capacity: 3, refillRate: 1 } as RedisTokenBucketConfig)).toThrow(
      new InvalidArgumentError('RedisTokenBucketRateLimiter: prefix must be a non-empty string without whitespace, got undefined'),
    );
    expect(() => new RedisTokenBucketRateLimiter(r, { prefix: 'x:', capacity: 0, refillRate: 1 })).toThrow(
      'RedisTokenBucketRateLimiter: capacity must be an integer >= 1, got 0',
    );
    expect(() => new RedisTokenBucketRateLimiter(r, { prefix: 'x:', capacity: 1, refillRate: 1, whenUnavailable: 'maybe' as 'fail' })).toThrow(
      'RedisTokenBucketRateLimiter: whenUnavailable must be one of "fail", "local", got "maybe"',
    );
    expect(() => new RedisTokenBucketRateLimiter(r, { prefix: 'x:', capacity: 1, refillRate: 1, refilRate: 2 } as RedisTokenBucketConfig)).toThrow(
      /RedisTokenBucketRateLimiter: unknown option "refilRate"/,
    );
    expect(() => new RedisTokenBucketRateLimiter({} as never, { prefix: 'x:', capacity: 1, refillRate: 1 })).toThrow(
      'RedisTokenBucketRateLimiter: client must be a Redis client (an ioredis Redis), got {}',
    );
  });

  it('rejects impossible requests with InvalidArgumentError, never throwing', async () => {
    const { l } = bucket();
    await expectRejection(() => l.tryAcquire(4), InvalidArgumentError, 'RedisTokenBucketRateLimiter.tryAcquire: n must be at most the capacity (3), got 4');
    await expectRejection(() => l.acquire(-1), InvalidArgumentError, 'RedisTokenBucketRateLimiter.acquire: n must be a finite number >= 0, got -1');
    await expectRejection(() => l.acquire(1, 'soon' as never), InvalidArgumentError, /cancel must be a Context, an AbortSignal or undefined/);
    await expectRejection(() => l.tryAcquireBatch([1, 9]), InvalidArgumentError, /ns\[1\] must be at most the capacity/);
  });
});

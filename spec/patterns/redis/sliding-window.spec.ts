/**
 * RedisSlidingWindowRateLimiter against the Redis server: an exact log, at most maxRequests in every window on the
 * server's clock (checked on the server's grant times, exactly), shared by every limiter on the same prefix.
 */
import { afterAll, afterEach, expect, it } from 'vitest';
import { background, InvalidArgumentError, isCanceled, withCancel } from '../../../runtime/index.js';
import { RedisSlidingWindowRateLimiter, type RedisSlidingWindowConfig } from '../../../patterns/redis/index.js';
import { expectRejection } from '../../rejection.js';
import { atMostPerWindow } from './bounds.js';
import { cleanup, client, closeClients, counted, prefix, redisSuite } from './redis-env.js';

const prefixes: string[] = [];

function window(c: Partial<RedisSlidingWindowConfig> = {}, p = prefix('sw'), r: Parameters<typeof counted>[0] | ReturnType<typeof counted> = client()) {
  prefixes.push(p);
  const grants: number[] = [];
  const l = new RedisSlidingWindowRateLimiter(r, {
    prefix: p,
    windowSize: 60_000, // nothing leaves the window between two calls, however loaded the machine
    maxRequests: 3,
    onGrant: (n, at) => {
      for (let i = 0; i < n; i++) grants.push(at);
    },
    ...c,
  });
  return { l, grants, p };
}

redisSuite('RedisSlidingWindowRateLimiter', () => {
  afterEach(async () => {
    const r = client();
    for (const p of prefixes.splice(0)) await cleanup(r, p);
  });
  afterAll(() => closeClients());

  it('admits maxRequests in a window and refuses the next', async () => {
    const { l } = window();
    expect([await l.tryRequest(), await l.tryRequest(), await l.tryRequest(), await l.tryRequest()]).toEqual([true, true, true, false]);
    expect(await l.getRequestCount()).toBe(3);
  });

  it('decides a lone request without onGrant by its wait alone (the script\'s op one), as any other', async () => {
    const p = prefix('sw');
    prefixes.push(p);
    const l = new RedisSlidingWindowRateLimiter(client(), { prefix: p, windowSize: 60_000, maxRequests: 3, maxWait: 0 });
    expect([await l.tryRequest(), await l.tryRequestBatch(2), await l.tryRequest(), await l.tryRequestBatch(1)]).toEqual([true, true, false, false]);
    expect(await l.getRequestCount()).toBe(3);
    const e = await l.execute(() => 1).catch((x: unknown) => x);
    const retryAfter = (e as { retryAfter: number }).retryAfter;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60_000); // ms: the first admission leaves the window within a minute
  });

  it('admits a batch all or nothing', async () => {
    const { l } = window();
    expect(await l.tryRequestBatch(2)).toBe(true);
    expect(await l.tryRequestBatch(2)).toBe(false);
    expect(await l.getRequestCount()).toBe(2);
    expect(await l.tryRequestBatch(0)).toBe(true);
  });

  it('admits waiters as admissions leave the window: never more than maxRequests in any window', async () => {
    const { l, grants } = window({ windowSize: 100, maxRequests: 2 });
    await Promise.all(Array.from({ length: 7 }, () => l.request()));
    expect(grants).toHaveLength(7);
    atMostPerWindow(grants, 2, 100);
  });

  it('decides k try calls made in one turn with one script, in call order, logging exactly the admissions', async () => {
    const r = counted(client());
    const { l, grants } = window({ maxRequests: 5 }, prefix('sw'), r);
    await l.getRequestCount(); // the script is on the server: EVALSHA, no NOSCRIPT retry below
    r.scripts = 0;
    const answers = await Promise.all([l.tryRequestBatch(3), l.tryRequestBatch(3), ...Array.from({ length: 6 }, () => l.tryRequest())]);
    expect(answers).toEqual([true, false, true, true, false, false, false, false]);
    expect(r.scripts).toBe(1);
    expect(grants).toHaveLength(5);
    expect(await l.getRequestCount()).toBe(5);
  });

  it('admits k waiters ready at once with one script', async () => {
    const r = counted(client());
    const { l, grants } = window({ maxRequests: 6 }, prefix('sw'), r);
    await l.getRequestCount();
    r.scripts = 0;
    await Promise.all(Array.from({ length: 6 }, () => l.request()));
    expect(r.scripts).toBe(1);
    expect(grants).toHaveLength(6);
    expect(await l.getRequestCount()).toBe(6);
    expect(await l.tryRequest()).toBe(false);
  });

  it('shares one window between limiters on the same prefix', async () => {
    const a = window();
    const b = window({}, a.p);
    expect(await a.l.tryRequestBatch(3)).toBe(true);
    expect(await b.l.tryRequest()).toBe(false);
    await b.l.reset();
    expect(await a.l.tryRequest()).toBe(true);
  });

  it('counts the window on the server clock', async () => {
    const { l } = window({ windowSize: 60_000 });
    const r = client();
    const [s, us] = await r.time();
    const server = Number(s) * 1000 + Number(us) / 1000;
    const start = await l.getCurrentWindow();
    expect(Math.abs(start - (server - 60_000))).toBeLessThan(5_000);
  });

  it('frees the place of a canceled waiter and counts nothing for it', async () => {
    const { l, grants } = window({ windowSize: 300, maxRequests: 1 });
    await l.tryRequest();
    const [ctx, cancel] = withCancel(background());
    const first = l.request(ctx).catch((e: unknown) => e);
    const second = l.request();
    setTimeout(cancel, 50);
    expect(isCanceled(await first)).toBe(true);
    await second;
    expect(grants).toHaveLength(2);
    expect(await l.getRequestCount()).toBeLessThanOrEqual(1);
  });

  it('refuses the approximate mode and bad config with InvalidArgumentError', async () => {
    const r = client();
    expect(() => new RedisSlidingWindowRateLimiter(r, { prefix: 'x:', windowSize: 1, maxRequests: 1, mode: 'approximate' as 'exact' })).toThrow(
      'RedisSlidingWindowRateLimiter: mode must be one of "exact", got "approximate"',
    );
    expect(() => new RedisSlidingWindowRateLimiter(r, { prefix: 'x:', windowSize: 1, maxRequests: 1, precision: 4 } as RedisSlidingWindowConfig)).toThrow(
      /precision belongs to the approximate mode/,
    );
    expect(() => new RedisSlidingWindowRateLimiter(r, { prefix: '', windowSize: 1, maxRequests: 1 })).toThrow(
      'RedisSlidingWindowRateLimiter: prefix must be a non-empty string without whitespace, got ""',
    );
    expect(() => new RedisSlidingWindowRateLimiter(r, { prefix: 'x:', windowSize: -1, maxRequests: 1 })).toThrow(
      'RedisSlidingWindowRateLimiter: windowSize must be a finite number > 0, got -1',
    );
    const { l } = window();
    await expectRejection(() => l.tryRequestBatch(4), InvalidArgumentError, 'RedisSlidingWindowRateLimiter.tryRequestBatch: count must be an integer between 0 and maxRequests (3), got 4');
  });
});

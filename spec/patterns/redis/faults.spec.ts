/**
 * Faults, on private redis-server instances (free ports, no persistence) that the tests kill with SIGKILL and
 * restart: what the limiters do while Redis is down, in both modes ('fail': RedisUnavailableError, at once or within
 * commandTimeout, never a hang; 'local': a local limiter decides), and after the restart (Redis decides again; the
 * scripts, flushed with the server, are sent again on NOSCRIPT). A server that accepts connections and never answers
 * is a timeout, not a hang. The shared breaker keeps its local state while Redis is down and writes it when Redis is
 * back, where another process sees it. The clients keep ioredis's defaults (offline queue on): the worst case.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { type StateChange } from '../../../patterns/index.js';
import {
  isRedisUnavailableError,
  RedisCircuitBreaker,
  RedisSlidingWindowRateLimiter,
  RedisTokenBucketRateLimiter,
} from '../../../patterns/redis/index.js';
import { client, closeClients, prefix, PrivateRedis, redisSuite } from './redis-env.js';
import type { Redis } from 'ioredis';

const servers: PrivateRedis[] = [];

async function server(): Promise<PrivateRedis> {
  const s = await PrivateRedis.start();
  servers.push(s);
  return s;
}

/** ready waits until the client has reconnected (ioredis retries every 50 ms more, at most every 2 s). */
async function ready(r: Redis): Promise<void> {
  for (let i = 0; i < 200 && r.status !== 'ready'; i++) await new Promise((res) => setTimeout(res, 50));
  expect(r.status).toBe('ready');
}

/** down waits until the client has noticed that the server is gone (until then a command waits for its timeout). */
async function down(r: Redis): Promise<void> {
  for (let i = 0; i < 200 && r.status === 'ready'; i++) await new Promise((res) => setTimeout(res, 10));
}

/** settled awaits `p` and returns its rejection (or 'resolved') and how long it took. */
async function settled(p: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const t0 = performance.now();
  const error = await p.then(
    () => 'resolved',
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - t0 };
}

redisSuite('Redis faults', () => {
  afterAll(async () => {
    closeClients();
    for (const s of servers) await s.kill9();
  });

  it("fails closed with RedisUnavailableError while Redis is down, never hangs, and recovers after the restart", async () => {
    const srv = await server();
    const r = client(srv.url);
    await ready(r);
    const grants: number[] = [];
    const p = prefix('fault-fail');
    const bucket = new RedisTokenBucketRateLimiter(r, {
      prefix: p,
      capacity: 1,
      refillRate: 2,
      commandTimeout: 500,
      onGrant: (_, at) => grants.push(at),
    });
    const window = new RedisSlidingWindowRateLimiter(r, { prefix: p, windowSize: 1000, maxRequests: 5, commandTimeout: 500 });
    expect(await bucket.tryAcquire()).toBe(true);
    expect(await window.tryRequest()).toBe(true);
    const waiter = settled(bucket.acquire()); // the line sleeps about 500 ms, then asks a dead server
    // The line asks one microtask later; the PING's reply comes after the take's (one connection, in order): kill
    // the server only once the take was answered, or ioredis (defaults) would send it again after the restart.
    await new Promise((res) => setImmediate(res));
    await r.ping();
    await srv.kill9();

    const w = await waiter;
    expect(isRedisUnavailableError(w.error)).toBe(true);
    for (const call of [() => bucket.tryAcquire(), () => bucket.acquire(), () => bucket.execute(() => 1), () => window.request()]) {
      const s = await settled(call());
      expect(isRedisUnavailableError(s.error), String(s.error)).toBe(true);
      expect(s.ms).toBeLessThan(5000); // at once (client disconnected) or at commandTimeout: never a hang
    }
    expect((w.error as Error).message).toMatch(/^RedisTokenBucketRateLimiter: Redis unavailable: /);

    await srv.restart();
    await ready(r);
    // A new server: the bucket is full again, the scripts are gone (NOSCRIPT: sent again by EVAL).
    expect(await bucket.tryAcquire()).toBe(true);
    expect(await window.tryRequest()).toBe(true);
    await r.script('FLUSH');
    expect(await window.tryRequest()).toBe(true);
    expect(grants).toHaveLength(2);
  });

  it("decides with the local limiter while Redis is down in the 'local' mode, and goes back to Redis after", async () => {
    const srv = await server();
    const r = client(srv.url);
    await ready(r);
    const grants: number[] = [];
    const bucket = new RedisTokenBucketRateLimiter(r, {
      prefix: prefix('fault-local'),
      capacity: 10,
      refillRate: 1,
      commandTimeout: 500,
      whenUnavailable: 'local',
      local: { capacity: 2, refillRate: 1, refillInterval: 60_000 },
      onGrant: (_, at) => grants.push(at),
    });
    const window = new RedisSlidingWindowRateLimiter(r, {
      prefix: prefix('fault-local'),
      windowSize: 60_000,
      maxRequests: 10,
      whenUnavailable: 'local',
      local: { windowSize: 60_000, maxRequests: 1 },
    });
    expect(await bucket.tryAcquire()).toBe(true);
    expect(grants).toHaveLength(1);
    await srv.kill9();
    await down(r);

    // The local limiters' limits (2 tokens; 1 request per minute), not the fleet's, and no error.
    expect([await bucket.tryAcquire(), await bucket.tryAcquire(), await bucket.tryAcquire()]).toEqual([true, true, false]);
    expect([await window.tryRequest(), await window.tryRequest()]).toEqual([true, false]);
    expect(await bucket.getAvailableTokens()).toBeLessThan(1);
    expect(grants).toHaveLength(1); // local grants are not Redis's

    await srv.restart();
    await ready(r);
    expect(await bucket.tryAcquire()).toBe(true);
    expect(await window.tryRequest()).toBe(true);
    expect(grants).toHaveLength(2);
  });

  it('times out on a server that accepts connections and never answers', async () => {
    const silent: Server = createServer(() => {}); // accepts, reads nothing, answers nothing
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
    const port = (silent.address() as { port: number }).port;
    try {
      const r = client(`redis://127.0.0.1:${port}`);
      const bucket = new RedisTokenBucketRateLimiter(r, { prefix: prefix('silent'), capacity: 1, refillRate: 1, commandTimeout: 200 });
      const s = await settled(bucket.tryAcquire());
      expect(isRedisUnavailableError(s.error)).toBe(true);
      expect((s.error as Error).message).toBe('RedisTokenBucketRateLimiter: Redis unavailable: no reply within 200 ms');
      expect(s.ms).toBeGreaterThanOrEqual(199);
      r.disconnect();
    } finally {
      silent.close();
    }
  });

  it('keeps a breaker that tripped while Redis was down open, and opens the fleet once Redis is back', async () => {
    const srv = await server();
    const r1 = client(srv.url);
    const r2 = client(srv.url);
    await ready(r1);
    await ready(r2);
    const p = prefix('fault-cb');
    const config = { prefix: p, failureThreshold: 2, recoveryTimeout: 30_000, pollInterval: 200, commandTimeout: 300 };
    const a = new RedisCircuitBreaker(r1, config);
    const b = new RedisCircuitBreaker(r2, config);
    await Promise.all([a.ready(), b.ready()]);
    await srv.kill9();

    for (let i = 0; i < 2; i++) await a.call(() => Promise.reject(new Error('down'))).catch(() => {});
    expect(a.getState()).toBe('open');
    expect(b.getState()).toBe('closed');
    // The write fails at once (client disconnected) or at commandTimeout (the socket's end not noticed yet).
    for (let i = 0; i < 100 && a.getMetrics().syncErrors === 0; i++) await new Promise((res) => setTimeout(res, 50));
    expect(a.getMetrics().syncErrors).toBeGreaterThan(0);

    const seen = new Promise<StateChange>((res) => b.onStateChange(res));
    await srv.restart();
    expect(await seen).toMatchObject({ from: 'closed', to: 'open', reason: 'failure-threshold' });
    expect(a.getState()).toBe('open');
    await Promise.all([a.close(), b.close()]);
  });
});

/**
 * The fleet: several node processes (child_process, under tsx) sharing one Redis limiter or breaker. Grants are
 * counted on the Redis server's timestamps (onGrant), so the bounds are checked exactly and cannot flake under load:
 * the token bucket's sum of grants over every interval T is at most capacity + rate * T, the sliding window's count
 * in every window at most maxRequests. Each process has 6 waiters per limiter and makes 8 try calls at once every
 * 10 ms, so most decisions are batched (one script for the front of a line, or for a turn's tries): the bounds are
 * checked on every grant of those batches. The rates are small so that each run takes a couple of seconds.
 */
import { afterAll, expect, it } from 'vitest';
import { type StateChange } from '../../../patterns/index.js';
import { RedisCircuitBreaker } from '../../../patterns/redis/index.js';
import { nowMillis } from '../../../runtime/index.js';
import { atMostPerWindow, withinBound } from './bounds.js';
import { child, cleanup, client, closeClients, prefix, REDIS_URL, redisSuite } from './redis-env.js';

const prefixes: string[] = [];
const PROCESSES = 3;
const RUN_MS = 1500;
const BUCKET = { capacity: 5, refillRate: 20 };
const WINDOW = { windowSize: 250, maxRequests: 4 };

type Grants = { bucket: number[]; window: number[] };
let run: Promise<Grants[]> | null = null;

/** fleet runs the limiters' fleet once (both limiters in the same processes, to start the processes once). */
function fleet(): Promise<Grants[]> {
  if (run === null) {
    const p = prefix('fleet');
    prefixes.push(p);
    const config = JSON.stringify({ workers: 6, tries: 8, bucket: BUCKET, window: WINDOW });
    run = Promise.all(Array.from({ length: PROCESSES }, () => child<Grants>('fleet-child.ts', ['limits', REDIS_URL, p, String(RUN_MS), config]).result));
  }
  return run;
}

redisSuite('a fleet of processes', () => {
  afterAll(async () => {
    const r = client();
    for (const p of prefixes.splice(0)) await cleanup(r, p);
    closeClients();
  });

  it(`shares one token bucket among ${PROCESSES} processes: at most capacity + rate * T over every interval`, async () => {
    const per = (await fleet()).map((r) => r.bucket);
    const all = per.flat();
    withinBound(all, BUCKET.capacity, BUCKET.refillRate / 1000);
    // Liveness, loosely: every process got something, and the fleet got more than the burst.
    for (const g of per) expect(g.length).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThan(BUCKET.capacity);
  }, 60_000);

  it(`shares one sliding window among ${PROCESSES} processes: at most maxRequests in every window`, async () => {
    const per = (await fleet()).map((r) => r.window);
    const all = per.flat();
    atMostPerWindow(all, WINDOW.maxRequests, WINDOW.windowSize);
    for (const g of per) expect(g.length).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThan(WINDOW.maxRequests);
  }, 60_000);

  it("opens this process's breaker when another process trips it, within pollInterval + commandTimeout", async () => {
    const p = prefix('fleet-cb');
    prefixes.push(p);
    const config = { failureThreshold: 3, recoveryTimeout: 10_000, pollInterval: 500, commandTimeout: 1000 };
    const b = new RedisCircuitBreaker(client(), { prefix: p, ...config });
    await b.ready();
    const seen = new Promise<{ change: StateChange; at: number }>((resolve) => {
      b.onStateChange((change) => resolve({ change, at: nowMillis() }));
    });
    const other = child<{ state: string }>('fleet-child.ts', ['breaker', REDIS_URL, p, '300', JSON.stringify(config)]);
    const { change, at } = await seen;
    expect(change).toMatchObject({ from: 'closed', to: 'open', reason: 'failure-threshold' });
    // change.at is when the other process's write reached Redis, on this host's clock (server time - offset).
    expect(at - change.at).toBeLessThanOrEqual(500 + 1000);
    expect(b.isOpen()).toBe(true);
    expect((await other.result).state).toBe('open');
    await b.close();
  }, 60_000);
});

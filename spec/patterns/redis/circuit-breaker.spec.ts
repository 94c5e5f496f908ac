/**
 * RedisCircuitBreaker against the Redis server: transitions shared by every breaker on the same prefix, seen by the
 * others within the documented bound (pollInterval + commandTimeout; by pub/sub usually within milliseconds), on the
 * pub/sub path and on the poll alone; the first transition out of a shared state wins; manual control is fleet-wide.
 * Two breakers with two clients stand for two processes here; fleet.spec.ts uses real child processes.
 */
import { afterAll, afterEach, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../runtime/index.js';
import { isBrokenCircuitError, type StateChange } from '../../../patterns/index.js';
import { RedisCircuitBreaker, type RedisCircuitBreakerConfig } from '../../../patterns/redis/index.js';
import { Redis } from 'ioredis';
import { cleanup, client, closeClients, prefix, REDIS_URL, redisSuite } from './redis-env.js';

const prefixes: string[] = [];
const breakers: RedisCircuitBreaker[] = [];

async function breaker(c: Partial<RedisCircuitBreakerConfig> = {}, p = prefix('cb')): Promise<{ b: RedisCircuitBreaker; p: string }> {
  prefixes.push(p);
  const b = new RedisCircuitBreaker(client(), { prefix: p, failureThreshold: 2, recoveryTimeout: 10_000, pollInterval: 500, ...c });
  breakers.push(b);
  await b.ready();
  return { b, p };
}

const fail = (): never => {
  throw new Error('down');
};

async function trip(b: RedisCircuitBreaker, n = 2): Promise<void> {
  for (let i = 0; i < n; i++) await b.call(fail).catch(() => {});
}

/** next resolves to the next change `b` announces, with the ms it took, or rejects after `ms`. */
function next(b: RedisCircuitBreaker, ms: number): Promise<{ change: StateChange; after: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no state change within ${ms} ms`)), ms);
    const stop = b.onStateChange((change) => {
      clearTimeout(timer);
      stop();
      resolve({ change, after: performance.now() - t0 });
    });
  });
}

redisSuite('RedisCircuitBreaker', () => {
  afterEach(async () => {
    for (const b of breakers.splice(0)) await b.close();
    const r = client();
    for (const p of prefixes.splice(0)) await cleanup(r, p);
  });
  afterAll(() => closeClients());

  it('opens every breaker of the fleet when one trips, within pollInterval + commandTimeout (pub/sub)', async () => {
    const a = await breaker();
    const { b } = await breaker({}, a.p);
    const seen = next(b, 500 + 1000);
    await trip(a.b);
    expect(a.b.getState()).toBe('open');
    const { change } = await seen;
    expect(change).toMatchObject({ from: 'closed', to: 'open', reason: 'failure-threshold' });
    expect(b.isOpen()).toBe(true);
    const e = await b.call(() => 1).catch((x: unknown) => x);
    expect(isBrokenCircuitError(e)).toBe(true);
    expect((e as { remainingMs: number }).remainingMs).toBeLessThanOrEqual(10_000);
  });

  it('subscribes even on a client whose offline queue is off (the recommended options)', async () => {
    const a = await breaker();
    const strict = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    strict.on('error', () => {});
    await new Promise((res) => strict.once('ready', res));
    const b = new RedisCircuitBreaker(strict, { prefix: a.p, failureThreshold: 2, pollInterval: 60_000 });
    breakers.push(b);
    await b.ready();
    const seen = next(b, 1500); // the poll is a minute away: only pub/sub can deliver in time
    await trip(a.b);
    expect((await seen).change).toMatchObject({ to: 'open' });
    await b.close();
    strict.disconnect();
  });

  it('sees the fleet open by the poll alone, without pub/sub, within pollInterval + commandTimeout', async () => {
    const a = await breaker();
    const { b } = await breaker({ subscribe: false, pollInterval: 200, commandTimeout: 1000 }, a.p);
    const seen = next(b, 200 + 1000);
    await trip(a.b);
    expect((await seen).change).toMatchObject({ to: 'open', reason: 'failure-threshold' });
  });

  it('goes half-open everywhere after recoveryTimeout, and a probe that succeeds closes the fleet', async () => {
    const a = await breaker({ recoveryTimeout: 150 });
    const { b } = await breaker({ recoveryTimeout: 150 }, a.p);
    const opened = next(b, 1500);
    await trip(a.b);
    await opened;
    await new Promise((res) => setTimeout(res, 200));
    expect(a.b.getState()).toBe('half-open');
    expect(b.getState()).toBe('half-open');
    const closed = next(a.b, 1500);
    expect(await b.call(() => 'ok')).toBe('ok');
    expect(b.getState()).toBe('closed');
    expect((await closed).change).toMatchObject({ from: 'half-open', to: 'closed', reason: 'probes-succeeded' });
  });

  it('lets the first transition out of a shared state win: a stale process adopts the fleet record', async () => {
    const a = await breaker();
    const { b } = await breaker({ subscribe: false, pollInterval: 60_000 }, a.p); // b learns nothing by itself
    await trip(a.b); // seq 1: open
    a.b.forceClose(); // seq 2: closed (forced)
    await new Promise((res) => setTimeout(res, 50));
    const changes: StateChange[] = [];
    b.onStateChange((c) => changes.push(c));
    await trip(b); // b trips from seq 0: its write is refused, and it adopts seq 2
    await new Promise((res) => setTimeout(res, 100));
    expect(changes.map((c) => `${c.from}->${c.to} ${c.reason}`)).toEqual(['closed->open failure-threshold', 'open->closed force-close']);
    expect(b.getState()).toBe('closed');
    expect(b.getMetrics().seq).toBe(a.b.getMetrics().seq);
  });

  it('forces the fleet open and closed', async () => {
    const a = await breaker();
    const { b } = await breaker({}, a.p);
    let seen = next(b, 1500);
    a.b.forceOpen();
    expect((await seen).change).toMatchObject({ to: 'forced-open', reason: 'force-open' });
    expect(b.isOpen()).toBe(true);
    seen = next(a.b, 1500);
    b.forceClose();
    expect((await seen).change).toMatchObject({ from: 'forced-open', to: 'closed', reason: 'force-close' });
  });

  it("keeps counting this process's calls across adoptions", async () => {
    const a = await breaker();
    const { b } = await breaker({}, a.p);
    await b.call(() => 1);
    await b.call(fail).catch(() => {});
    const seen = next(b, 1500);
    await trip(a.b);
    await seen;
    await b.call(() => 1).catch(() => {});
    const m = b.getMetrics();
    expect(m).toMatchObject({ state: 'open', calls: 2, successes: 1, failures: 1, rejections: 1 });
    expect(m.transitions.map((c) => c.to)).toEqual(['open']);
  });

  it('refuses bad config with InvalidArgumentError', () => {
    const r = client();
    expect(() => new RedisCircuitBreaker(r, { prefix: 'x y' })).toThrow(
      new InvalidArgumentError('RedisCircuitBreaker: prefix must be a non-empty string without whitespace, got "x y"'),
    );
    expect(() => new RedisCircuitBreaker(r, { prefix: 'x:', pollInterval: 0 })).toThrow('RedisCircuitBreaker: pollInterval must be a finite number > 0, got 0');
    expect(() => new RedisCircuitBreaker(r, { prefix: 'x:', state: '{}' } as RedisCircuitBreakerConfig)).toThrow(
      /RedisCircuitBreaker: state is not an option here/,
    );
    expect(() => new RedisCircuitBreaker(r, { prefix: 'x:', recoveryTimeout: -1 })).toThrow('CircuitBreaker: recoveryTimeout must be a finite number > 0, got -1');
    const noDup = { status: 'ready', evalsha: r.evalsha.bind(r), eval: r.eval.bind(r) };
    expect(() => new RedisCircuitBreaker(noDup as never, { prefix: 'x:' })).toThrow(/must have duplicate\(\) for pub\/sub/);
  });
});

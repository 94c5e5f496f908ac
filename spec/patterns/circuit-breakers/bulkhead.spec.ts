import { describe, expect, it } from 'vitest';
import {
  go,
  synctest,
  nowMillis,
  sleep,
  background,
  withCancel,
  withTimeout,
  isCanceled,
  isDeadlineExceeded,
} from '../../../runtime/index.js';
import {
  BulkheadCircuitBreaker,
  CircuitBreaker,
  BulkheadRejectedError,
  isBulkheadRejectedError,
  wrap,
} from '../../../patterns/index.js';
import { seeds } from '../../stress.js';
import { caught, join, outcome } from './helpers.js';
import { rng } from '../../prng.js';

/** job returns a call that logs its start, waits `ms`, logs its end and resolves to `name` (or throws). */
function job(log: string[], name: string, ms: number, fails = false): () => Promise<string> {
  return async () => {
    log.push(`${name}>`);
    await sleep(ms);
    log.push(`<${name}`);
    if (fails) throw new Error(`${name} failed`);
    return name;
  };
}

describe('BulkheadCircuitBreaker', () => {
  it('runs up to maxConcurrentCalls at once and queues the rest in arrival order', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 2 });
      const log: string[] = [];
      const ps = ['a', 'b', 'c', 'd', 'e'].map((n, i) => b.call(job(log, n, 10 * (i + 1))));
      await synctest.wait();
      expect(log).toEqual(['a>', 'b>']);
      expect(b.getAvailablePermits()).toBe(0);
      expect(b.getQueueLength()).toBe(3);
      expect(await join(Promise.all(ps))).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(log).toEqual(['a>', 'b>', '<a', 'c>', '<b', 'd>', '<c', 'e>', '<d', '<e']);
      expect(b.getAvailablePermits()).toBe(2);
      expect(b.getQueueLength()).toBe(0);
    });
  });

  it('hands a freed permit to the first waiter inside the release: the queue shrinks at once, nobody barges', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, maxQueueSize: 1 });
      const log: string[] = [];
      const first = b.call(job(log, 'a', 10));
      const second = b.call(job(log, 'b', 10));
      await synctest.wait();
      let queueAtRelease = -1;
      let barged: string | undefined = 'not tried';
      await join(
        first.then(async () => {
          queueAtRelease = b.getQueueLength();
          barged = await b.tryCall(async () => 'barged');
        }),
      );
      expect(queueAtRelease).toBe(0); // b left the line when a released
      expect(barged).toBeUndefined();
      expect(await second).toBe('b');
      expect(log).toEqual(['a>', '<a', 'b>', '<b']);
    });
  });

  it('rejects a waiter with reason timeout exactly maxWaitTime after it queued; it never runs', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, maxWaitTime: 100 });
      const log: string[] = [];
      void b.call(job(log, 'a', 1000));
      const t0 = nowMillis();
      let at = -1;
      const waiter = b.call(job(log, 'b', 1)).catch((e: unknown) => {
        at = nowMillis() - t0;
        throw e;
      });
      const e = await caught(waiter);
      expect(at).toBe(100);
      expect(e).toBeInstanceOf(BulkheadRejectedError);
      expect(isBulkheadRejectedError(e)).toBe(true);
      expect(e).toMatchObject({ code: 'ERR_BULKHEAD_FULL', reason: 'timeout' });
      expect((e as Error).message).toBe('bulkhead rejected the call: no permit within 100 ms');
      expect(b.getQueueLength()).toBe(0);
      await sleep(2000);
      expect(log).toEqual(['a>', '<a']);
      expect(b.getMetrics()).toMatchObject({ rejectedTimeout: 1, admitted: 1, availablePermits: 1 });
    });
  });

  it('a timed-out waiter blocks no one: the next caller gets the permit as soon as it is free', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, maxWaitTime: 100 });
      const log: string[] = [];
      const t0 = nowMillis();
      void b.call(job(log, 'a', 150));
      const timedOut = outcome(b.call(job(log, 'b', 1)));
      await sleep(60);
      const c = b.call(async () => {
        log.push(`c@${nowMillis() - t0}`);
        return 'c';
      });
      expect(await timedOut).toBe('ERR_BULKHEAD_FULL');
      expect(await c).toBe('c');
      expect(log).toEqual(['a>', '<a', 'c@150']);
    });
  });

  it("an aborted waiter rejects with the signal's reason, never runs, and leaves the line at once", async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1 });
      const log: string[] = [];
      const ac = new AbortController();
      void b.call(job(log, 'a', 100));
      const aborted = caught(b.call(job(log, 'b', 1), ac.signal));
      const c = b.call(job(log, 'c', 1));
      await synctest.wait();
      expect(b.getQueueLength()).toBe(2);
      await sleep(10);
      const reason = new Error('client went away');
      ac.abort(reason);
      expect(await aborted).toBe(reason);
      expect(b.getQueueLength()).toBe(1);
      expect(await c).toBe('c');
      expect(log).toEqual(['a>', '<a', 'c>', '<c']);
      expect(b.getMetrics()).toMatchObject({ canceled: 1, waited: 2, admitted: 2 });
    });
  });

  it('a waiter whose Context deadline passes rejects with DeadlineExceeded', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, maxWaitTime: 1000 });
      void b.call(() => sleep(500));
      const [ctx, cancel] = withTimeout(background(), 50);
      const t0 = nowMillis();
      const e = await caught(b.call(() => 'never', ctx));
      expect(isDeadlineExceeded(e)).toBe(true);
      expect(nowMillis() - t0).toBe(50);
      cancel();
    });
  });

  it('rejects with the context error, without running fn, when cancel is already done (even with permits free)', async () => {
    const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1 });
    const [ctx, cancel] = withCancel(background());
    cancel();
    let ran = false;
    expect(isCanceled(await caught(b.call(() => (ran = true), ctx)))).toBe(true);
    expect(ran).toBe(false);
    expect(b.getAvailablePermits()).toBe(1);
  });

  it('keeps the permit while fn runs, even if the caller cancels meanwhile', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, enableQueue: false });
      const ac = new AbortController();
      const p = b.call(async (ctx) => {
        await sleep(100);
        return ctx.err() === null ? 'alive' : 'saw cancel';
      }, ac.signal);
      await sleep(10);
      ac.abort();
      expect(b.getAvailablePermits()).toBe(0);
      expect(await outcome(b.call(async () => 'x'))).toBe('ERR_BULKHEAD_FULL');
      expect(await p).toBe('saw cancel');
      expect(b.getAvailablePermits()).toBe(1);
    });
  });

  it('releases the permit when fn throws, synchronously or not', async () => {
    const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1 });
    await expect(
      b.call(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(b.getAvailablePermits()).toBe(1);
    await expect(b.call(() => Promise.reject(new Error('async')))).rejects.toThrow('async');
    expect(b.getAvailablePermits()).toBe(1);
    expect(b.getMetrics()).toMatchObject({ failures: 2, successes: 0 });
  });

  it('passes the permit on to a waiter when the holder throws', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1 });
      const log: string[] = [];
      const a = outcome(b.call(job(log, 'a', 10, true)));
      const c = b.call(job(log, 'c', 10));
      expect(await a).toBe('a failed');
      expect(await c).toBe('c');
    });
  });

  it('rejects at once with reason full when queueing is off', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, enableQueue: false });
      void b.call(() => sleep(10));
      let ran = false;
      const e = await caught(b.call(() => (ran = true)));
      expect(e).toMatchObject({ code: 'ERR_BULKHEAD_FULL', reason: 'full' });
      expect((e as Error).message).toBe('bulkhead rejected the call: 1 calls running');
      expect(ran).toBe(false);
    });
  });

  it('rejects with reason full once maxQueueSize callers wait', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, maxQueueSize: 2 });
      void b.call(() => sleep(10));
      const w1 = b.call(() => 1);
      const w2 = b.call(() => 2);
      const e = await caught(b.call(() => 3));
      expect(e).toMatchObject({ reason: 'full' });
      expect((e as Error).message).toBe('bulkhead rejected the call: 1 calls running and 2 waiting');
      expect(await Promise.all([w1, w2])).toEqual([1, 2]);
      expect(b.getMetrics()).toMatchObject({ rejectedFull: 1, peakQueueLength: 2, peakActive: 1 });
    });
  });

  it('treats maxQueueSize 0 as no queue', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, maxQueueSize: 0 });
      void b.call(() => sleep(10));
      expect(await outcome(b.call(() => 1))).toBe('ERR_BULKHEAD_FULL');
    });
  });

  it('tryCall runs fn only when a permit is free at once', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1 });
      expect(await b.tryCall(() => 'ran')).toBe('ran');
      const held = b.call(() => sleep(10));
      let ran = false;
      expect(await b.tryCall(() => (ran = true))).toBeUndefined();
      expect(ran).toBe(false);
      await held;
      await expect(b.tryCall(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
      expect(b.getAvailablePermits()).toBe(1);
      expect(b.getMetrics().rejectedFull).toBe(1);
    });
  });

  it('is healthy while a permit is free or the line is short', async () => {
    await synctest.run(async () => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, maxQueueSize: 4 });
      expect(b.isHealthy()).toBe(true);
      void b.call(() => sleep(100));
      expect(b.isHealthy()).toBe(true); // full, nobody waits
      void b.call(() => sleep(100));
      expect(b.isHealthy()).toBe(true); // 1 < 4 / 2
      void b.call(() => sleep(100));
      expect(b.isHealthy()).toBe(false); // 2 waiting: half the queue
      const unbounded = new BulkheadCircuitBreaker({ maxConcurrentCalls: 2 });
      for (let i = 0; i < 3; i++) void unbounded.call(() => sleep(100));
      expect(unbounded.isHealthy()).toBe(true); // 1 waiting < maxConcurrentCalls
      void unbounded.call(() => sleep(100));
      expect(unbounded.isHealthy()).toBe(false);
      const noQueue = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, enableQueue: false });
      void noQueue.call(() => sleep(100));
      expect(noQueue.isHealthy()).toBe(false);
    });
  });

  it('composes with a circuit breaker through wrap; a rejection of the bulkhead counts as a failure', async () => {
    await synctest.run(async () => {
      const breaker = new CircuitBreaker({ failureThreshold: 1 });
      const bulkhead = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, enableQueue: false });
      const policy = wrap(breaker, bulkhead);
      const held = policy.execute(() => sleep(10));
      expect(await outcome(policy.execute(() => 1))).toBe('ERR_BULKHEAD_FULL');
      expect(breaker.isOpen()).toBe(true);
      await held;
    });
  });

  it('leaks no permit and exceeds no limit under a seeded mix of success, throw, abort and timeout', async () => {
    const mix = { ok: 0, threw: 0, canceled: 0, timeout: 0 };
    for (const seed of seeds(20)) {
      await synctest.run(async () => {
        const rand = rng(seed);
        const max = 1 + Math.floor(rand() * 3);
        const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: max, maxWaitTime: 5 + Math.floor(rand() * 40) });
        let running = 0;
        let peak = 0;
        const ran = new Set<number>();
        const settled: Promise<void>[] = [];
        const tally = { ok: 0, threw: 0, canceled: 0, timeout: 0 };
        for (let i = 0; i < 60; i++) {
          const kind = rand();
          const ms = Math.floor(rand() * 20);
          const fails = kind < 0.3;
          const ac = kind > 0.7 ? new AbortController() : undefined;
          if (ac !== undefined) {
            const at = Math.floor(rand() * 30);
            go(async () => {
              await sleep(at);
              ac.abort();
            });
          }
          const id = i;
          const fn = async (): Promise<number> => {
            ran.add(id);
            peak = Math.max(peak, ++running);
            try {
              await sleep(ms);
              if (fails) throw new Error('x');
              return id;
            } finally {
              running--;
            }
          };
          settled.push(
            b.call(fn, ac?.signal).then(
              () => void tally.ok++,
              (e: unknown) => {
                if ((e as Error).name === 'AbortError') {
                  tally.canceled++;
                  expect(ran.has(id)).toBe(false);
                } else if (isBulkheadRejectedError(e)) {
                  tally.timeout++;
                  expect(ran.has(id)).toBe(false);
                } else tally.threw++;
              },
            ),
          );
          if (rand() < 0.5) await sleep(Math.floor(rand() * 5));
        }
        await Promise.all(settled);
        const m = b.getMetrics();
        expect(peak, `seed ${seed}`).toBeLessThanOrEqual(max);
        expect(b.getAvailablePermits(), `seed ${seed}`).toBe(max);
        expect(b.getQueueLength(), `seed ${seed}`).toBe(0);
        expect(ran.size, `seed ${seed}`).toBe(tally.ok + tally.threw);
        expect(m.admitted, `seed ${seed}`).toBe(ran.size);
        expect(m.canceled + m.rejectedTimeout, `seed ${seed}`).toBe(tally.canceled + tally.timeout);
        expect(tally.ok + tally.threw + tally.canceled + tally.timeout).toBe(60);
        for (const k of ['ok', 'threw', 'canceled', 'timeout'] as const) mix[k] += tally[k];
      });
    }
    // every kind of outcome happened, many times
    expect(Math.min(mix.ok, mix.threw, mix.canceled, mix.timeout), JSON.stringify(mix)).toBeGreaterThan(20);
  });
});

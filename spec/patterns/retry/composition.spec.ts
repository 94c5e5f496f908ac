/**
 * RetryExecutor composed with other policies through wrap(), retry outermost, so that every retry goes through the
 * breaker and the bulkhead: first against small fakes that follow the other families' contracts (error codes,
 * remainingMs), then against the real CircuitBreaker, BulkheadCircuitBreaker and TokenBucketRateLimiter.
 */
import { describe, expect, it } from 'vitest';
import { type Context, background, nowMillis, sleep, synctest, withCancel } from '../../../runtime/index.js';
import {
  type Cancel,
  PatternError,
  type Policy,
  wrap,
  BulkheadCircuitBreaker,
  CircuitBreaker,
  isBrokenCircuitError,
  isRateLimitedError,
  isRetryExhaustedError,
  RetryExecutor,
  RetryPolicy,
  TokenBucketRateLimiter,
} from '../../../patterns/index.js';
import { toContext } from '../../../patterns/core/cancel.js';

/** FakeBreaker opens after `threshold` consecutive failures, for `openMs`, and then lets the next call probe. */
class FakeBreaker implements Policy {
  failures = 0;
  openUntil = -Infinity;
  rejections = 0;
  constructor(
    readonly threshold: number,
    readonly openMs: number,
  ) {}

  async execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    const remainingMs = this.openUntil - nowMillis();
    if (remainingMs > 0) {
      this.rejections++;
      throw Object.assign(new PatternError('circuit breaker is open', 'ERR_CIRCUIT_OPEN'), { remainingMs });
    }
    const [ctx, release] = toContext(cancel);
    try {
      const v = await fn(ctx);
      this.failures = 0;
      return v;
    } catch (e) {
      if (++this.failures >= this.threshold) this.openUntil = nowMillis() + this.openMs;
      throw e;
    } finally {
      release();
    }
  }
}

/** FakeBulkhead admits `limit` calls at a time and rejects the rest. */
class FakeBulkhead implements Policy {
  active = 0;
  rejections = 0;
  constructor(readonly limit: number) {}

  async execute<T>(fn: (ctx: Context) => Promise<T> | T, cancel?: Cancel): Promise<T> {
    if (this.active >= this.limit) {
      this.rejections++;
      throw new PatternError('bulkhead rejected the call: full', 'ERR_BULKHEAD_FULL');
    }
    this.active++;
    const [ctx, release] = toContext(cancel);
    try {
      return await fn(ctx);
    } finally {
      this.active--;
      release();
    }
  }
}

const policy = (maxAttempts: number): RetryPolicy =>
  new RetryPolicy({ maxAttempts, initialDelay: 100, maxDelay: 1000, jitter: 'none' });

describe('wrap(retry, breaker, bulkhead)', () => {
  it('retries through the breaker, waiting out its open time instead of spending attempts on it', async () => {
    await synctest.run(async () => {
      const breaker = new FakeBreaker(2, 700);
      const calls: number[] = [];
      const t0 = nowMillis();
      const retry = new RetryExecutor(policy(5));
      const r = await wrap(retry, breaker, new FakeBulkhead(4)).execute(async () => {
        calls.push(nowMillis() - t0);
        if (calls.length <= 2) throw new Error('503');
        return 'ok';
      });
      // Failures at 0 and 100 open the breaker until 800. The third attempt, at 300 (backoff 200), is rejected by
      // the breaker with 500 ms remaining; the retry waits those 500 ms and the fourth attempt reaches the service.
      expect(r).toBe('ok');
      expect(calls).toEqual([0, 100, 800]);
      expect(breaker.rejections).toBe(1);
      expect(retry.getMetrics()).toMatchObject({ attempts: 4, retries: 3, successes: 1, totalDelay: 800 });
    });
  });

  it('gives up with RetryExhaustedError whose cause is the last error seen through the stack', async () => {
    await synctest.run(async () => {
      const breaker = new FakeBreaker(1, 150);
      const e = await wrap(new RetryExecutor(policy(3)), breaker)
        .execute(() => Promise.reject(new Error('down')))
        .catch((x: unknown) => x);
      // 0: fails, opens until 150. 100: rejected, 50 ms left, waits max(200, 50) = 200. 300: fails again.
      expect(isRetryExhaustedError(e)).toBe(true);
      expect(((e as Error).cause as Error).message).toBe('down');
      expect(breaker.rejections).toBe(1);
    });
  });

  it('retries a bulkhead rejection after the ordinary backoff', async () => {
    await synctest.run(async () => {
      const bulkhead = new FakeBulkhead(1);
      const resilient = wrap(new RetryExecutor(policy(3)), bulkhead);
      const t0 = nowMillis();
      const done: [string, number][] = [];
      const slow = resilient.execute(async () => {
        await sleep(150);
        done.push(['slow', nowMillis() - t0]);
      });
      const fast = resilient.execute(() => void done.push(['fast', nowMillis() - t0]));
      await Promise.all([slow, fast]);
      // fast is rejected at 0, retried at 100 (still full), then at 300.
      expect(done).toEqual([
        ['slow', 150],
        ['fast', 300],
      ]);
      expect(bulkhead.rejections).toBe(2);
    });
  });

  it('passes the caller cancellation down to the call, and stops retrying', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withCancel(background());
      let calls = 0;
      const p = wrap(new RetryExecutor(policy(5)), new FakeBreaker(10, 100), new FakeBulkhead(1))
        .execute(async (inner) => {
          calls++;
          await inner.done()!.recv();
          throw inner.err();
        }, ctx)
        .catch((e: unknown) => e);
      await sleep(30);
      cancel();
      expect(((await p) as Error).message).toBe('context canceled');
      expect(calls).toBe(1);
    });
  });

  it('reads as one line with the policies in the order they apply', async () => {
    const retry = new RetryExecutor(policy(2));
    const resilient = wrap(retry, new FakeBreaker(5, 1000), new FakeBulkhead(10));
    expect(await resilient.execute(() => 42)).toBe(42);
  });
});

describe('wrap(retry, CircuitBreaker, BulkheadCircuitBreaker, TokenBucketRateLimiter)', () => {
  it('waits out the real breaker open time, then probes and succeeds', async () => {
    await synctest.run(async () => {
      const breaker = new CircuitBreaker({ failureThreshold: 2, recoveryTimeout: 500 });
      const bulkhead = new BulkheadCircuitBreaker({ maxConcurrentCalls: 2 });
      const limiter = new TokenBucketRateLimiter({ capacity: 10, refillRate: 10 });
      const retry = new RetryExecutor(policy(5));
      const t0 = nowMillis();
      const calls: number[] = [];
      const r = await wrap(retry, breaker, bulkhead, limiter).execute(() => {
        calls.push(nowMillis() - t0);
        if (calls.length <= 2) throw new Error('503');
        return 'ok';
      });
      // Failures at 0 and 100 open the breaker until 600. At 300 (backoff 200) it rejects with 300 ms remaining;
      // the next backoff, 400, is longer, so the probe goes at 700 and closes the circuit.
      expect(r).toBe('ok');
      expect(calls).toEqual([0, 100, 700]);
      expect(breaker.getMetrics()).toMatchObject({ state: 'closed', calls: 3, rejections: 1 });
      expect(retry.getMetrics()).toMatchObject({ attempts: 4, retries: 3, totalDelay: 700 });
    });
  });

  it('gives up at once on a breaker open longer than maxDelay, with the breaker rejection as is', async () => {
    await synctest.run(async () => {
      const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 60_000 });
      const resilient = wrap(new RetryExecutor(policy(5)), breaker);
      let calls = 0;
      const e = await resilient
        .execute(() => {
          calls++;
          throw new Error('down');
        })
        .catch((x: unknown) => x);
      expect(isBrokenCircuitError(e)).toBe(true);
      expect(calls).toBe(1);
      breaker.forceOpen();
      const forced = await resilient.execute(() => 'never').catch((x: unknown) => x);
      expect(isBrokenCircuitError(forced)).toBe(true);
    });
  });

  it('retries a full bulkhead after the backoff', async () => {
    await synctest.run(async () => {
      const bulkhead = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1, enableQueue: false });
      const resilient = wrap(new RetryExecutor(policy(3)), bulkhead);
      const t0 = nowMillis();
      const done: [string, number][] = [];
      await Promise.all([
        resilient.execute(async () => {
          await sleep(150);
          done.push(['slow', nowMillis() - t0]);
        }),
        resilient.execute(() => void done.push(['fast', nowMillis() - t0])),
      ]);
      expect(done).toEqual([
        ['slow', 150],
        ['fast', 300],
      ]);
    });
  });

  it('retries a rate limiter refusal after its retryAfter, and not when that exceeds maxDelay', async () => {
    await synctest.run(async () => {
      const limiter = new TokenBucketRateLimiter({ capacity: 1, refillRate: 1, refillInterval: 800, maxWait: 0 });
      const resilient = wrap(new RetryExecutor(policy(3)), limiter);
      const t0 = nowMillis();
      const at: number[] = [];
      await resilient.execute(() => void at.push(nowMillis() - t0));
      await resilient.execute(() => void at.push(nowMillis() - t0)); // refused: the next token is due at 800
      expect(at).toEqual([0, 800]);

      const slow = new TokenBucketRateLimiter({ capacity: 1, refillRate: 1, refillInterval: 5000, maxWait: 0 });
      const strict = wrap(new RetryExecutor(policy(3)), slow);
      await strict.execute(() => 1);
      const e = await strict.execute(() => 2).catch((x: unknown) => x);
      expect(isRateLimitedError(e)).toBe(true); // retryAfter 5000 > maxDelay 1000: not retried
    });
  });

  it('stops at once when the caller aborts while the call waits in the bulkhead queue', async () => {
    await synctest.run(async () => {
      const bulkhead = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1 });
      const resilient = wrap(new RetryExecutor(policy(5)), new CircuitBreaker(), bulkhead);
      const hold = resilient.execute(() => sleep(1000));
      const ac = new AbortController();
      let ran = false;
      const p = resilient.execute(() => void (ran = true), ac.signal).catch((x: unknown) => x);
      await sleep(100);
      const reason = new Error('client left');
      ac.abort(reason);
      expect(await p).toBe(reason);
      await hold;
      expect(ran).toBe(false);
    });
  });
});

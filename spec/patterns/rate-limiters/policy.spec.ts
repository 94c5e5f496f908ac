import { describe, expect, it } from 'vitest';
import {
  background,
  withCancel,
  isCanceled,
  isDeadlineExceeded,
  withTimeout,
  type Context,
  InvalidArgumentError,
  synctest,
  sleep,
} from '../../../runtime/index.js';
import {
  wrap,
  isRateLimitedError,
  isRateLimiterClosedError,
  RateLimitedError,
  RateLimiterClosedError,
  PatternError,
  SlidingWindowRateLimiter,
  TokenBucketRateLimiter,
} from '../../../patterns/index.js';
import { stopwatch, track } from './helpers.js';
import { expectRejection } from '../../rejection.js';

const bucket = (maxWait?: number) =>
  new TokenBucketRateLimiter({ capacity: 2, refillRate: 10, ...(maxWait === undefined ? {} : { maxWait }) });
const window = (maxWait?: number) =>
  new SlidingWindowRateLimiter({ windowSize: 1000, maxRequests: 2, ...(maxWait === undefined ? {} : { maxWait }) });

describe('RateLimitedError', () => {
  it('has a stable code, a guard, a name and the retry estimate', () => {
    const e = new RateLimitedError('X', 1 / 3);
    expect(e.code).toBe('ERR_RATE_LIMITED');
    expect(e.name).toBe('RateLimitedError');
    expect(e.message).toBe('X: rate limited, retry after 0.333 ms');
    expect(e.retryAfter).toBe(1 / 3);
    expect(isRateLimitedError(e)).toBe(true);
    expect(isRateLimitedError({ code: 'ERR_RATE_LIMITED' })).toBe(true); // across threads, by code
    expect(isRateLimitedError(new Error('x'))).toBe(false);
    expect(new RateLimitedError('X', Number.NaN).message).toBe('X: rate limited');
    expect(e).toBeInstanceOf(PatternError);
  });

  it('RateLimiterClosedError has its own code and guard', () => {
    const e = new RateLimiterClosedError('LeakyBucketRateLimiter');
    expect([e.name, e.code, e.message]).toEqual([
      'RateLimiterClosedError',
      'ERR_RATE_LIMITER_CLOSED',
      'LeakyBucketRateLimiter: closed',
    ]);
    expect(e).toBeInstanceOf(PatternError);
    expect(isRateLimiterClosedError(e)).toBe(true);
    expect(isRateLimitedError(e)).toBe(false);
  });
});

describe('TokenBucketRateLimiter.execute', () => {
  it('runs the function with a permit and settles as it does', () =>
    synctest.run(async () => {
      const l = bucket();
      expect(await l.execute(() => 42)).toBe(42);
      await expect(l.execute(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(l.getAvailableTokens()).toBe(0);
    }));

  it('waits for a permit by default, FIFO with acquire', () =>
    synctest.run(async () => {
      const l = bucket();
      const clock = stopwatch();
      l.tryAcquire(2);
      const order: string[] = [];
      const a = l.acquire(2).then(() => order.push(`acquire ${clock()}`));
      const b = l.execute(() => order.push(`execute ${clock()}`));
      await Promise.all([a, b]);
      expect(order).toEqual(['acquire 200', 'execute 300']);
    }));

  it('rejects at once with RateLimitedError when maxWait is 0', () =>
    synctest.run(async () => {
      const l = bucket(0);
      l.tryAcquire(2);
      let ran = false;
      const e = await l.execute(() => (ran = true)).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(RateLimitedError);
      expect((e as RateLimitedError).retryAfter).toBe(100);
      expect((e as Error).message).toBe('TokenBucketRateLimiter: rate limited, retry after 100 ms');
      expect(ran).toBe(false);
    }));

  it('rejects at once when the wait would exceed maxWait, and waits when it would not', () =>
    synctest.run(async () => {
      const l = bucket(150);
      const clock = stopwatch();
      l.tryAcquire(2);
      void l.acquire(1); // 100 ms ahead
      const e = await l.execute(() => 'no').catch((err: unknown) => err);
      expect(isRateLimitedError(e) && e.retryAfter).toBe(200);
      expect(clock()).toBe(0);
      await sleep(100);
      expect(await l.execute(() => `ran at ${clock()}`)).toBe('ran at 200');
    }));

  it('passes the caller context to the function and honours its cancellation', () =>
    synctest.run(async () => {
      const l = bucket();
      const [ctx, cancel] = withCancel(background());
      expect(await l.execute((c: Context) => c === ctx, ctx)).toBe(true);
      l.tryAcquire(1);
      const p = track(l.execute(() => 'late', ctx));
      await sleep(50);
      cancel();
      await sleep(1);
      expect(p.state()).toBe('ERR_CONTEXT_CANCELED');
      const e = await l.execute(() => 'x', ctx).catch((err: unknown) => err);
      expect(isCanceled(e)).toBe(true);
      expect(l.getAvailableTokens()).toBe(0.51); // nothing taken by the canceled call
    }));

  it('composes with wrap', () =>
    synctest.run(async () => {
      const a = bucket(0);
      const b = window(0);
      const clock = stopwatch();
      const both = wrap(a, b);
      expect(await both.execute(() => 1)).toBe(1);
      expect(await both.execute(() => 2)).toBe(2);
      await expect(both.execute(() => 3)).rejects.toThrow('TokenBucketRateLimiter: rate limited');
      await sleep(200);
      await expect(both.execute(() => 3)).rejects.toThrow('SlidingWindowRateLimiter: rate limited');
      expect(clock()).toBe(200);
    }));

  it('rejects (never throws) with InvalidArgumentError for a non-function or a bad cancel', () =>
    synctest.run(async () => {
      const l = bucket();
      await expectRejection(
        () => l.execute(5 as unknown as () => number),
        InvalidArgumentError,
        'TokenBucketRateLimiter.execute: fn must be a function, got 5',
      );
      await expectRejection(() => l.execute(() => 1, 'x' as unknown as AbortSignal), InvalidArgumentError, /cancel must be a Context/);
      const w = window();
      await expectRejection(
        () => w.execute(null as unknown as () => number),
        InvalidArgumentError,
        'SlidingWindowRateLimiter.execute: fn must be a function, got null',
      );
      await expectRejection(() => w.execute(() => 1, 7 as unknown as AbortSignal), InvalidArgumentError, /cancel must be a Context/);
    }));
});

describe('SlidingWindowRateLimiter.execute', () => {
  it('waits for room by default', () =>
    synctest.run(async () => {
      const l = window();
      const clock = stopwatch();
      await l.execute(() => 1);
      await l.execute(() => 2);
      expect(await l.execute(() => clock())).toBe(1000);
    }));

  it('rejects with RateLimitedError and the exact retryAfter when maxWait is 0', () =>
    synctest.run(async () => {
      const l = window(0);
      l.tryRequestBatch(2);
      await sleep(300);
      const e = await l.execute(() => 1).catch((err: unknown) => err);
      expect(isRateLimitedError(e) && e.retryAfter).toBe(700);
    }));

  it('rejects at once when the wait would exceed maxWait', () =>
    synctest.run(async () => {
      const l = window(500);
      const clock = stopwatch();
      l.tryRequestBatch(2);
      await expect(l.execute(() => 1)).rejects.toThrow('SlidingWindowRateLimiter: rate limited, retry after 1000 ms');
      expect(clock()).toBe(0);
      await sleep(600);
      expect(await l.execute(() => clock())).toBe(1000);
    }));

  it('waits at most maxWait behind other waiters, then rejects with RateLimitedError', () =>
    synctest.run(async () => {
      const l = window(1500);
      const clock = stopwatch();
      l.tryRequestBatch(2);
      void l.request();
      void l.request();
      void l.request(); // these take the room at t=1000 and t=2000
      const e = await l.execute(() => 1).catch((err: unknown) => err);
      expect(isRateLimitedError(e)).toBe(true);
      expect(clock()).toBe(1500);
    }));

  it("reports the caller's own deadline as DeadlineExceeded, not as a rate limit", () =>
    synctest.run(async () => {
      const l = window(5000);
      l.tryRequestBatch(2);
      void l.request();
      const [ctx, cancel] = withTimeout(background(), 300);
      const e = await l.execute(() => 1, ctx).catch((err: unknown) => err);
      cancel();
      expect(isDeadlineExceeded(e)).toBe(true);
    }));
});

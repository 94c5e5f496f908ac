import { describe, expect, it } from 'vitest';
import {
  background,
  cause,
  withCancel,
  type Context,
  DeadlineExceeded,
  isDeadlineExceeded,
  withTimeout,
  InvalidArgumentError,
  recv,
  go,
  synctest,
  nanotime,
  sleep,
} from '../../../runtime/index.js';
import {
  CircuitBreaker,
  wrap,
  RetryExecutor,
  RetryPolicy,
  CallTimeoutError,
  isCallTimeoutError,
  TimeoutPolicy,
} from '../../../patterns/index.js';

/** elapsed runs `f` and returns what it settled with and the virtual ms it took. */
async function timed<T>(f: () => Promise<T>): Promise<[settled: unknown, ms: number]> {
  const t0 = nanotime();
  const settled = await f().then(
    (v) => v as unknown,
    (e: unknown) => e,
  );
  return [settled, (nanotime() - t0) / 1e6];
}

/** cooperative is a call that gives up when its context is done, with the context's cause. */
const cooperative = (ms: number) => async (ctx: Context): Promise<string> => {
  const t = sleep(ms).then(() => 'done');
  const stop = recv(ctx.done()).then(() => {
    throw cause(ctx);
  });
  return Promise.race([t, stop]);
};

describe('TimeoutPolicy: cooperative', () => {
  it('passes a call that finishes in time through, and cancels its context afterwards', async () => {
    await synctest.run(async () => {
      const p = new TimeoutPolicy({ timeout: 100 });
      let seen: Context | null = null;
      const [v, ms] = await timed(() => p.execute(async (ctx) => ((seen = ctx), await sleep(60), 'ok')));
      expect([v, ms]).toEqual(['ok', 60]);
      expect(seen!.err()).not.toBeNull(); // released: no timer left armed
    });
  });

  it('cancels the context at exactly the deadline and rejects with CallTimeoutError once the call gives up', async () => {
    await synctest.run(async () => {
      const p = new TimeoutPolicy({ timeout: 100 });
      const [e, ms] = await timed(() => p.execute(cooperative(1000)));
      expect(ms).toBe(100);
      expect(e).toBeInstanceOf(CallTimeoutError);
      expect(isCallTimeoutError(e)).toBe(true);
      expect(e).toMatchObject({ code: 'ERR_CALL_TIMEOUT', timeout: 100, message: 'call timed out after 100 ms' });
      expect((e as Error).cause).toBeUndefined(); // the call threw the CallTimeoutError itself
    });
  });

  it('wraps the error a call fails with after the deadline as the cause', async () => {
    await synctest.run(async () => {
      const p = new TimeoutPolicy({ timeout: 50 });
      const e = await p
        .execute(async (ctx) => {
          await recv(ctx.done());
          expect(isDeadlineExceeded(ctx.err())).toBe(true);
          throw new Error('aborted by the client library');
        })
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(CallTimeoutError);
      expect(((e as Error).cause as Error).message).toBe('aborted by the client library');
    });
  });

  it('waits for a call that ignores its context and resolves with its late value', async () => {
    await synctest.run(async () => {
      const p = new TimeoutPolicy({ timeout: 100 });
      const [v, ms] = await timed(() => p.execute(async () => (await sleep(300), 'late')));
      expect([v, ms]).toEqual(['late', 300]);
    });
  });

  it('lets an error before the deadline through untouched', async () => {
    const p = new TimeoutPolicy({ timeout: 100 });
    const e = new Error('boom');
    expect(await p.execute(() => Promise.reject(e)).catch((x: unknown) => x)).toBe(e);
    expect(
      await p
        .execute(() => {
          throw e;
        })
        .catch((x: unknown) => x),
    ).toBe(e);
  });

  it("leaves the caller's cancel to the call, and an earlier deadline of the caller wins", async () => {
    await synctest.run(async () => {
      const p = new TimeoutPolicy({ timeout: 100 });
      const [ctx] = withTimeout(background(), 30);
      const [e, ms] = await timed(() => p.execute(cooperative(1000), ctx));
      expect(ms).toBe(30);
      expect(e).toBe(DeadlineExceeded);
    });
  });

  it('rejects at once with the reason of a cancel already done, without calling', async () => {
    const p = new TimeoutPolicy({ timeout: 100 });
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    let called = false;
    const e = await p.execute(() => (called = true), ac.signal).catch((x: unknown) => x);
    expect([(e as Error).message, called]).toEqual(['gone', false]);
  });
});

describe('TimeoutPolicy: aggressive', () => {
  it('rejects at the deadline without waiting for a call that ignores its context', async () => {
    await synctest.run(async () => {
      const p = new TimeoutPolicy({ timeout: 100, strategy: 'aggressive' });
      let finished = false;
      const [e, ms] = await timed(() => p.execute(async () => (await sleep(300), (finished = true), 'late')));
      expect(ms).toBe(100);
      expect(e).toBeInstanceOf(CallTimeoutError);
      expect(finished).toBe(false);
      await sleep(300); // the call ran on, unobserved; its result is dropped
      expect(finished).toBe(true);
    });
  });

  it('rejects at once with the reason of the caller cancelling', async () => {
    await synctest.run(async () => {
      const p = new TimeoutPolicy({ timeout: 100, strategy: 'aggressive' });
      const [ctx, cancel] = withCancel(background());
      go(async () => {
        await sleep(10);
        cancel();
      });
      const [e, ms] = await timed(() => p.execute(() => sleep(1000), ctx));
      expect([(e as Error).message, ms]).toEqual(['context canceled', 10]);
    });
  });

  it('settles as the call does when it finishes in time', async () => {
    await synctest.run(async () => {
      const p = new TimeoutPolicy({ timeout: 100, strategy: 'aggressive' });
      expect(await timed(() => p.execute(async () => (await sleep(99), 'ok')))).toEqual(['ok', 99]);
      const boom = new Error('boom');
      expect(await timed(() => p.execute(() => Promise.reject(boom)))).toEqual([boom, 0]);
    });
  });
});

describe('TimeoutPolicy: composition', () => {
  it('gives each retry attempt its own deadline, and the breaker counts a timeout as a failure', async () => {
    await synctest.run(async () => {
      const breaker = new CircuitBreaker({ failureThreshold: 3 });
      const retry = new RetryExecutor(new RetryPolicy({ maxAttempts: 3, initialDelay: 10, jitter: 'none' }));
      const policy = wrap(retry, breaker, new TimeoutPolicy({ timeout: 100 }));
      let attempts = 0;
      const [e, ms] = await timed(() =>
        policy.execute((ctx) => {
          attempts++;
          return attempts < 3 ? cooperative(1000)(ctx) : Promise.resolve('third time');
        }),
      );
      expect([e, attempts]).toEqual(['third time', 3]);
      expect(ms).toBeGreaterThanOrEqual(200);
      expect(breaker.getMetrics()).toMatchObject({ failures: 2, successes: 1 });
    });
  });
});

describe('TimeoutPolicy: misuse', () => {
  it('throws InvalidArgumentError for a bad option, naming it', () => {
    expect(() => new TimeoutPolicy({ timeout: 0 })).toThrow(
      new InvalidArgumentError('TimeoutPolicy: timeout must be a finite number > 0, got 0'),
    );
    expect(() => new TimeoutPolicy({ timeout: 10, strategy: 'eager' as 'aggressive' })).toThrow(
      'TimeoutPolicy: strategy must be one of "cooperative", "aggressive", got "eager"',
    );
    expect(() => new TimeoutPolicy({ timeout: 10, timeOut: 5 } as unknown as { timeout: number })).toThrow(
      /TimeoutPolicy: unknown option "timeOut"/,
    );
  });

  it('rejects, never throws, for a bad fn or cancel', async () => {
    const p = new TimeoutPolicy({ timeout: 10 });
    await expect(p.execute(42 as unknown as () => void)).rejects.toThrow('TimeoutPolicy.execute: fn must be a function, got 42');
    await expect(p.execute(() => 1, 'soon' as unknown as AbortSignal)).rejects.toThrow(/cancel must be a Context/);
  });
});

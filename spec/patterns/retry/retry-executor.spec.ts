import { describe, expect, it } from 'vitest';
import {
  background,
  Canceled,
  DeadlineExceeded,
  go,
  InvalidArgumentError,
  isCanceled,
  nanotime,
  nowMillis,
  sleep,
  synctest,
  withCancel,
  withCancelCause,
  withTimeout,
  type Context,
} from '../../../runtime/index.js';
import {
  PatternError,
  isPermanentError,
  isRetryExhaustedError,
  permanent,
  PermanentError,
  RetryExecutor,
  RetryExhaustedError,
  RetryPolicy,
  type RetryContext,
  type RetryEvent,
  type RetryPolicyConfig,
} from '../../../patterns/index.js';
import { expectRejection } from '../../rejection.js';

/** Flaky is an operation that fails `failures` times, then returns 'ok'; it records when each call started. */
class Flaky {
  readonly times: number[] = [];
  readonly t0 = nowMillis();
  constructor(
    readonly failures: number,
    readonly error: (n: number) => unknown = (n) => new Error(`fail ${n}`),
  ) {}

  get calls(): number {
    return this.times.length;
  }

  readonly fn = async (): Promise<string> => {
    this.times.push(nowMillis() - this.t0);
    if (this.times.length <= this.failures) throw this.error(this.times.length);
    return 'ok';
  };
}

const plain = (c: Partial<RetryPolicyConfig> = {}): RetryPolicy =>
  new RetryPolicy({ initialDelay: 100, maxDelay: 500, jitter: 'none', ...c });

/** settle runs a promise to completion and returns what it settled with, so that rejections can be inspected. */
async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

describe('RetryExecutor delays on virtual time', () => {
  it('waits 100, 200, 400 then maxDelay between attempts with exponential backoff', async () => {
    await synctest.run(async () => {
      const op = new Flaky(5);
      const r = await new RetryExecutor(plain({ maxAttempts: 6 })).execute(op.fn);
      expect(r).toBe('ok');
      expect(op.times).toEqual([0, 100, 300, 700, 1200, 1700]);
    });
  });

  it('waits per the fibonacci and fixed strategies', async () => {
    await synctest.run(async () => {
      const fib = new Flaky(5);
      await new RetryExecutor(plain({ maxAttempts: 6, backoffStrategy: 'fibonacci' })).execute(fib.fn);
      expect(fib.times).toEqual([0, 100, 200, 400, 700, 1200]);
      const fixed = new Flaky(3);
      await new RetryExecutor(plain({ maxAttempts: 4, backoffStrategy: 'fixed', initialDelay: 250 })).execute(fixed.fn);
      expect(fixed.times).toEqual([0, 250, 500, 750]);
    });
  });

  it('passes the previous delay to a custom strategy', async () => {
    await synctest.run(async () => {
      const op = new Flaky(3);
      const policy = plain({ maxAttempts: 4, maxDelay: 10_000, customBackoff: (_a, last) => last + 50 });
      await new RetryExecutor(policy).execute(op.fn);
      expect(op.times).toEqual([0, 150, 350, 600]); // 150, 200, 250
    });
  });

  it('retries at once with a zero delay', async () => {
    await synctest.run(async () => {
      const op = new Flaky(2);
      await new RetryExecutor(plain({ initialDelay: 0, maxDelay: 0 })).execute(op.fn);
      expect(op.times).toEqual([0, 0, 0]);
    });
  });

  it('keeps jittered waits within their range, with the injected random source', async () => {
    await synctest.run(async () => {
      const op = new Flaky(3);
      const policy = plain({ maxAttempts: 4, jitter: 'equal', random: () => 0.5 });
      await new RetryExecutor(policy).execute(op.fn);
      expect(op.times).toEqual([0, 75, 225, 525]); // 3/4 of 100, 200, 400
    });
  });

  it('waits for an error retryAfter hint when it is longer than the backoff', async () => {
    await synctest.run(async () => {
      const op = new Flaky(2, (n) =>
        n === 1 ? Object.assign(new Error('429'), { retryAfter: 450 }) : new Error('plain'),
      );
      await new RetryExecutor(plain()).execute(op.fn);
      expect(op.times).toEqual([0, 450, 650]);
    });
  });
});

describe('RetryExecutor on exact time', () => {
  it('waits odd and tiny delays exactly on virtual time', async () => {
    await synctest.run(async () => {
      const t0 = nanotime();
      const times: number[] = [];
      const delays = [1000 / 11, 3.3e-5, 1e-6, 1000 / 3];
      const policy = plain({ maxAttempts: 5, maxDelay: 1000, customBackoff: (a) => delays[a - 1]! });
      await new RetryExecutor(policy).execute(() => {
        times.push(nanotime() - t0);
        if (times.length < 5) throw new Error('again');
      });
      expect(times).toEqual([0, 90_909_091, 90_909_124, 90_909_125, 424_242_458]);
    });
  });

  it("lets Node's timers run between attempts whose delay is already over when polled (real clock)", async () => {
    // 1 ns delays: the timer is usually due by the time select polls it. Bounded by maxAttempts, so that attempts
    // following each other in microtasks fail this test instead of hanging it.
    let flag = false;
    setTimeout(() => (flag = true), 1);
    const policy = plain({ maxAttempts: 200_000, initialDelay: 1e-6, maxDelay: 1e-6, backoffStrategy: 'fixed' });
    const r = await new RetryExecutor(policy).execute(() => {
      if (!flag) throw new Error('not yet');
      return 'ok';
    });
    expect(r).toBe('ok');
  });
});

describe('RetryExecutor attempts', () => {
  it('counts the first call among maxAttempts and then rejects with RetryExhaustedError', async () => {
    await synctest.run(async () => {
      const op = new Flaky(Infinity);
      const r = await settle(new RetryExecutor(plain({ maxAttempts: 3 })).execute(op.fn));
      expect(op.calls).toBe(3);
      expect(r.ok).toBe(false);
      const e = (r as { error: RetryExhaustedError }).error;
      expect(e).toBeInstanceOf(RetryExhaustedError);
      expect(isRetryExhaustedError(e)).toBe(true);
      expect(e.code).toBe('ERR_RETRY_EXHAUSTED');
      expect(e.attempts).toBe(3);
      expect(e.reason).toBe('attempts');
      expect((e.cause as Error).message).toBe('fail 3');
      expect(e.message).toBe('retry: gave up after 3 attempts: Error: fail 3');
    });
  });

  it('makes one call with maxAttempts 1', async () => {
    await synctest.run(async () => {
      const op = new Flaky(1);
      const r = await settle(new RetryExecutor(plain({ maxAttempts: 1 })).execute(op.fn));
      expect(op.calls).toBe(1);
      expect((r as { error: RetryExhaustedError }).error.message).toBe('retry: gave up after 1 attempt: Error: fail 1');
    });
  });

  it('rethrows the last error on give-up with rethrowLastError', async () => {
    await synctest.run(async () => {
      const op = new Flaky(Infinity);
      const r = await settle(new RetryExecutor(plain(), { rethrowLastError: true }).execute(op.fn));
      expect((r as { error: Error }).error.message).toBe('fail 3');
    });
  });

  it('rejects at once with the error itself when retryCondition says no', async () => {
    await synctest.run(async () => {
      const op = new Flaky(Infinity, (n) => Object.assign(new Error(`bad ${n}`), { name: 'ValidationError' }));
      const policy = plain({ retryCondition: (e) => e.name === 'NetworkError' });
      const r = await settle(new RetryExecutor(policy).execute(op.fn));
      expect(op.calls).toBe(1);
      expect((r as { error: Error }).error.message).toBe('bad 1');
    });
  });

  it('stops at once on a permanent error and rejects with the error it wraps', async () => {
    await synctest.run(async () => {
      const inner = new Error('404 not found');
      const op = new Flaky(Infinity, (n) => (n === 2 ? permanent(inner) : new Error('503')));
      const r = await settle(new RetryExecutor(plain({ maxAttempts: 5 })).execute(op.fn));
      expect(op.calls).toBe(2);
      expect((r as { error: unknown }).error).toBe(inner);
    });
  });

  it('does not retry a thrown non-Error value and rejects with it', async () => {
    await synctest.run(async () => {
      const op = new Flaky(Infinity, () => 'a string');
      const r = await settle(new RetryExecutor(plain()).execute(op.fn));
      expect(op.calls).toBe(1);
      expect((r as { error: unknown }).error).toBe('a string');
    });
  });

  it('retries a synchronous throw of the operation', async () => {
    await synctest.run(async () => {
      let calls = 0;
      const r = await new RetryExecutor(plain()).execute(() => {
        if (++calls < 3) throw new Error('sync');
        return 7;
      });
      expect([r, calls]).toEqual([7, 3]);
    });
  });

  it('rejects with the retryCondition throw', async () => {
    await synctest.run(async () => {
      const op = new Flaky(Infinity);
      const policy = plain({
        retryCondition: () => {
          throw new Error('condition broke');
        },
      });
      const r = await settle(new RetryExecutor(policy).execute(op.fn));
      expect((r as { error: Error }).error.message).toBe('condition broke');
      expect(op.calls).toBe(1);
    });
  });

  it('follows policy changes made while an execution runs', async () => {
    await synctest.run(async () => {
      const policy = plain({ maxAttempts: 2 });
      const op = new Flaky(Infinity);
      const p = settle(new RetryExecutor(policy).execute(op.fn));
      await sleep(50); // during the first wait
      policy.setMaxAttempts(4);
      await p;
      expect(op.calls).toBe(4);
    });
  });

  it('reports each retry to onRetry with the delay chosen', async () => {
    await synctest.run(async () => {
      const events: RetryEvent[] = [];
      const op = new Flaky(2);
      await new RetryExecutor(plain(), { onRetry: (e) => events.push(e) }).execute(op.fn);
      expect(events.map((e) => [e.attempt, (e.error as Error).message, e.delay])).toEqual([
        [1, 'fail 1', 100],
        [2, 'fail 2', 200],
      ]);
    });
  });
});

describe('RetryExecutor and other policies\u2019 errors', () => {
  const open = (remainingMs?: number): Error =>
    Object.assign(new PatternError('circuit breaker is open', 'ERR_CIRCUIT_OPEN'), { remainingMs });

  it('retries an open circuit after its remaining open time', async () => {
    await synctest.run(async () => {
      const op = new Flaky(1, () => open(350));
      expect(await new RetryExecutor(plain()).execute(op.fn)).toBe('ok');
      expect(op.times).toEqual([0, 350]);
    });
  });

  it('rejects an open circuit as is when it does not say when it half-opens, or later than maxDelay', async () => {
    await synctest.run(async () => {
      for (const e of [open(), open(Infinity), open(501)]) {
        const op = new Flaky(1, () => e);
        const r = await settle(new RetryExecutor(plain()).execute(op.fn));
        expect((r as { error: unknown }).error).toBe(e);
        expect(op.calls).toBe(1);
      }
    });
  });

  it('retries a bulkhead rejection with the ordinary backoff', async () => {
    await synctest.run(async () => {
      const op = new Flaky(1, () => new PatternError('bulkhead rejected the call: full', 'ERR_BULKHEAD_FULL'));
      await new RetryExecutor(plain()).execute(op.fn);
      expect(op.times).toEqual([0, 100]);
    });
  });
});

describe('RetryExecutor cancellation', () => {
  it('rejects at once with the abort reason when aborted mid-wait, and makes no further attempt', async () => {
    await synctest.run(async () => {
      const ac = new AbortController();
      const op = new Flaky(Infinity);
      const ex = new RetryExecutor(plain({ initialDelay: 1000, maxDelay: 1000, maxAttempts: 5 }));
      const t0 = nowMillis();
      let rejectedAt = -1;
      const p = ex.execute(op.fn, ac.signal).catch((e: unknown) => {
        rejectedAt = nowMillis() - t0;
        throw e;
      });
      await sleep(300);
      const reason = new Error('user went away');
      ac.abort(reason);
      const r = await settle(p);
      expect((r as { error: unknown }).error).toBe(reason);
      expect(rejectedAt).toBe(300);
      await sleep(10_000);
      expect(op.calls).toBe(1);
      expect(ex.getMetrics()).toMatchObject({ canceled: 1, failures: 1, totalDelay: 300, attempts: 1 });
    });
  });

  it('rejects with the context cause when a Context is canceled mid-wait', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withCancelCause(background());
      const op = new Flaky(Infinity);
      const p = settle(new RetryExecutor(plain()).execute(op.fn, ctx));
      await sleep(50);
      const why = new Error('shutdown');
      cancel(why);
      expect(((await p) as { error: unknown }).error).toBe(why);
      expect(op.calls).toBe(1);

      const [plainCtx, plainCancel] = withCancel(background());
      const p2 = settle(new RetryExecutor(plain()).execute(new Flaky(Infinity).fn, plainCtx));
      await sleep(50);
      plainCancel();
      expect(((await p2) as { error: unknown }).error).toBe(Canceled);
    });
  });

  it('rejects with DeadlineExceeded when the context deadline passes mid-wait', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withTimeout(background(), 250);
      const op = new Flaky(Infinity);
      const t0 = nowMillis();
      const r = await settle(new RetryExecutor(plain({ maxAttempts: 10 })).execute(op.fn, ctx));
      expect((r as { error: unknown }).error).toBe(DeadlineExceeded);
      expect(nowMillis() - t0).toBe(250);
      expect(op.times).toEqual([0, 100]);
      cancel();
    });
  });

  it('passes an abort during an attempt to the attempt, and does not retry', async () => {
    await synctest.run(async () => {
      const ac = new AbortController();
      let calls = 0;
      const seen: boolean[] = [];
      const p = settle(
        new RetryExecutor(plain()).execute(async (ctx: Context) => {
          calls++;
          await ctx.done()!.recv(); // the attempt waits on its context, as a well-behaved call does
          seen.push(ctx.signal.aborted, isCanceled(ctx.err()));
          throw new Error('interrupted');
        }, ac.signal),
      );
      await sleep(20);
      const reason = new Error('stop');
      ac.abort(reason);
      expect(((await p) as { error: unknown }).error).toBe(reason);
      expect(calls).toBe(1);
      expect(seen).toEqual([true, true]);
    });
  });

  it('resolves when an attempt succeeds although the caller aborted during it', async () => {
    await synctest.run(async () => {
      const ac = new AbortController();
      const p = new RetryExecutor(plain()).execute(async () => {
        await sleep(10);
        return 'done anyway';
      }, ac.signal);
      await sleep(5);
      ac.abort();
      expect(await p).toBe('done anyway');
    });
  });

  it('rejects a non-retryable error as is when the caller aborted during the attempt', async () => {
    await synctest.run(async () => {
      const ac = new AbortController();
      const fatal = permanent(new Error('fatal'));
      const p = settle(
        new RetryExecutor(plain()).execute(async () => {
          await sleep(10);
          throw fatal;
        }, ac.signal),
      );
      await sleep(5);
      ac.abort();
      expect(((await p) as { error: unknown }).error).toBe(fatal.cause);
    });
  });

  it('makes no attempt when already canceled', async () => {
    await synctest.run(async () => {
      const reason = new Error('too late');
      const op = new Flaky(0);
      const ex = new RetryExecutor(plain());
      const r = await settle(ex.execute(op.fn, AbortSignal.abort(reason)));
      expect((r as { error: unknown }).error).toBe(reason);
      expect(op.calls).toBe(0);
      expect(ex.getMetrics()).toMatchObject({ executions: 1, attempts: 0, canceled: 1, attemptsHistogram: { 0: 1 } });
    });
  });

  it('lets a concurrent execution go on when another one is aborted', async () => {
    await synctest.run(async () => {
      const ex = new RetryExecutor(plain());
      const ac = new AbortController();
      const a = new Flaky(2);
      const b = new Flaky(2);
      const pa = settle(ex.execute(a.fn, ac.signal));
      const pb = ex.execute(b.fn);
      go(async () => {
        await sleep(50);
        ac.abort();
      });
      expect(await pb).toBe('ok');
      expect(((await pa) as { ok: boolean }).ok).toBe(false);
      expect([a.calls, b.times]).toEqual([1, [0, 100, 300]]);
    });
  });
});

describe('RetryExecutor.executeWithContext', () => {
  it('tells each attempt its number, the limit, the last error, the elapsed time and its context', async () => {
    await synctest.run(async () => {
      const seen: [number, number, string | undefined, number, boolean][] = [];
      const ac = new AbortController();
      const r = await new RetryExecutor(plain()).executeWithContext(async (rc: RetryContext) => {
        const last = (rc.lastError as Error | undefined)?.message;
        seen.push([rc.attempt, rc.maxAttempts, last, rc.elapsed, rc.signal.aborted]);
        expect(rc.ctx.err()).toBeNull();
        if (rc.attempt < 3) throw new Error(`fail ${rc.attempt}`);
        return rc.attempt;
      }, ac.signal);
      expect(r).toBe(3);
      expect(seen).toEqual([
        [1, 3, undefined, 0, false],
        [2, 3, 'fail 1', 100, false],
        [3, 3, 'fail 2', 300, false],
      ]);
    });
  });

  it('gives the attempt a context canceled with the caller', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withCancel(background());
      let reason: unknown;
      const p = settle(
        new RetryExecutor(plain()).executeWithContext(async (rc) => {
          await rc.ctx.done()!.recv();
          reason = rc.signal.reason;
          throw rc.ctx.err();
        }, ctx),
      );
      cancel();
      expect(((await p) as { error: unknown }).error).toBe(Canceled);
      expect(reason).toBe(Canceled);
    });
  });
});

describe('RetryExecutor metrics', () => {
  it('counts executions, attempts, retries, outcomes, waits and attempts per execution', async () => {
    await synctest.run(async () => {
      const ex = new RetryExecutor(plain({ maxAttempts: 3 }));
      await ex.execute(new Flaky(0).fn); // 1 attempt
      await ex.execute(new Flaky(2).fn); // 3 attempts, waits 100 + 200
      await settle(ex.execute(new Flaky(Infinity).fn)); // gives up after 3, waits 100 + 200
      await settle(ex.execute(new Flaky(Infinity, () => permanent(new Error('x'))).fn)); // 1 attempt
      expect(ex.getMetrics()).toEqual({
        executions: 4,
        attempts: 8,
        retries: 4,
        successes: 2,
        failures: 2,
        giveUps: 1,
        throttled: 0,
        canceled: 0,
        totalDelay: 600,
        attemptsHistogram: { 1: 2, 3: 2 },
      });
    });
  });

  it('returns snapshots, and resetMetrics zeroes the counters', async () => {
    await synctest.run(async () => {
      const ex = new RetryExecutor(plain());
      await ex.execute(new Flaky(1).fn);
      const before = ex.getMetrics();
      ex.resetMetrics();
      expect(before.attempts).toBe(2);
      expect(ex.getMetrics()).toEqual({
        executions: 0,
        attempts: 0,
        retries: 0,
        successes: 0,
        failures: 0,
        giveUps: 0,
        throttled: 0,
        canceled: 0,
        totalDelay: 0,
        attemptsHistogram: {},
      });
    });
  });
});

describe('RetryExecutor misuse', () => {
  it('rejects (never throws) with InvalidArgumentError for a bad operation or cancel argument', async () => {
    const ex = new RetryExecutor(plain());
    await expectRejection(
      () => ex.execute(5 as unknown as () => number),
      InvalidArgumentError,
      'RetryExecutor.execute: fn must be a function, got 5',
    );
    await expectRejection(
      () => ex.executeWithContext(null as unknown as () => number),
      InvalidArgumentError,
      'RetryExecutor.executeWithContext: fn must be a function, got null',
    );
    await expectRejection(
      () => ex.execute(() => 1, 'now' as unknown as AbortSignal),
      InvalidArgumentError,
      'RetryExecutor.execute: cancel must be a Context or an AbortSignal, got "now"',
    );
    expect(ex.getMetrics().executions).toBe(0);
  });

  it('rejects a bad policy or option in the constructor', () => {
    expect(() => new RetryExecutor({} as RetryPolicy)).toThrow('RetryExecutor: policy must be a RetryPolicy, got {}');
    expect(() => new RetryExecutor(plain(), 3 as unknown as object)).toThrow(
      'RetryExecutor: config must be an object, got 3',
    );
    expect(() => new RetryExecutor(plain(), { budget: {} as never })).toThrow(
      'RetryExecutor: budget must be a RetryBudget, got {}',
    );
    expect(() => new RetryExecutor(plain(), { rethrowLastError: 1 as unknown as boolean })).toThrow(
      'RetryExecutor: rethrowLastError must be a boolean, got 1',
    );
    expect(() => new RetryExecutor(plain(), { onRetry: 'log' as never })).toThrow(
      'RetryExecutor: onRetry must be a function, got "log"',
    );
  });

  it('uses a default policy when given none', () => {
    expect(new RetryExecutor().policy.maxAttempts).toBe(3);
  });

  it('rejects an execution whose custom strategy returns NaN, with the named error', async () => {
    await synctest.run(async () => {
      const ex = new RetryExecutor(new RetryPolicy({ customBackoff: () => Number.NaN }));
      const r = await settle(ex.execute(new Flaky(1).fn));
      expect((r as { error: Error }).error).toBeInstanceOf(InvalidArgumentError);
      expect(ex.getMetrics().failures).toBe(1);
    });
  });
});

describe('PermanentError', () => {
  it('wraps once, carries the error as cause, and has a code and a guard', () => {
    const e = new Error('nope');
    const p = permanent(e);
    expect(p).toBeInstanceOf(PermanentError);
    expect(permanent(p)).toBe(p);
    expect(p.cause).toBe(e);
    expect(p.code).toBe('ERR_RETRY_PERMANENT');
    expect(p.message).toBe('permanent: Error: nope');
    expect(isPermanentError(p)).toBe(true);
    expect(isPermanentError({ code: 'ERR_RETRY_PERMANENT' })).toBe(true);
    expect(isPermanentError(e)).toBe(false);
    expect(permanent('text').message).toBe('permanent: "text"');
  });
});

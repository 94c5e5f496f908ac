import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, synctest } from '../../../runtime/index.js';
import {
  permanent,
  RetryBudget,
  RetryExecutor,
  RetryPolicy,
  type RetryBudgetConfig,
  type RetryExhaustedError,
} from '../../../patterns/index.js';

const policy = (): RetryPolicy => new RetryPolicy({ maxAttempts: 5, initialDelay: 10, jitter: 'none' });
const failing = (log: string[], name: string) => async (): Promise<never> => {
  log.push(name);
  throw new Error(`${name} down`);
};

describe('RetryBudget accounting', () => {
  it('starts full and allows retries only while more than half the tokens are left', () => {
    const b = new RetryBudget({ maxTokens: 10, tokenRatio: 0.5 });
    expect([b.tokens, b.maxTokens, b.allowRetry()]).toEqual([10, 10, true]);
    for (let i = 0; i < 4; i++) b.recordFailure();
    expect([b.tokens, b.allowRetry()]).toEqual([6, true]);
    b.recordFailure();
    expect([b.tokens, b.allowRetry()]).toEqual([5, false]); // exactly half: no
    b.recordSuccess();
    expect([b.tokens, b.allowRetry()]).toEqual([5.5, true]);
  });

  it('never goes below 0 or above maxTokens', () => {
    const b = new RetryBudget({ maxTokens: 3, tokenRatio: 1 });
    for (let i = 0; i < 10; i++) b.recordFailure();
    expect(b.tokens).toBe(0);
    for (let i = 0; i < 10; i++) b.recordSuccess();
    expect(b.tokens).toBe(3);
  });

  it('adds fractional ratios without drift', () => {
    const b = new RetryBudget({ maxTokens: 1000, tokenRatio: 0.1 });
    for (let i = 0; i < 1000; i++) b.recordFailure();
    for (let i = 0; i < 3; i++) b.recordSuccess();
    expect(b.tokens).toBe(0.3);
    for (let i = 0; i < 9997; i++) b.recordSuccess();
    expect(b.tokens).toBe(1000);
  });

  it('has gRPC-like defaults: 10 tokens, 0.1 per success', () => {
    const b = new RetryBudget();
    expect(b.maxTokens).toBe(10);
    for (let i = 0; i < 5; i++) b.recordFailure();
    b.recordSuccess();
    expect(b.tokens).toBe(5.1);
  });

  const bad: [Partial<Record<keyof RetryBudgetConfig, unknown>>, string][] = [
    [{ maxTokens: 0 }, 'maxTokens must be a number in [0.001, 1000], got 0'],
    [{ maxTokens: -1 }, 'maxTokens must be a number in [0.001, 1000], got -1'],
    [{ maxTokens: 0.0001 }, 'maxTokens must be a number in [0.001, 1000], got 0.0001'],
    [{ maxTokens: 1001 }, 'maxTokens must be a number in [0.001, 1000], got 1001'],
    [{ maxTokens: Infinity }, 'maxTokens must be a number in [0.001, 1000], got Infinity'],
    [{ maxTokens: Number.NaN }, 'maxTokens must be a number in [0.001, 1000], got NaN'],
    [{ maxTokens: '10' }, 'maxTokens must be a number in [0.001, 1000], got "10"'],
    [{ tokenRatio: 0 }, 'tokenRatio must be a finite number >= 0.001, got 0'],
    [{ tokenRatio: -0.1 }, 'tokenRatio must be a finite number >= 0.001, got -0.1'],
    [{ tokenRatio: 0.0004 }, 'tokenRatio must be a finite number >= 0.001, got 0.0004'],
    [{ tokenRatio: Infinity }, 'tokenRatio must be a finite number >= 0.001, got Infinity'],
    [{ tokenRatio: Number.NaN }, 'tokenRatio must be a finite number >= 0.001, got NaN'],
  ];
  for (const [config, message] of bad) {
    it(`rejects ${message.split(', got ')[1]} for ${Object.keys(config)[0]}`, () => {
      const make = (): RetryBudget => new RetryBudget(config as Partial<RetryBudgetConfig>);
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(`RetryBudget: ${message}`);
    });
  }

  it('rejects a config that is not an object', () => {
    expect(() => new RetryBudget('big' as never)).toThrow('RetryBudget: config must be an object, got "big"');
  });
});

describe('RetryBudget shared by executors', () => {
  it('stops retries across executors during an outage, and lets them back as calls succeed', async () => {
    await synctest.run(async () => {
      const budget = new RetryBudget({ maxTokens: 4, tokenRatio: 1 }); // retries while tokens > 2
      const a = new RetryExecutor(policy(), { budget });
      const b = new RetryExecutor(policy(), { budget });
      const log: string[] = [];

      // a: 4 -> 3 (retry allowed) -> 2 (refused): two attempts instead of five.
      const ea = await a.execute(failing(log, 'a')).catch((e: RetryExhaustedError) => e);
      expect([ea.reason, ea.attempts, ea.message]).toEqual([
        'budget',
        2,
        'retry: retry budget exhausted after 2 attempts: Error: a down',
      ]);
      // b shares the drained budget: its first failure is not retried.
      const eb = await b.execute(failing(log, 'b')).catch((e: RetryExhaustedError) => e);
      expect([eb.reason, eb.attempts]).toEqual(['budget', 1]);
      expect(log).toEqual(['a', 'a', 'b']);
      expect(budget.tokens).toBe(1);

      // Successes refill it (to 4, its cap): a failure costs 1 and leaves 3 > 2, so it is retried again.
      await b.execute(() => 'ok');
      await b.execute(() => 'ok');
      await a.execute(() => 'ok');
      await b.execute(() => 'ok');
      expect(budget.tokens).toBe(4);
      let calls = 0;
      const r = await a.execute(() => {
        if (++calls < 2) throw new Error('blip');
        return 'recovered';
      });
      expect([r, calls]).toEqual(['recovered', 2]);
      expect(a.getMetrics()).toMatchObject({ giveUps: 1, throttled: 1, successes: 2 });
    });
  });

  it('charges only retryable failures', async () => {
    await synctest.run(async () => {
      const budget = new RetryBudget({ maxTokens: 10 });
      const ex = new RetryExecutor(policy(), { budget });
      await ex
        .execute(() => {
          throw permanent(new Error('404'));
        })
        .catch(() => undefined);
      await ex
        .execute(() => {
          throw 'not an error';
        })
        .catch(() => undefined);
      expect(budget.tokens).toBe(10);
    });
  });

  it('does not charge a failure the caller caused by aborting', async () => {
    await synctest.run(async () => {
      const budget = new RetryBudget({ maxTokens: 10 });
      const ac = new AbortController();
      const p = new RetryExecutor(policy(), { budget })
        .execute(async (ctx) => {
          await ctx.done()!.recv();
          throw new Error('aborted');
        }, ac.signal)
        .catch((e: unknown) => e);
      ac.abort();
      await p;
      expect(budget.tokens).toBe(10);
    });
  });

  it('rethrows the last error on a budget give-up with rethrowLastError', async () => {
    await synctest.run(async () => {
      const budget = new RetryBudget({ maxTokens: 1 });
      const ex = new RetryExecutor(policy(), { budget, rethrowLastError: true });
      const e = await ex.execute(failing([], 'c')).catch((x: Error) => x);
      expect(e.message).toBe('c down');
    });
  });
});

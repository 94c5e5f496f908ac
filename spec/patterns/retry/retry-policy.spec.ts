import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SyncMisuseError } from '../../../runtime/index.js';
import {
  PatternError,
  permanent,
  RetryPolicy,
  retryAfterOf,
  type BackoffStrategy,
  type Jitter,
  type RetryPolicyConfig,
} from '../../../patterns/index.js';
import { rng } from '../../prng.js';

const delays = (p: RetryPolicy, n: number): number[] => Array.from({ length: n }, (_, i) => p.getDelay(i + 1));

describe('RetryPolicy delays without jitter', () => {
  it('doubles from initialDelay with the exponential strategy and stays at maxDelay', () => {
    const p = new RetryPolicy({ backoffStrategy: 'exponential', initialDelay: 100, maxDelay: 1000, jitter: 'none' });
    expect(delays(p, 6)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('uses the multiplier', () => {
    const p = new RetryPolicy({ initialDelay: 100, maxDelay: 10_000, multiplier: 3, jitter: false });
    expect(delays(p, 4)).toEqual([100, 300, 900, 2700]);
    const flat = new RetryPolicy({ initialDelay: 100, multiplier: 1, jitter: 'none' });
    expect(delays(flat, 3)).toEqual([100, 100, 100]);
  });

  it('follows the Fibonacci sequence with the fibonacci strategy', () => {
    const p = new RetryPolicy({ backoffStrategy: 'fibonacci', initialDelay: 100, maxDelay: 1000, jitter: 'none' });
    expect(delays(p, 9)).toEqual([100, 100, 200, 300, 500, 800, 1000, 1000, 1000]);
  });

  it('waits initialDelay every time with the fixed strategy', () => {
    const p = new RetryPolicy({ backoffStrategy: 'fixed', initialDelay: 250, jitter: 'none' });
    expect(delays(p, 4)).toEqual([250, 250, 250, 250]);
  });

  it('calls the custom function with the attempt and the previous delay, and clamps its result', () => {
    const seen: [number, number][] = [];
    const p = new RetryPolicy({
      backoffStrategy: 'custom',
      customBackoff: (attempt, last) => {
        seen.push([attempt, last]);
        return attempt === 1 ? -5 : attempt === 2 ? Infinity : last * 3;
      },
      initialDelay: 10,
      maxDelay: 500,
      jitter: 'none',
    });
    expect(p.getDelay(1)).toBe(0);
    expect(p.getDelay(2, 40)).toBe(500);
    expect(p.getDelay(3, 40)).toBe(120);
    expect(seen).toEqual([
      [1, 10],
      [2, 40],
      [3, 40],
    ]);
  });

  it('takes customBackoff alone as the custom strategy', () => {
    const p = new RetryPolicy({ customBackoff: (a) => a * 7, jitter: 'none' });
    expect(p.backoffStrategy).toBe('custom');
    expect(delays(p, 3)).toEqual([7, 14, 21]);
  });

  it('accepts a BackoffStrategy object and passes it the parameters', () => {
    const linear: BackoffStrategy = { delay: (attempt, _prev, params) => params.initialDelay * attempt };
    const p = new RetryPolicy({ backoffStrategy: linear, initialDelay: 50, maxDelay: 120, jitter: 'none' });
    expect(p.backoffStrategy).toBe(linear);
    expect(delays(p, 4)).toEqual([50, 100, 120, 120]);
  });

  it('rejects a strategy result that is NaN or not a number, naming the attempt', () => {
    const nan = new RetryPolicy({ customBackoff: () => Number.NaN });
    expect(() => nan.getDelay(2)).toThrow(InvalidArgumentError);
    expect(() => nan.getDelay(2)).toThrow('RetryPolicy: backoff strategy returned NaN for attempt 2');
    const str = new RetryPolicy({ backoffStrategy: { delay: () => '5' as unknown as number } });
    expect(() => str.getDelay(1)).toThrow('RetryPolicy: backoff strategy returned "5" for attempt 1');
  });

  it('is zero throughout with initialDelay 0', () => {
    for (const s of ['fixed', 'exponential', 'fibonacci'] as const) {
      const p = new RetryPolicy({ backoffStrategy: s, initialDelay: 0, maxDelay: 0, jitter: 'none' });
      expect([p.getDelay(1), p.getDelay(5000)]).toEqual([0, 0]);
    }
  });
});

describe('RetryPolicy delays over 10,000 steps', () => {
  const strategies = ['fixed', 'exponential', 'fibonacci'] as const;
  const settings: Partial<RetryPolicyConfig>[] = [
    { initialDelay: 100, maxDelay: 30_000 },
    { initialDelay: 0, maxDelay: 1000 },
    { initialDelay: 1e-300, maxDelay: Number.MAX_VALUE, multiplier: 1.5 },
    { initialDelay: Number.MAX_VALUE / 2, maxDelay: Number.MAX_VALUE, multiplier: 10 },
  ];

  it('never decrease, never exceed maxDelay and are never NaN or Infinity without jitter', () => {
    for (const backoffStrategy of strategies) {
      for (const s of settings) {
        const p = new RetryPolicy({ ...s, backoffStrategy, jitter: 'none' });
        const bad: string[] = [];
        let last = 0;
        for (let n = 1; n <= 10_000; n++) {
          const d = p.getDelay(n);
          if (!Number.isFinite(d) || d < last || d > p.maxDelay) bad.push(`${backoffStrategy} ${n}: ${d}, ${last}`);
          last = d;
        }
        expect(bad).toEqual([]);
        expect(last).toBe(backoffStrategy === 'fixed' || p.initialDelay === 0 ? p.initialDelay : p.maxDelay);
      }
    }
  });

  it('stay inside each jitter range and inside [0, maxDelay]', () => {
    const random = rng(42);
    for (const jitter of ['full', 'equal', 'decorrelated'] as const) {
      for (const backoffStrategy of strategies) {
        for (const s of settings) {
          const p = new RetryPolicy({ ...s, backoffStrategy, jitter, random });
          const plain = new RetryPolicy({ ...s, backoffStrategy, jitter: 'none' });
          const bad: string[] = [];
          let previous = p.initialDelay;
          for (let n = 1; n <= 10_000; n++) {
            const d = p.getDelay(n, previous);
            const [lo, hi] = range(jitter, plain.getDelay(n), previous, p);
            if (!Number.isFinite(d) || d < lo || d > hi || d < 0 || d > p.maxDelay) {
              bad.push(`${jitter} ${backoffStrategy} ${n}: ${d} outside [${lo}, ${hi}]`);
            }
            previous = d;
          }
          expect(bad).toEqual([]);
        }
      }
    }
  });
});

function range(jitter: Jitter, d: number, previous: number, p: RetryPolicy): [number, number] {
  switch (jitter) {
    case 'none':
      return [d, d];
    case 'full':
      return [0, d];
    case 'equal':
      return [d / 2, d];
    case 'decorrelated':
      return [p.initialDelay, Math.min(p.maxDelay, Math.max(p.initialDelay, 3 * previous))];
  }
}

describe('RetryPolicy jitter', () => {
  const at = (jitter: Jitter | boolean, r: number, previous?: number): number =>
    new RetryPolicy({ initialDelay: 100, maxDelay: 1000, jitter, random: () => r }).getDelay(3, previous);

  it('full jitter spans [0, d]', () => {
    expect([at('full', 0), at('full', 0.5), at('full', 1)]).toEqual([0, 200, 400]);
  });

  it('equal jitter spans [d/2, d]', () => {
    expect([at('equal', 0), at('equal', 0.5), at('equal', 1)]).toEqual([200, 300, 400]);
  });

  it('decorrelated jitter spans [initialDelay, min(maxDelay, 3 * previous)]', () => {
    expect([at('decorrelated', 0, 200), at('decorrelated', 1, 200)]).toEqual([100, 600]);
    expect(at('decorrelated', 1, 900)).toBe(1000);
    expect(at('decorrelated', 1, 10)).toBe(100); // 3 * previous below initialDelay: the range is one point
    expect(at('decorrelated', 1)).toBe(300); // previous defaults to initialDelay
  });

  it('takes true as full jitter and false as none, and defaults to full', () => {
    expect(new RetryPolicy({ jitter: true }).jitter).toBe('full');
    expect(new RetryPolicy({ jitter: false }).jitter).toBe('none');
    expect(new RetryPolicy().jitter).toBe('full');
    expect(at(true, 0.25)).toBe(100);
    expect(at(false, 0.25)).toBe(400);
  });

  it('does not call random without jitter', () => {
    let calls = 0;
    const p = new RetryPolicy({ jitter: 'none', random: () => ++calls && 0.5 });
    p.getDelay(1);
    expect(calls).toBe(0);
  });

  it('rejects a random source that leaves [0, 1]', () => {
    for (const bad of [1.5, -0.1, Number.NaN, '0.5']) {
      const p = new RetryPolicy({ random: () => bad as number });
      expect(() => p.getDelay(1)).toThrow(`RetryPolicy: random must return a number in [0, 1], got ${show(bad)}`);
    }
  });
});

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

describe('RetryPolicy.shouldRetry', () => {
  it('counts the first call among maxAttempts', () => {
    const p = new RetryPolicy({ maxAttempts: 3 });
    const e = new Error('flaky');
    expect([1, 2, 3, 4].map((n) => p.shouldRetry(e, n))).toEqual([true, true, false, false]);
    expect(new RetryPolicy({ maxAttempts: 1 }).shouldRetry(e, 1)).toBe(false);
  });

  it('asks retryCondition with the error and the attempt', () => {
    const seen: [string, number][] = [];
    const p = new RetryPolicy({
      maxAttempts: 5,
      retryCondition: (error, attempt) => {
        seen.push([error.message, attempt]);
        return error.name === 'NetworkError';
      },
    });
    const net = Object.assign(new Error('reset'), { name: 'NetworkError' });
    expect(p.shouldRetry(net, 2)).toBe(true);
    expect(p.shouldRetry(new Error('bad input'), 1)).toBe(false);
    expect(seen).toEqual([
      ['reset', 2],
      ['bad input', 1],
    ]);
  });

  it('takes only a true result of retryCondition as yes', () => {
    const p = new RetryPolicy({ retryCondition: () => 'yes' as unknown as boolean });
    expect(p.shouldRetry(new Error('x'), 1)).toBe(false);
  });

  it('never retries a PermanentError, a non-Error, a panic or a closed limiter, whatever retryCondition says', () => {
    const p = new RetryPolicy({ retryCondition: () => true });
    const closed = new PatternError('closed', 'ERR_RATE_LIMITER_CLOSED');
    for (const e of [permanent(new Error('x')), 'string', 42, null, undefined, { message: 'plain' }]) {
      expect(p.shouldRetry(e, 1)).toBe(false);
    }
    expect(p.shouldRetry(new InvalidArgumentError('misuse'), 1)).toBe(false);
    const panic = new SyncMisuseError('sync: negative WaitGroup counter', 'ERR_NEGATIVE_WAITGROUP_COUNTER');
    expect(p.shouldRetry(panic, 1)).toBe(false);
    expect(p.shouldRetry(closed, 1)).toBe(false);
  });

  it('retries an open circuit only when it says when it half-opens, and only within maxDelay', () => {
    const p = new RetryPolicy({ maxDelay: 1000 });
    const open = (remainingMs?: number): Error =>
      Object.assign(new PatternError('circuit breaker is open', 'ERR_CIRCUIT_OPEN'), { remainingMs });
    expect(p.shouldRetry(open(), 1)).toBe(false);
    expect(p.shouldRetry(open(Number.NaN), 1)).toBe(false);
    expect(p.shouldRetry(open(300), 1)).toBe(true);
    expect(p.shouldRetry(open(1000), 1)).toBe(true);
    expect(p.shouldRetry(open(1001), 1)).toBe(false);
    expect(p.shouldRetry(open(Infinity), 1)).toBe(false); // forced open
  });

  it('gives up on any error whose retryAfter exceeds maxDelay, and ignores hints when respectRetryAfter is off', () => {
    const limited = (retryAfter: number): Error =>
      Object.assign(new PatternError('rate limited', 'ERR_RATE_LIMITED'), { retryAfter });
    const p = new RetryPolicy({ maxDelay: 1000 });
    expect(p.shouldRetry(limited(999), 1)).toBe(true);
    expect(p.shouldRetry(limited(5000), 1)).toBe(false);
    expect(p.shouldRetry(limited(Number.NaN), 1)).toBe(true); // no hint: ordinary backoff
    const blind = new RetryPolicy({ maxDelay: 1000, respectRetryAfter: false });
    expect(blind.shouldRetry(limited(5000), 1)).toBe(true);
    expect(blind.shouldRetry(new PatternError('open', 'ERR_CIRCUIT_OPEN'), 1)).toBe(true);
  });

  it('propagates a throw of retryCondition', () => {
    const p = new RetryPolicy({
      retryCondition: () => {
        throw new Error('condition broke');
      },
    });
    expect(() => p.shouldRetry(new Error('x'), 1)).toThrow('condition broke');
  });
});

describe('RetryPolicy.delayFor', () => {
  it('waits at least the error retryAfter hint, capped at maxDelay', () => {
    const p = new RetryPolicy({ initialDelay: 100, maxDelay: 1000, jitter: 'none' });
    const hint = (retryAfter: number): Error => Object.assign(new Error('429'), { retryAfter });
    expect(p.delayFor(hint(700), 1)).toBe(700);
    expect(p.delayFor(hint(50), 1)).toBe(100);
    expect(p.delayFor(new Error('plain'), 2)).toBe(200);
    const open = Object.assign(new PatternError('open', 'ERR_CIRCUIT_OPEN'), { remainingMs: 450 });
    expect(p.delayFor(open, 1)).toBe(450);
    const blind = new RetryPolicy({ initialDelay: 100, jitter: 'none', respectRetryAfter: false });
    expect(blind.delayFor(hint(700), 1)).toBe(100);
  });

  it('reads hints with retryAfterOf', () => {
    expect(retryAfterOf(Object.assign(new Error(), { retryAfter: 5 }))).toBe(5);
    expect(retryAfterOf(Object.assign(new Error(), { retryAfter: -1 }))).toBeUndefined();
    expect(retryAfterOf(Object.assign(new Error(), { remainingMs: 5 }))).toBeUndefined(); // not a circuit
    expect(retryAfterOf('x')).toBeUndefined();
  });
});

describe('RetryPolicy setters', () => {
  it('setMaxAttempts changes later decisions and validates like the constructor', () => {
    const p = new RetryPolicy({ maxAttempts: 2 });
    p.setMaxAttempts(4);
    expect(p.maxAttempts).toBe(4);
    expect(p.shouldRetry(new Error('x'), 3)).toBe(true);
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '3']) {
      expect(() => p.setMaxAttempts(bad as number)).toThrow(
        `RetryPolicy: maxAttempts must be an integer >= 1, got ${show(bad)}`,
      );
    }
    expect(p.maxAttempts).toBe(4);
  });

  it('setBackoffStrategy switches strategies, keeps a configured custom function, and validates', () => {
    const p = new RetryPolicy({ initialDelay: 100, maxDelay: 1000, jitter: 'none', customBackoff: () => 42 });
    p.setBackoffStrategy('fibonacci');
    expect(delays(p, 4)).toEqual([100, 100, 200, 300]);
    p.setBackoffStrategy('custom');
    expect(p.getDelay(1)).toBe(42);
    p.setBackoffStrategy('custom', (a) => a);
    expect(p.getDelay(9)).toBe(9);
    p.setBackoffStrategy('fixed');
    expect(p.backoffStrategy).toBe('fixed');
    expect(() => p.setBackoffStrategy('linear' as 'fixed')).toThrow(
      'RetryPolicy: backoffStrategy must be one of "fixed", "exponential", "fibonacci", "custom" ' +
        'or an object with a delay method, got "linear"',
    );
    expect(() => p.setBackoffStrategy('custom', 5 as unknown as () => number)).toThrow(
      'RetryPolicy: customBackoff must be a function, got 5',
    );
    expect(() => p.setBackoffStrategy('fixed', () => 1)).toThrow(
      'RetryPolicy: customBackoff is set but backoffStrategy is "fixed", not "custom"',
    );
    expect(p.backoffStrategy).toBe('fixed');
    expect(() => new RetryPolicy().setBackoffStrategy('custom')).toThrow(
      'RetryPolicy: customBackoff must be a function when backoffStrategy is "custom", got undefined',
    );
  });

  it('setRetryCondition replaces the condition and validates', () => {
    const p = new RetryPolicy();
    p.setRetryCondition((e) => e.message === 'again');
    expect(p.shouldRetry(new Error('again'), 1)).toBe(true);
    expect(p.shouldRetry(new Error('other'), 1)).toBe(false);
    expect(() => p.setRetryCondition(null as unknown as () => boolean)).toThrow(
      'RetryPolicy: retryCondition must be a function, got null',
    );
  });
});

describe('RetryPolicy config errors', () => {
  const bad: [Partial<Record<keyof RetryPolicyConfig, unknown>>, string][] = [
    [{ maxAttempts: 0 }, 'maxAttempts must be an integer >= 1, got 0'],
    [{ maxAttempts: -2 }, 'maxAttempts must be an integer >= 1, got -2'],
    [{ maxAttempts: 2.5 }, 'maxAttempts must be an integer >= 1, got 2.5'],
    [{ maxAttempts: Number.NaN }, 'maxAttempts must be an integer >= 1, got NaN'],
    [{ maxAttempts: Infinity }, 'maxAttempts must be an integer >= 1, got Infinity'],
    [{ initialDelay: -1 }, 'initialDelay must be a finite number >= 0, got -1'],
    [{ initialDelay: Number.NaN }, 'initialDelay must be a finite number >= 0, got NaN'],
    [{ initialDelay: Infinity }, 'initialDelay must be a finite number >= 0, got Infinity'],
    [{ initialDelay: '100' }, 'initialDelay must be a finite number >= 0, got "100"'],
    [{ maxDelay: -5 }, 'maxDelay must be a finite number >= 0, got -5'],
    [{ maxDelay: Infinity }, 'maxDelay must be a finite number >= 0, got Infinity'],
    [{ maxDelay: Number.NaN }, 'maxDelay must be a finite number >= 0, got NaN'],
    [{ initialDelay: 2000, maxDelay: 1000 }, 'initialDelay must be <= maxDelay (1000), got 2000'],
    [{ multiplier: 0.5 }, 'multiplier must be a finite number >= 1, got 0.5'],
    [{ multiplier: 0 }, 'multiplier must be a finite number >= 1, got 0'],
    [{ multiplier: -2 }, 'multiplier must be a finite number >= 1, got -2'],
    [{ multiplier: Infinity }, 'multiplier must be a finite number >= 1, got Infinity'],
    [{ multiplier: Number.NaN }, 'multiplier must be a finite number >= 1, got NaN'],
    [{ jitter: 'half' }, 'jitter must be one of "none", "full", "equal", "decorrelated" or a boolean, got "half"'],
    [{ jitter: 1 }, 'jitter must be one of "none", "full", "equal", "decorrelated" or a boolean, got 1'],
    [{ backoffStrategy: 'linear' }, 'backoffStrategy must be one of "fixed", "exponential", "fibonacci", "custom"'],
    [
      { backoffStrategy: { delay: 5 } },
      'backoffStrategy must be one of "fixed", "exponential", "fibonacci", "custom" ' +
        'or an object with a delay method, got {"delay":5}',
    ],
    [{ backoffStrategy: 'custom' }, 'customBackoff must be a function when backoffStrategy is "custom", got undefined'],
    [{ customBackoff: 'fast' }, 'customBackoff must be a function, got "fast"'],
    [{ customBackoff: () => 1, backoffStrategy: 'fixed' }, 'customBackoff is set but backoffStrategy is "fixed"'],
    [{ retryCondition: true }, 'retryCondition must be a function, got true'],
    [{ respectRetryAfter: 'yes' }, 'respectRetryAfter must be a boolean, got "yes"'],
    [{ random: 0.5 }, 'random must be a function, got 0.5'],
  ];

  for (const [config, message] of bad) {
    it(`rejects ${show(Object.values(config)[0])} with "${message}"`, () => {
      const make = (): RetryPolicy => new RetryPolicy(config as Partial<RetryPolicyConfig>);
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(`RetryPolicy: ${message}`);
    });
  }

  it('rejects a config that is not an object', () => {
    expect(() => new RetryPolicy(7 as unknown as Partial<RetryPolicyConfig>)).toThrow(
      'RetryPolicy: config must be an object, got 7',
    );
  });

  it('rejects bad arguments of getDelay, shouldRetry and isRetryable', () => {
    const p = new RetryPolicy();
    expect(() => p.getDelay(0)).toThrow('RetryPolicy.getDelay: attempt must be an integer >= 1, got 0');
    expect(() => p.getDelay(Number.NaN)).toThrow('RetryPolicy.getDelay: attempt must be an integer >= 1, got NaN');
    expect(() => p.getDelay(1, -1)).toThrow('RetryPolicy.getDelay: previous must be a finite number >= 0, got -1');
    expect(() => p.getDelay(1, Infinity)).toThrow('previous must be a finite number >= 0, got Infinity');
    expect(() => p.shouldRetry(new Error(), -1)).toThrow('RetryPolicy.shouldRetry: attempt must be an integer >= 1');
    expect(() => p.isRetryable(new Error(), 1.5)).toThrow('RetryPolicy.isRetryable: attempt must be an integer >= 1');
  });

  it('has the documented defaults', () => {
    const p = new RetryPolicy();
    expect([p.maxAttempts, p.initialDelay, p.maxDelay, p.jitter, p.backoffStrategy]).toEqual([
      3,
      100,
      10_000,
      'full',
      'exponential',
    ]);
  });
});

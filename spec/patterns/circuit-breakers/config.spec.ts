import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../runtime/index.js';
import { CircuitBreaker, BulkheadCircuitBreaker } from '../../../patterns/index.js';
import { expectRejection } from '../../rejection.js';

type Case = [option: string, value: unknown, message: string];

const INT1 = 'an integer >= 1';
const POS = 'a finite number > 0';
const RATE = 'a number > 0 and <= 1';

/** bad lists, for an option, the usual bad values with the expectation each produces. */
function bad(option: string, want: string, values: unknown[]): Case[] {
  return values.map((v) => [option, v, want]);
}

const breakerCases: Case[] = [
  ...bad('failureThreshold', INT1, [0, -1, 1.5, Number.NaN, Infinity, '5', null]),
  ...bad('recoveryTimeout', POS, [0, -1, Number.NaN, Infinity, -Infinity, '1000']),
  ...bad('halfOpenMaxRequests', INT1, [0, -2, 2.5, Number.NaN, Infinity]),
  ...bad('successThreshold', INT1, [0, -1, 0.5, Number.NaN, Infinity]),
  ...bad('enableMetrics', 'a boolean', [1, 'yes', null]),
  ...bad('tripPolicy', 'one of "consecutive", "rate"', ['count', 1]),
  ...bad('windowType', 'one of "count", "time"', ['sliding', null]),
  ...bad('windowSize', INT1, [0, -1, 1.5, Number.NaN, Infinity]),
  ...bad('windowDuration', POS, [0, -1, Number.NaN, Infinity]),
  ...bad('windowBuckets', INT1, [0, 1.5, Number.NaN, Infinity]),
  ...bad('minimumCalls', INT1, [0, -1, 1.5, Number.NaN, Infinity]),
  ...bad('failureRateThreshold', RATE, [0, -0.1, 1.01, 50, Number.NaN, Infinity, '0.5']),
  ...bad('slowCallDuration', POS, [0, -1, Number.NaN, Infinity]),
  ...bad('slowCallRateThreshold', RATE, [0, 2, Number.NaN, Infinity]),
  ...bad('isFailure', 'a function', [true, 'e => true']),
];

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

describe('CircuitBreaker config', () => {
  for (const [option, value, want] of breakerCases) {
    it(`rejects ${option}: ${show(value)}`, () => {
      const f = (): unknown => new CircuitBreaker({ [option]: value });
      expect(f).toThrow(InvalidArgumentError);
      expect(f).toThrow(`CircuitBreaker: ${option} must be ${want}, got ${show(value)}`);
    });
  }

  it('rejects a minimumCalls a count window can never hold', () => {
    expect(() => new CircuitBreaker({ windowSize: 5, minimumCalls: 6 })).toThrow(
      'CircuitBreaker: minimumCalls must be an integer <= windowSize (5) for a count window, got 6',
    );
  });

  it('rejects an unknown option (a typo would otherwise be silently ignored)', () => {
    expect(() => new CircuitBreaker({ resetTimeout: 10 } as never)).toThrow('CircuitBreaker: unknown option "resetTimeout"');
  });

  it('rejects a config that is not an object', () => {
    expect(() => new CircuitBreaker(5 as never)).toThrow('CircuitBreaker: config must be an object, got 5');
  });

  it('accepts no config, and the seed example', () => {
    expect(new CircuitBreaker().getState()).toBe('closed');
    expect(new CircuitBreaker({ failureThreshold: 5, recoveryTimeout: 30000, halfOpenMaxRequests: 3 }).isClosed()).toBe(true);
  });
});

const bulkheadCases: Case[] = [
  ...bad('maxConcurrentCalls', INT1, [0, -1, 1.5, Number.NaN, Infinity, '10']),
  ...bad('maxWaitTime', 'a finite number > 0, or Infinity', [0, -1, Number.NaN, -Infinity, '5000']),
  ...bad('enableQueue', 'a boolean', [1, 'true']),
  ...bad('maxQueueSize', 'an integer >= 0, or Infinity', [-1, 1.5, Number.NaN, -Infinity]),
];

describe('BulkheadCircuitBreaker config', () => {
  for (const [option, value, want] of bulkheadCases) {
    it(`rejects ${option}: ${show(value)}`, () => {
      const f = (): unknown => new BulkheadCircuitBreaker({ [option]: value });
      expect(f).toThrow(InvalidArgumentError);
      expect(f).toThrow(`BulkheadCircuitBreaker: ${option} must be ${want}, got ${show(value)}`);
    });
  }

  it('accepts Infinity for maxWaitTime and maxQueueSize, and 0 for maxQueueSize', () => {
    expect(() => new BulkheadCircuitBreaker({ maxWaitTime: Infinity, maxQueueSize: Infinity })).not.toThrow();
    expect(() => new BulkheadCircuitBreaker({ maxQueueSize: 0 })).not.toThrow();
  });

  it('rejects an unknown option and a non-object config', () => {
    expect(() => new BulkheadCircuitBreaker({ maxConcurrent: 1 } as never)).toThrow(
      'BulkheadCircuitBreaker: unknown option "maxConcurrent"',
    );
    expect(() => new BulkheadCircuitBreaker(null as never)).toThrow('BulkheadCircuitBreaker: config must be an object, got null');
  });
});

describe('call-time misuse', () => {
  it('rejects (never throws) with InvalidArgumentError for a fn that is not a function, taking no probe slot or permit', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1 });
    await expectRejection(() => b.call(5 as never), InvalidArgumentError, 'CircuitBreaker.call: fn must be a function, got 5');
    await expectRejection(() => b.execute(null as never), InvalidArgumentError, 'CircuitBreaker.execute: fn must be a function, got null');
    expect(b.getMetrics()).toMatchObject({ calls: 0, failures: 0, state: 'closed' });
    const h = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1 });
    await expectRejection(() => h.call('f' as never), InvalidArgumentError, 'BulkheadCircuitBreaker.call: fn must be a function, got "f"');
    await expectRejection(
      () => h.execute(undefined as never),
      InvalidArgumentError,
      'BulkheadCircuitBreaker.execute: fn must be a function, got undefined',
    );
    await expectRejection(() => h.tryCall({} as never), InvalidArgumentError, 'BulkheadCircuitBreaker.tryCall: fn must be a function, got {}');
    expect(h.getAvailablePermits()).toBe(1);
  });

  it('rejects (never throws) with InvalidArgumentError for a cancel that is neither a Context nor an AbortSignal', async () => {
    const b = new CircuitBreaker();
    await expectRejection(
      () => b.execute(() => 1, 5 as never),
      InvalidArgumentError,
      'CircuitBreaker.execute: cancel must be a Context, an AbortSignal or undefined, got 5',
    );
    expect(b.getMetrics()).toMatchObject({ calls: 0 });
    const h = new BulkheadCircuitBreaker();
    await expectRejection(
      () => h.call(() => 1, {} as never),
      InvalidArgumentError,
      'BulkheadCircuitBreaker.call: cancel must be a Context, an AbortSignal or undefined, got {}',
    );
    expect(h.getAvailablePermits()).toBe(10);
  });
});

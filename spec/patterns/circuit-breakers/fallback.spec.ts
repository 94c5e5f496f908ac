import { describe, expect, it } from 'vitest';
import { synctest, sleep } from '../../../runtime/index.js';
import {
  CircuitBreaker,
  BrokenCircuitError,
  CircuitHalfOpenError,
  isBrokenCircuitError,
} from '../../../patterns/index.js';
import { boom, caught, ok, outcome, slow, times } from './helpers.js';

describe('CircuitBreaker: fallback', () => {
  it('resolves a refused call with the fallback value; fn does not run', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1, fallback: 'cached' });
    await outcome(b.call(boom));
    let ran = false;
    const v: string = await b.call(async () => {
      ran = true;
      return 'fresh';
    });
    expect([v, ran]).toEqual(['cached', false]);
    expect(b.getMetrics()).toMatchObject({ rejections: 1, fallbacks: 1 });
  });

  it('calls a fallback function with the refusal, and uses what it returns or resolves to', async () => {
    await synctest.run(async () => {
      const seen: unknown[] = [];
      const b = new CircuitBreaker({
        failureThreshold: 1,
        recoveryTimeout: 1000,
        fallback: async (e) => {
          seen.push(e);
          return { stale: true, retryIn: isBrokenCircuitError(e) ? e.remainingMs : 0 };
        },
      });
      await outcome(b.call(boom));
      await sleep(400);
      expect(await b.call(ok)).toEqual({ stale: true, retryIn: 600 });
      expect(seen[0]).toBeInstanceOf(BrokenCircuitError);
    });
  });

  it('answers a forced-open breaker and a busy half-open one too', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 100, fallback: (e) => e.name });
      b.forceOpen();
      expect(await b.call(ok)).toBe('BrokenCircuitError');
      b.forceClose();
      await outcome(b.call(boom));
      await sleep(100);
      const probe = b.call(slow(50)); // takes the one probe slot
      expect(await b.call(ok)).toBe(new CircuitHalfOpenError(1).name);
      expect(await probe).toBe('ok');
      expect(b.getState()).toBe('closed');
    });
  });

  it('lets errors of fn itself through, and counts them as failures', async () => {
    const b = new CircuitBreaker({ failureThreshold: 2, fallback: 'cached' });
    expect(await times(3, () => b.call(boom))).toEqual(['boom', 'boom', 'cached']);
  });

  it('rejects with what a fallback function throws', async () => {
    const b = new CircuitBreaker({
      failureThreshold: 1,
      fallback: (): string => {
        throw new Error('no cache either');
      },
    });
    await outcome(b.call(boom));
    expect(((await caught(b.call(ok))) as Error).message).toBe('no cache either');
  });

  it('takes undefined as a fallback value when given explicitly', async () => {
    const b = new CircuitBreaker<undefined>({ failureThreshold: 1, fallback: undefined });
    await outcome(b.call(boom));
    expect(await b.call(ok)).toBeUndefined();
  });

  it('is ignored by execute, so that outer policies (retry, wrap) still see the refusal', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1, fallback: 'cached' });
    await outcome(b.call(boom));
    expect(await caught(b.execute(ok))).toBeInstanceOf(BrokenCircuitError);
    expect(b.getMetrics()).toMatchObject({ rejections: 1, fallbacks: 0 });
  });
});

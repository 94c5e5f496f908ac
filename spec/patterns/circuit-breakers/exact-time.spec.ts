/**
 * The breaker on exact virtual time: it keeps time in the runtime's whole nanoseconds (nanotime), as the limiters do,
 * so durations that are not whole milliseconds compare exactly. On Unix milliseconds (a double near 1e12, about
 * 0.1 us apart) a call lasting exactly slowCallDuration came out slow for most of these durations.
 */
import { describe, expect, it } from 'vitest';
import { synctest, Nanosecond, sleep } from '../../../runtime/index.js';
import { CircuitBreaker } from '../../../patterns/index.js';
import { boom, outcome, slow } from './helpers.js';

/** DURATIONS are ms values that are not binary fractions, at several magnitudes. */
const DURATIONS = [0.0001, 0.001, 0.017, 0.1, 0.3, 0.7, 1.1, 2.3, 10.1, 33.3];

describe('CircuitBreaker: exact virtual time', () => {
  it('does not count a call that lasts exactly slowCallDuration as slow, and counts one 1 ns longer', async () => {
    await synctest.run(async () => {
      for (const d of DURATIONS) {
        await sleep(0.37); // an offset that is not a whole ms either
        const b = new CircuitBreaker({ slowCallDuration: d });
        await b.call(slow(d));
        expect([d, b.getMetrics().slowCalls]).toEqual([d, 0]);
        await b.call(slow(d + Nanosecond));
        expect([d, b.getMetrics().slowCalls]).toEqual([d, 1]);
      }
    });
  });

  it('turns half-open at exactly recoveryTimeout after opening, not 1 ns before', async () => {
    await synctest.run(async () => {
      for (const d of DURATIONS) {
        await sleep(0.37);
        const b = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: d });
        await outcome(b.call(boom));
        await sleep(d - Nanosecond);
        expect([d, b.getState()]).toEqual([d, 'open']);
        await sleep(Nanosecond);
        expect([d, b.getState()]).toEqual([d, 'half-open']);
      }
    });
  });

  it('expires a time-window bucket at the exact nanosecond its duration has passed', async () => {
    await synctest.run(async () => {
      // Buckets of 0.3 ms: bucket k holds [0.3k, 0.3k + 0.3) on the bubble's clock, which starts on a bucket edge.
      const b = new CircuitBreaker({ tripPolicy: 'rate', windowType: 'time', windowDuration: 0.9, windowBuckets: 3, minimumCalls: 100 });
      await outcome(b.call(boom)); // at 0, in bucket 0
      await sleep(0.9 - Nanosecond);
      expect(b.getMetrics().windowCalls).toBe(1);
      await sleep(Nanosecond);
      expect(b.getMetrics().windowCalls).toBe(0);
    });
  });
});

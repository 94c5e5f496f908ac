/**
 * Each blocking shared sync operation parks with Go's wait reason, as the one-thread primitives do
 * (spec/runtime/sync/suites/wait-reasons.ts). This file turns goroutine tracking on for its process.
 */
import { describe, expect, it } from 'vitest';
import {
  go,
  SharedCond,
  SharedMutex,
  SharedOnce,
  SharedRWMutex,
  SharedSemaphore,
  SharedWaitGroup,
} from '../../../../runtime/index.js';
import { EXACT, live, setLevel } from '../../../../runtime/sched/tracking.js';
import { flush } from '../../sync/helpers.js';
import { waitReasonsSuite } from '../../sync/suites/wait-reasons.js';

waitReasonsSuite('wait reasons of the shared sync primitives', {
  mutex: () => new SharedMutex(),
  rwMutex: () => new SharedRWMutex(),
  waitGroup: () => new SharedWaitGroup(),
  once: () => new SharedOnce(),
  semaphore: (n) => new SharedSemaphore(n),
  neverDoneOversized: false,
});

describe('wait reasons of SharedCond', () => {
  it('parks a waiter with sync.Cond.Wait, then relocking with the locker\'s reason', async () => {
    setLevel(EXACT);
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    const reasons = (): (string | null)[] => [...live].map((g) => g.wait).sort();
    go(async () => {
      await mu.lock();
      await c.wait();
      mu.unlock();
    });
    await flush();
    expect(reasons()).toEqual(['sync.Cond.Wait']);
    await mu.lock();
    c.signal();
    await flush();
    expect(reasons()).toEqual(['sync.Mutex.Lock']); // woken, waiting for mu
    mu.unlock();
    await flush();
    expect(reasons()).toEqual([]);
  });
});

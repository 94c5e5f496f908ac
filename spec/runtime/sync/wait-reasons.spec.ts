/** The wait reasons of the one-thread sync primitives. This file turns goroutine tracking on for its process. */
import { describe, expect, it } from 'vitest';
import { go, Cond, Mutex, Once, RWMutex, Semaphore, SingleflightGroup, WaitGroup } from '../../../runtime/index.js';
import { EXACT, live, setLevel } from '../../../runtime/sched/tracking.js';
import { flush } from './helpers.js';
import { waitReasonsSuite } from './suites/wait-reasons.js';

waitReasonsSuite('wait reasons of the sync primitives', {
  mutex: () => new Mutex(),
  rwMutex: () => new RWMutex(),
  waitGroup: () => new WaitGroup(),
  once: () => new Once(),
  semaphore: (n) => new Semaphore(n),
  neverDoneOversized: true,
});

describe('wait reason of Cond', () => {
  it('parks a waiter as sync.Cond.Wait, then as the Mutex relock, and clears it on return', async () => {
    setLevel(EXACT);
    // Only the goroutines started here: the suite above leaves one parked on a nil channel for good.
    const before = new Set(live);
    const reasons = (): (string | null)[] => [...live].filter((g) => !before.has(g)).map((g) => g.wait);
    const m = new Mutex();
    const c = new Cond(m);
    go(async () => {
      await m.lock();
      await c.wait();
      m.unlock();
    });
    await flush();
    expect(reasons()).toEqual(['sync.Cond.Wait']);
    await m.lock();
    c.signal();
    await flush();
    expect(reasons()).toEqual(['sync.Mutex.Lock']); // woken, relocking behind the signaller
    m.unlock();
    await flush();
    expect(reasons()).toEqual([]);
  });
});

describe('wait reason of SingleflightGroup', () => {
  it('parks a caller that joined a call in flight as sync.WaitGroup.Wait (Go: the call\'s WaitGroup)', async () => {
    setLevel(EXACT);
    const before = new Set(live);
    const reasons = (): (string | null)[] => [...live].filter((g) => !before.has(g)).map((g) => g.wait);
    const g = new SingleflightGroup<number>();
    let finish!: (v: number) => void;
    const inFlight = g.do('k', () => new Promise<number>((r) => (finish = r)));
    go(() => g.do('k', () => 0));
    await flush();
    expect(reasons()).toEqual(['sync.WaitGroup.Wait']);
    finish(1);
    await inFlight;
    await flush();
    expect(reasons()).toEqual([]);
  });
});

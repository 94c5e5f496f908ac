/**
 * Randomized contention across 4 worker threads and the main thread, checking the invariants from inside the
 * critical sections (the schedules vary from run to run; the outcome must not). GOCSP_STRESS=n multiplies the work.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SharedCond, SharedMutex, SharedRWMutex, SharedSemaphore } from '../../../../runtime/index.js';
import { flags, liveWorkers, onThread, terminateAll } from '../thread-harness.js';
import { condQueue, rwStress, semStress } from '../workers/sync-scenarios.js';

const scale = Number(process.env['GOCSP_STRESS'] ?? 1);

afterEach(async () => {
  await terminateAll();
  expect(liveWorkers()).toBe(0);
});

describe('shared sync under random contention from 5 threads', () => {
  it('SharedRWMutex: never a writer with anyone else inside, never a reader beside a writer', async () => {
    const rw = new SharedRWMutex();
    const state = flags(4);
    const iters = 100 * scale;
    const workers = [1, 2, 3, 4].map((seed) => onThread('rwStress', rw, state, 3, iters, seed));
    const here = rwStress(rw, state, 3, iters, 99);
    const ops = await Promise.all([...workers.map((w) => w.result), here]);
    expect(ops).toEqual([1, 2, 3, 4, 5].map(() => 3 * iters));
    expect(Atomics.load(state, 2)).toBe(0);
    expect([Atomics.load(state, 0), Atomics.load(state, 1)]).toEqual([0, 0]);
    expect(rw.tryLock()).toBe(true);
    rw.unlock();
  }, 60_000);

  it('SharedSemaphore: never more than its size held, with cancellations; all weight back at the end', async () => {
    const size = 5;
    const sem = new SharedSemaphore(size);
    const state = flags(3);
    const iters = 100 * scale;
    const workers = [1, 2, 3, 4].map((seed) => onThread('semStress', sem, size, state, 3, iters, seed));
    const here = semStress(sem, size, state, 3, iters, 99);
    const got = await Promise.all([...workers.map((w) => w.result), here]);
    expect(Atomics.load(state, 1)).toBe(0);
    expect(Atomics.load(state, 0)).toBe(0);
    expect(got.reduce((a, b) => a + b, 0) + Atomics.load(state, 2)).toBe(15 * iters); // each one acquired or canceled
    expect(sem.tryAcquire(size)).toBe(true);
    sem.release(size);
  }, 60_000);

  it('SharedCond: a bounded queue over two conds moves every value once, with no wake-up lost', async () => {
    const size = 3;
    const mu = new SharedMutex();
    const notEmpty = new SharedCond(mu);
    const notFull = new SharedCond(mu);
    const q = flags(6 + size);
    const iters = 50 * scale;
    // Two producer threads, two consumer threads (2 goroutines each), and main with one of each: 5 and 5.
    const roles = [
      [2, 0],
      [2, 0],
      [0, 2],
      [0, 2],
    ] as const;
    const workers = roles.map(([p, c], i) =>
      onThread('condQueue', mu, notEmpty, notFull, q, size, p, c, iters, i + 1),
    );
    const here = condQueue(mu, notEmpty, notFull, q, size, 1, 1, iters, 99);
    const moved = await Promise.all([...workers.map((w) => w.result), here]);
    expect(moved).toEqual([2, 2, 2, 2, 2].map((n) => n * iters));
    let sum = 0;
    for (const [seed, producers] of [...roles.map(([p], i) => [i + 1, p] as const), [99, 1] as const]) {
      for (let p = 0; p < producers; p++) for (let i = 0; i < iters; i++) sum += seed * 1000 + p * 100 + i;
    }
    expect([Atomics.load(q, 4), Atomics.load(q, 3)]).toEqual([5 * iters, sum | 0]);
    expect([Atomics.load(q, 1), Atomics.load(q, 2)]).toEqual([0, 0]); // empty, never a violation
    expect(mu.tryLock()).toBe(true);
    mu.unlock();
  }, 60_000);
});

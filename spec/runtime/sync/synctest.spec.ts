/**
 * The sync primitives inside a synctest bubble: every wait on them is a park, so virtual time advances while
 * goroutines sleep holding a lock and the others wait for it, and a wait nobody can end is reported as a deadlock.
 */
import { describe, expect, it } from 'vitest';
import {
  DeadlockError,
  Second,
  now,
  since,
  sleep,
  synctest,
  Mutex,
  Once,
  RWMutex,
  Semaphore,
  WaitGroup,
} from '../../../runtime/index.js';
import { background, fakeContext } from './helpers.js';

describe('sync primitives in virtual time', () => {
  it('serializes goroutines that sleep while holding a Mutex, with no real time passing', async () => {
    const real0 = performance.now();
    const ends: number[] = [];
    await synctest.run(async () => {
      const t0 = now();
      const mu = new Mutex();
      const wg = new WaitGroup();
      for (let i = 0; i < 5; i++) {
        wg.go(async () => {
          await mu.lock();
          await sleep(Second);
          mu.unlock();
          ends.push(since(t0));
        });
      }
      await wg.wait();
      expect(since(t0)).toBe(5 * Second);
    });
    expect(ends).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(performance.now() - real0).toBeLessThan(1000);
  });

  it('lets readers sleep together and a writer after them under an RWMutex', async () => {
    await synctest.run(async () => {
      const t0 = now();
      const rw = new RWMutex();
      const wg = new WaitGroup();
      let wroteAt = -1;
      for (let i = 0; i < 3; i++) {
        wg.go(async () => {
          await rw.rLock();
          await sleep(Second);
          rw.rUnlock();
        });
      }
      wg.go(async () => {
        await sleep(1); // arrive while the readers hold the lock
        await rw.lock();
        wroteAt = since(t0);
        await sleep(500);
        rw.unlock();
      });
      await wg.wait();
      expect(wroteAt).toBe(Second);
      expect(since(t0)).toBe(1500);
    });
  });

  it('limits concurrency with a Semaphore and cancels a waiter at a virtual deadline', async () => {
    await synctest.run(async () => {
      const t0 = now();
      const sem = new Semaphore(2);
      const wg = new WaitGroup();
      for (let i = 0; i < 4; i++) {
        wg.go(async () => {
          await sem.acquire(background);
          await sleep(Second);
          sem.release();
        });
      }
      const ctx = fakeContext();
      wg.go(async () => {
        await sleep(300);
        ctx.cancel(new Error('deadline'));
      });
      let failedAt = -1;
      wg.go(async () => {
        await sleep(1);
        await sem.acquire(ctx).catch(() => (failedAt = since(t0)));
      });
      await wg.wait();
      expect(failedAt).toBe(300);
      expect(since(t0)).toBe(2 * Second);
    });
  });

  it('parks Once callers while the first one sleeps in fn', async () => {
    await synctest.run(async () => {
      const t0 = now();
      const once = new Once();
      const wg = new WaitGroup();
      const doneAt: number[] = [];
      for (let i = 0; i < 3; i++) {
        wg.go(async () => {
          await once.do(() => sleep(Second));
          doneAt.push(since(t0));
        });
      }
      await wg.wait();
      expect(doneAt).toEqual([1000, 1000, 1000]);
    });
  });

  it('reports a deadlock when a goroutine locks a Mutex it already holds', async () => {
    const p = synctest.run(async () => {
      const mu = new Mutex();
      await mu.lock();
      await mu.lock();
    });
    await expect(p).rejects.toBeInstanceOf(DeadlockError);
  });

  it('reports a deadlock for a recursive read lock with a writer in between', async () => {
    const p = synctest.run(async () => {
      const rw = new RWMutex();
      await rw.rLock();
      const wg = new WaitGroup();
      wg.go(async () => {
        await rw.lock();
        rw.unlock();
      });
      await sleep(1); // the writer is now waiting for our read lock
      await rw.rLock();
    });
    await expect(p).rejects.toBeInstanceOf(DeadlockError);
  });

  it('reports a deadlock when a WaitGroup is never done', async () => {
    const p = synctest.run(async () => {
      const wg = new WaitGroup();
      wg.add(1);
      await wg.wait();
    });
    await expect(p).rejects.toBeInstanceOf(DeadlockError);
  });
});

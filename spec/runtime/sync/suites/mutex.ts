import { describe, expect, it } from 'vitest';
import { SyncMisuseError, isSyncMisuseError } from '../../../../runtime/panics.js';
import { go } from '../../../../runtime/go.js';
import type { Mutex } from '../../../../runtime/sync/mutex.js';
import { WaitGroup } from '../../../../runtime/sync/wait-group.js';
import { caught, flush, settled } from '../helpers.js';

/** MutexLike is the public surface of Mutex that the suite exercises. */
export type MutexLike = Pick<Mutex, keyof Mutex>;

/** mutexSuite is the Mutex suite: run it against the one-thread Mutex and against its shared twin. */
export function mutexSuite(label: string, make: () => MutexLike): void {
  describe(label, () => {
    it('locks a free mutex at once with one shared settled promise', async () => {
      const mu = make();
      const p1 = mu.lock();
      expect(await settled(p1)).toBe(true);
      mu.unlock();
      const p2 = mu.lock();
      expect(p2).toBe(p1); // no allocation on the uncontended path
      mu.unlock();
    });

    it('parks a locker while the mutex is held', async () => {
      const mu = make();
      await mu.lock();
      const p = mu.lock();
      expect(await settled(p)).toBe(false);
      mu.unlock();
      expect(await settled(p)).toBe(true);
      mu.unlock();
    });

    it('serves parked lockers in arrival order', async () => {
      const mu = make();
      await mu.lock();
      const order: number[] = [];
      const wg = new WaitGroup();
      for (let i = 0; i < 10; i++) {
        wg.add(1);
        void mu.lock().then(() => {
          order.push(i);
          mu.unlock();
          wg.done();
        });
      }
      await flush();
      mu.unlock();
      await wg.wait();
      expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('hands the lock to the first waiter on unlock, so tryLock fails before the waiter wakes', async () => {
      const mu = make();
      await mu.lock();
      let woke = false;
      const waiter = mu.lock().then(() => (woke = true));
      mu.unlock();
      expect(woke).toBe(false); // the waiter has not run yet...
      expect(mu.tryLock()).toBe(false); // ...but it owns the mutex: no barging
      const late = mu.lock(); // a new locker queues behind it
      await waiter;
      expect(await settled(late)).toBe(false);
      mu.unlock();
      expect(await settled(late)).toBe(true);
      mu.unlock();
      expect(mu.tryLock()).toBe(true);
      mu.unlock();
    });

    it('does not starve a waiter when the holder relocks at once', async () => {
      const mu = make();
      const log: string[] = [];
      await mu.lock();
      const other = mu.lock().then(() => {
        log.push('other');
        mu.unlock();
      });
      for (let i = 0; i < 3; i++) {
        mu.unlock();
        await mu.lock(); // the greedy holder queues behind the waiter
        log.push(`greedy ${i}`);
      }
      mu.unlock();
      await other;
      expect(log).toEqual(['other', 'greedy 0', 'greedy 1', 'greedy 2']);
    });

    it('takes a free mutex with tryLock and fails on a held one', () => {
      const mu = make();
      expect(mu.tryLock()).toBe(true);
      expect(mu.tryLock()).toBe(false);
      mu.unlock();
      expect(mu.tryLock()).toBe(true);
      mu.unlock();
    });

    it('lets a goroutine other than the locker unlock', async () => {
      const mu = make();
      await mu.lock();
      go(() => mu.unlock());
      await mu.lock();
      mu.unlock();
    });

    it('throws a fatal SyncMisuseError on unlock of an unlocked mutex', async () => {
      const mu = make();
      const check = (): void => {
        const e = caught(() => mu.unlock());
        expect(e).toBeInstanceOf(SyncMisuseError);
        expect((e as SyncMisuseError).message).toBe('sync: unlock of unlocked mutex');
        expect((e as SyncMisuseError).code).toBe('ERR_SYNC_UNLOCK_OF_UNLOCKED_MUTEX');
        expect((e as SyncMisuseError).fatal).toBe(true);
        expect(isSyncMisuseError(e)).toBe(true);
      };
      check(); // never locked
      await mu.lock();
      mu.unlock();
      check(); // unlocked twice
      expect(mu.tryLock()).toBe(true); // the failed unlocks changed nothing
      mu.unlock();
    });
  });
}

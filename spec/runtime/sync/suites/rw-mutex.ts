import { describe, expect, it } from 'vitest';
import { SyncMisuseError } from '../../../../runtime/panics.js';
import type { RWMutex } from '../../../../runtime/sync/rw-mutex.js';
import { caught, flush, settled } from '../helpers.js';

/** track logs `name` when `p` resolves. */
function track(log: string[], name: string, p: Promise<void>): Promise<void> {
  return p.then(() => {
    log.push(name);
  });
}

/** RWMutexLike is the public surface of RWMutex that the suite exercises. */
export type RWMutexLike = Pick<RWMutex, keyof RWMutex>;

/** rwMutexSuite is the RWMutex suite: run it against the one-thread RWMutex and against its shared twin. */
export function rwMutexSuite(label: string, make: () => RWMutexLike): void {
  describe(label, () => {
    it('admits many readers at once', async () => {
      const rw = make();
      await rw.rLock();
      await rw.rLock();
      expect(rw.tryRLock()).toBe(true);
      rw.rUnlock();
      rw.rUnlock();
      rw.rUnlock();
      expect(rw.tryLock()).toBe(true);
      rw.unlock();
    });

    it('parks readers while a writer holds the lock and admits them all on unlock', async () => {
      const rw = make();
      await rw.lock();
      const readers = [rw.rLock(), rw.rLock(), rw.rLock()];
      expect(rw.tryRLock()).toBe(false);
      for (const r of readers) expect(await settled(r)).toBe(false);
      rw.unlock();
      for (const r of readers) expect(await settled(r)).toBe(true);
      expect(rw.tryLock()).toBe(false);
      for (let i = 0; i < 3; i++) rw.rUnlock();
      expect(rw.tryLock()).toBe(true);
      rw.unlock();
    });

    it('makes a writer wait until every reader holding the lock has left', async () => {
      const rw = make();
      await rw.rLock();
      await rw.rLock();
      const w = rw.lock();
      rw.rUnlock();
      expect(await settled(w)).toBe(false);
      rw.rUnlock();
      expect(await settled(w)).toBe(true);
      rw.unlock();
    });

    it('stops new readers as soon as a writer waits (writer preference)', async () => {
      const rw = make();
      const log: string[] = [];
      await rw.rLock();
      const w = track(log, 'writer', rw.lock());
      const r = track(log, 'late reader', rw.rLock());
      expect(rw.tryRLock()).toBe(false);
      await flush();
      expect(log).toEqual([]);
      rw.rUnlock();
      await w;
      expect(log).toEqual(['writer']);
      rw.unlock();
      await r;
      expect(log).toEqual(['writer', 'late reader']);
      rw.rUnlock();
    });

    it('lets every reader that queued during a write in before the next writer', async () => {
      const rw = make();
      const log: string[] = [];
      await rw.rLock(); // R0
      const w1 = track(log, 'W1', rw.lock());
      const r1 = track(log, 'R1', rw.rLock());
      const w2 = track(log, 'W2', rw.lock());
      const r2 = track(log, 'R2', rw.rLock());
      rw.rUnlock(); // R0 leaves: W1 in
      await w1;
      rw.unlock(); // W1 leaves: R1 and R2 in, W2 claims the lock and waits for them
      await Promise.all([r1, r2]);
      const r3 = track(log, 'R3', rw.rLock()); // arrives after W2 claimed the lock
      expect(rw.tryRLock()).toBe(false);
      await flush();
      expect(log).toEqual(['W1', 'R1', 'R2']);
      rw.rUnlock();
      rw.rUnlock();
      await w2;
      rw.unlock();
      await r3;
      expect(log).toEqual(['W1', 'R1', 'R2', 'W2', 'R3']);
      rw.rUnlock();
      expect(rw.tryLock()).toBe(true);
      rw.unlock();
    });

    it('serves writers in arrival order and hands the lock over with no barging', async () => {
      const rw = make();
      const log: string[] = [];
      await rw.lock();
      const ws = [0, 1, 2].map((i) => track(log, `W${i}`, rw.lock()));
      rw.unlock();
      expect(rw.tryLock()).toBe(false);
      expect(rw.tryRLock()).toBe(false);
      for (let i = 0; i < 3; i++) {
        await ws[i];
        rw.unlock();
      }
      expect(log).toEqual(['W0', 'W1', 'W2']);
      expect(rw.tryLock()).toBe(true);
      rw.unlock();
    });

    it('fails tryLock while a reader or writer holds or awaits the lock', async () => {
      const rw = make();
      await rw.rLock();
      expect(rw.tryLock()).toBe(false);
      const w = rw.lock();
      rw.rUnlock();
      await w;
      expect(rw.tryLock()).toBe(false);
      rw.unlock();
      expect(rw.tryLock()).toBe(true);
      rw.unlock();
    });

    it('returns from rLocker one Locker on the read side', async () => {
      const rw = make();
      const l = rw.rLocker();
      expect(rw.rLocker()).toBe(l);
      await l.lock();
      await l.lock();
      expect(rw.tryRLock()).toBe(true);
      expect(rw.tryLock()).toBe(false);
      rw.rUnlock();
      l.unlock();
      l.unlock();
      expect(rw.tryLock()).toBe(true);
      rw.unlock();
    });

    it('throws a fatal SyncMisuseError on rUnlock with no read lock held', async () => {
      const rw = make();
      const check = (): void => {
        const e = caught(() => rw.rUnlock());
        expect(e).toBeInstanceOf(SyncMisuseError);
        expect((e as SyncMisuseError).message).toBe('sync: RUnlock of unlocked RWMutex');
        expect((e as SyncMisuseError).code).toBe('ERR_SYNC_RUNLOCK_OF_UNLOCKED_RWMUTEX');
        expect((e as SyncMisuseError).fatal).toBe(true);
      };
      check();
      await rw.lock();
      check(); // write-locked is not read-locked
      rw.unlock();
      expect(rw.tryRLock()).toBe(true);
      rw.rUnlock();
    });

    it('throws a fatal SyncMisuseError on unlock with no write lock held', async () => {
      const rw = make();
      const check = (): void => {
        const e = caught(() => rw.unlock());
        expect(e).toBeInstanceOf(SyncMisuseError);
        expect((e as SyncMisuseError).message).toBe('sync: Unlock of unlocked RWMutex');
        expect((e as SyncMisuseError).code).toBe('ERR_SYNC_UNLOCK_OF_UNLOCKED_RWMUTEX');
        expect((e as SyncMisuseError).fatal).toBe(true);
      };
      check();
      await rw.rLock();
      check(); // read-locked is not write-locked
      const w = rw.lock();
      check(); // a writer waiting for readers does not hold the lock yet
      rw.rUnlock();
      await w;
      rw.unlock();
      expect(rw.tryLock()).toBe(true);
      rw.unlock();
    });
  });
}

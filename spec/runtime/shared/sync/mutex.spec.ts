/** SharedMutex on one thread: the same behaviour and panics as Mutex (spec/runtime/sync/mutex.spec.ts). */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SyncMisuseError, isSyncMisuseError } from '../../../../runtime/errors.js';
import { go } from '../../../../runtime/go.js';
import { SharedMutex } from '../../../../runtime/shared/sync/shared-mutex.js';
import { SharedOnce } from '../../../../runtime/shared/sync/shared-once.js';
import { fromWire, toWire } from '../../../../runtime/shared/wire.js';
import { WaitGroup } from '../../../../runtime/sync/wait-group.js';
import { caught, flush, settled } from '../../sync/helpers.js';

describe('SharedMutex on one thread', () => {
  it('locks a free mutex at once with one shared settled promise', async () => {
    const mu = new SharedMutex();
    const p1 = mu.lock();
    expect(await settled(p1)).toBe(true);
    mu.unlock();
    const p2 = mu.lock();
    expect(p2).toBe(p1); // no allocation on the uncontended path
    mu.unlock();
  });

  it('parks a locker while the mutex is held', async () => {
    const mu = new SharedMutex();
    await mu.lock();
    const p = mu.lock();
    expect(await settled(p)).toBe(false);
    mu.unlock();
    expect(await settled(p)).toBe(true);
    mu.unlock();
  });

  it('serves parked lockers in arrival order', async () => {
    const mu = new SharedMutex();
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
    const mu = new SharedMutex();
    await mu.lock();
    let woke = false;
    const waiter = mu.lock().then(() => (woke = true));
    mu.unlock();
    expect(woke).toBe(false);
    expect(mu.tryLock()).toBe(false); // the waiter owns it: no barging
    const late = mu.lock();
    await waiter;
    expect(await settled(late)).toBe(false);
    mu.unlock();
    expect(await settled(late)).toBe(true);
    mu.unlock();
    expect(mu.tryLock()).toBe(true);
    mu.unlock();
  });

  it('does not starve a waiter when the holder relocks at once', async () => {
    const mu = new SharedMutex();
    const log: string[] = [];
    await mu.lock();
    const other = mu.lock().then(() => {
      log.push('other');
      mu.unlock();
    });
    for (let i = 0; i < 3; i++) {
      mu.unlock();
      await mu.lock();
      log.push(`greedy ${i}`);
    }
    mu.unlock();
    await other;
    expect(log).toEqual(['other', 'greedy 0', 'greedy 1', 'greedy 2']);
  });

  it('takes a free mutex with tryLock and fails on a held one', () => {
    const mu = new SharedMutex();
    expect(mu.tryLock()).toBe(true);
    expect(mu.tryLock()).toBe(false);
    mu.unlock();
    expect(mu.tryLock()).toBe(true);
    mu.unlock();
  });

  it('lets a goroutine other than the locker unlock', async () => {
    const mu = new SharedMutex();
    await mu.lock();
    go(() => mu.unlock());
    await mu.lock();
    mu.unlock();
  });

  it('reports recovered as false after ordinary hand-offs', async () => {
    const mu = new SharedMutex();
    await mu.lock();
    const p = mu.lock();
    mu.unlock();
    await p;
    expect(mu.recovered).toBe(false);
    mu.unlock();
  });

  it('throws a fatal SyncMisuseError on unlock of an unlocked mutex', async () => {
    const mu = new SharedMutex();
    const check = (): void => {
      const e = caught(() => mu.unlock());
      expect(e).toBeInstanceOf(SyncMisuseError);
      expect((e as SyncMisuseError).message).toBe('sync: unlock of unlocked mutex');
      expect((e as SyncMisuseError).code).toBe('ERR_SYNC_UNLOCK_OF_UNLOCKED_MUTEX');
      expect((e as SyncMisuseError).fatal).toBe(true);
      expect(isSyncMisuseError(e)).toBe(true);
    };
    check();
    await mu.lock();
    mu.unlock();
    check();
    expect(mu.tryLock()).toBe(true); // the failed unlocks changed nothing
    mu.unlock();
  });
});

describe('SharedMutex on the wire', () => {
  it('rebuilds to the same object on the same thread, bound to the same memory', async () => {
    const mu = new SharedMutex();
    const again = fromWire(toWire(mu)) as SharedMutex;
    expect(again).toBe(mu);
    await mu.lock();
    expect(again.tryLock()).toBe(false);
    again.unlock();
  });

  it('carries its buffer and the registry, and refuses a buffer that is not a mutex', () => {
    const w = toWire(new SharedMutex());
    expect(w['sab']).toBeInstanceOf(SharedArrayBuffer);
    expect(w['registry']).toBeInstanceOf(SharedArrayBuffer);
    for (const sab of [new SharedArrayBuffer(8), toWire(new SharedOnce())['sab'], undefined]) {
      const e = caught(() => fromWire({ ...w, sab }));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toMatch(/^SharedMutex: not the shared memory of a SharedMutex, got /);
    }
    expect(new SharedMutex().tryLock()).toBe(true); // a failed rebuild leaves nothing behind
  });
});

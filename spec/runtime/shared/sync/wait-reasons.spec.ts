/**
 * Each blocking shared sync operation parks with Go's wait reason, as the one-thread primitives do
 * (spec/runtime/sync/wait-reasons.spec.ts). This file turns goroutine tracking on for its process.
 */
import { describe, expect, it } from 'vitest';
import { go } from '../../../../runtime/go.js';
import { enableTracking, live } from '../../../../runtime/sched/tracking.js';
import { SharedMutex } from '../../../../runtime/shared/sync/shared-mutex.js';
import { SharedOnce } from '../../../../runtime/shared/sync/shared-once.js';
import { SharedRWMutex } from '../../../../runtime/shared/sync/shared-rw-mutex.js';
import { SharedSemaphore } from '../../../../runtime/shared/sync/shared-semaphore.js';
import { SharedWaitGroup } from '../../../../runtime/shared/sync/shared-wait-group.js';
import { background, fakeContext, flush } from '../../sync/helpers.js';

function reasons(): (string | null)[] {
  return [...live].map((g) => g.wait).sort();
}

describe('wait reasons of the shared sync primitives', () => {
  it("parks each blocked goroutine with Go's wait reason and clears it on wake-up", async () => {
    enableTracking(false);
    const mu = new SharedMutex();
    const rw = new SharedRWMutex();
    const rw2 = new SharedRWMutex();
    const wg = new SharedWaitGroup();
    const once = new SharedOnce();
    const sem = new SharedSemaphore(1);
    const ctx = fakeContext();
    let releaseOnce!: () => void;

    await mu.lock();
    await rw.lock();
    await rw2.rLock();
    wg.add(1);
    await sem.acquire(background);
    void once.do(() => new Promise<void>((r) => (releaseOnce = r)));

    go(() => mu.lock());
    go(async () => {
      await rw.rLock();
      rw.rUnlock();
    });
    go(() => rw.lock());
    go(() => rw2.lock());
    go(() => wg.wait());
    go(() => once.do(() => {}));
    go(() => sem.acquire(ctx));
    go(() => sem.acquire(ctx, 2).catch(() => {}));
    await flush();
    expect(reasons()).toEqual(
      [
        'sync.Mutex.Lock',
        'sync.RWMutex.RLock',
        'sync.RWMutex.Lock',
        'sync.RWMutex.Lock',
        'sync.WaitGroup.Wait',
        'sync.Mutex.Lock',
        'select',
        'chan receive',
      ].sort(),
    );

    mu.unlock();
    rw.unlock();
    rw2.rUnlock();
    wg.done();
    releaseOnce();
    sem.release();
    ctx.cancel();
    await flush();
    expect(reasons()).toEqual([]);
  });
});

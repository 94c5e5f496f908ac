/**
 * Each blocking sync operation parks with Go's wait reason, the text a deadlock report shows for the goroutine.
 * This file turns goroutine tracking on for its process (as main() does).
 */
import { describe, expect, it } from 'vitest';
import { go } from '../../../runtime/go.js';
import { enableTracking, live } from '../../../runtime/sched/tracking.js';
import { Mutex } from '../../../runtime/sync/mutex.js';
import { Once } from '../../../runtime/sync/once.js';
import { RWMutex } from '../../../runtime/sync/rw-mutex.js';
import { Semaphore } from '../../../runtime/sync/semaphore.js';
import { WaitGroup } from '../../../runtime/sync/wait-group.js';
import { background, fakeContext, flush } from './helpers.js';

/** reasons returns the wait reason of every live tracked goroutine, sorted. */
function reasons(): (string | null)[] {
  return [...live].map((g) => g.wait).sort();
}

describe('wait reasons of the sync primitives', () => {
  it("parks each blocked goroutine with Go's wait reason and clears it on wake-up", async () => {
    enableTracking(false);
    const mu = new Mutex();
    const rw = new RWMutex();
    const rw2 = new RWMutex();
    const wg = new WaitGroup();
    const once = new Once();
    const sem = new Semaphore(1);
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
      rw.rUnlock(); // lets the writer queued behind in
    });
    go(() => rw.lock()); // queued behind the holding writer
    go(() => rw2.lock()); // pending: waits for the reader
    go(() => wg.wait());
    go(() => once.do(() => {}));
    go(() => sem.acquire(ctx));
    go(() => sem.acquire(ctx, 2).catch(() => {}));
    go(() => sem.acquire(background, 2));
    await flush();
    expect(reasons()).toEqual(
      [
        'sync.Mutex.Lock',
        'sync.RWMutex.RLock',
        'sync.RWMutex.Lock',
        'sync.RWMutex.Lock',
        'sync.WaitGroup.Wait',
        'sync.Mutex.Lock', // Go's Once waits on its Mutex
        'select', // x/sync's Acquire waits in a select on ready and ctx.Done()
        'chan receive', // a request larger than the size waits on <-ctx.Done()
        'chan receive (nil chan)', // ... which is nil for a context never done
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
    // Everything has returned except the request that can never succeed, still parked on a nil channel.
    expect(reasons()).toEqual(['chan receive (nil chan)']);
  });
});

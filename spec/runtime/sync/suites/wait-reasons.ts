/**
 * Each blocking sync operation parks with Go's wait reason, the text a deadlock report shows for the goroutine.
 * The suite turns goroutine tracking on for the process of the spec that runs it (as main() does).
 */
import { describe, expect, it } from 'vitest';
import { go } from '../../../../runtime/go.js';
import { EXACT, live, setLevel } from '../../../../runtime/sched/tracking.js';
import { background, fakeContext, flush } from '../helpers.js';
import type { MutexLike } from './mutex.js';
import type { OnceLike } from './once.js';
import type { RWMutexLike } from './rw-mutex.js';
import type { SemaphoreLike } from './semaphore.js';
import type { WaitGroupLike } from './wait-group.js';

/** reasons returns the wait reason of every live tracked goroutine, sorted. */
function reasons(): (string | null)[] {
  return [...live].map((g) => g.wait).sort();
}

/** WaitReasonsMakers builds one of each primitive under test. */
export interface WaitReasonsMakers {
  mutex(): MutexLike;
  rwMutex(): RWMutexLike;
  waitGroup(): WaitGroupLike;
  once(): OnceLike;
  semaphore(n: number): SemaphoreLike;
  /**
   * Whether to also park a semaphore request larger than the size on a context that is never done (it waits on
   * a nil channel forever).
   */
  neverDoneOversized: boolean;
}

/** waitReasonsSuite checks the wait reason of every blocking operation of the primitives that `make` builds. */
export function waitReasonsSuite(label: string, make: WaitReasonsMakers): void {
  describe(label, () => {
    it("parks each blocked goroutine with Go's wait reason and clears it on wake-up", async () => {
      setLevel(EXACT);
      const mu = make.mutex();
      const rw = make.rwMutex();
      const rw2 = make.rwMutex();
      const wg = make.waitGroup();
      const once = make.once();
      const sem = make.semaphore(1);
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
      if (make.neverDoneOversized) go(() => sem.acquire(background, 2));
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
          ...(make.neverDoneOversized ? ['chan receive (nil chan)'] : []), // ... which is nil for a context never done
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
      expect(reasons()).toEqual(make.neverDoneOversized ? ['chan receive (nil chan)'] : []);
    });
  });
}

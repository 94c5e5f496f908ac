/** Task modules for the shared sync specs that go through the scheduler (goThread). */
import type { SharedCond } from '../../../../runtime/shared/sync/shared-cond.js';
import type { SharedMutex } from '../../../../runtime/shared/sync/shared-mutex.js';
import type { SharedOnce } from '../../../../runtime/shared/sync/shared-once.js';
import type { SharedRWMutex } from '../../../../runtime/shared/sync/shared-rw-mutex.js';
import type { SharedSemaphore } from '../../../../runtime/shared/sync/shared-semaphore.js';
import { background } from '../../../../runtime/context/background.js';
import { task } from '../../../../runtime/threads/task.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(f: Int32Array, i: number): Promise<void> {
  while (Atomics.load(f, i) === 0) await sleep(2);
}

/** addUnder adds 1 to counter[0] `n` times, each time under mu (read, turn of the event loop, write). */
export const addUnder = task(import.meta.url, async function addUnder(mu: SharedMutex, counter: Int32Array, n: number) {
  for (let i = 0; i < n; i++) {
    await mu.lock();
    const v = Atomics.load(counter, 0);
    await new Promise((r) => setImmediate(r));
    Atomics.store(counter, 0, v + 1);
    mu.unlock();
  }
  return n;
});

/** lockAndExit locks mu, sets flags[0], and once flags[1] is set ends its thread without unlocking. */
export const lockAndExit = task(import.meta.url, async function lockAndExit(mu: SharedMutex, flags: Int32Array) {
  await mu.lock();
  Atomics.store(flags, 0, 1);
  await until(flags, 1);
  process.exit(3);
});

/** writeAndExit takes rw's write lock, or a read lock if `read`, then behaves like lockAndExit. */
export const writeAndExit = task(
  import.meta.url,
  async function writeAndExit(rw: SharedRWMutex, read: boolean, flags: Int32Array) {
    await (read ? rw.rLock() : rw.lock());
    Atomics.store(flags, 0, 1);
    await until(flags, 1);
    process.exit(3);
  },
);

/** acquireAndExit acquires weight n of sem, then behaves like lockAndExit. */
export const acquireAndExit = task(
  import.meta.url,
  async function acquireAndExit(sem: SharedSemaphore, n: number, flags: Int32Array) {
    await sem.acquire(background(), n);
    Atomics.store(flags, 0, 1);
    await until(flags, 1);
    process.exit(3);
  },
);

/** onceAndExit starts once.do with an fn that sets flags[0] and ends the thread once flags[1] is set. */
export const onceAndExit = task(import.meta.url, async function onceAndExit(once: SharedOnce, flags: Int32Array) {
  await once.do(async () => {
    Atomics.store(flags, 0, 1);
    await until(flags, 1);
    process.exit(3);
  });
});

/**
 * condWaitAndExit waits on c (its locker held around the call; flags[0] = 1 once its ticket is taken), then ends its
 * thread once flags[1] is set. With `block`, the thread spins without a turn of its event loop meanwhile, so a signal
 * given to it can never be collected; without, it keeps polling and would collect one (none is sent).
 */
export const condWaitAndExit = task(
  import.meta.url,
  async function condWaitAndExit(c: SharedCond, block: boolean, flags: Int32Array) {
    await c.locker.lock();
    void c.wait();
    Atomics.store(flags, 0, 1);
    if (block) {
      while (Atomics.load(flags, 1) === 0) {
        /* spin: no event loop turn, so no re-poll */
      }
    } else {
      await until(flags, 1);
    }
    process.exit(3);
  },
);

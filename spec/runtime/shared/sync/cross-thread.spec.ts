/**
 * Shared sync objects used from several threads at once: each worker runs a scenario (workers/scenarios.ts) on
 * objects it received as wire descriptions, bound to the same shared memory as the main thread's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  go,
  SharedCond,
  SharedMutex,
  SharedOnce,
  SharedRWMutex,
  SharedSemaphore,
  SharedWaitGroup,
} from '../../../../runtime/index.js';
import { runFixture } from '../../../fixtures/run.js';
import { background } from '../../sync/helpers.js';
import { flags, liveWorkers, onThread, terminateAll, until } from '../thread-harness.js';

afterEach(async () => {
  await terminateAll();
  expect(liveWorkers()).toBe(0);
});

describe('SharedMutex across threads', () => {
  it('excludes mutually under contention from 4 threads and the main thread: no update is lost', async () => {
    const mu = new SharedMutex();
    const counter = flags(3);
    const workers = [0, 1, 2, 3].map(() => onThread('bump', mu, counter, 4, 150));
    const here = onThreadless(mu, counter, 2, 150);
    const made = await Promise.all([...workers.map((w) => w.result), here]);
    expect(made).toEqual([600, 600, 600, 600, 300]);
    expect(Atomics.load(counter, 0)).toBe(2_700);
    expect(Atomics.load(counter, 2)).toBe(0); // never two holders at once
    expect(mu.tryLock()).toBe(true);
    mu.unlock();
  }, 60_000);

  it('serves threads in turns: the next locker of a served thread goes behind the other threads waiting', async () => {
    const mu = new SharedMutex();
    const log = flags(8);
    const f = flags(2);
    await mu.lock();
    const a = onThread('lockMany', mu, log, 1, 3, f, 0);
    await until(() => Atomics.load(f, 0) === 1); // thread A's record joins the line first
    const b = onThread('lockMany', mu, log, 2, 3, f, 1);
    await until(() => Atomics.load(f, 1) === 1);
    mu.unlock();
    await Promise.all([a.result, b.result]);
    expect([...log.slice(1, 7)]).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('hands the mutex to a locker parked on another thread, which a new locker cannot overtake', async () => {
    const mu = new SharedMutex();
    await mu.lock();
    const f = flags(1);
    const worker = onThread('lockOnce', mu, f);
    await until(() => Atomics.load(f, 0) === 1);
    mu.unlock(); // handed to the worker: held until it unlocks
    expect(mu.tryLock()).toBe(false);
    await mu.lock(); // parks behind the worker, gets it once the worker unlocks
    expect(await worker.result).toBe('locked');
    mu.unlock();
  });
});

/** onThreadless runs the bump scenario's loop on the main thread too (same code as the worker's). */
async function onThreadless(mu: SharedMutex, counter: Int32Array, goroutines: number, iters: number): Promise<number> {
  const { bump } = await import('../workers/sync-scenarios.js');
  return bump(mu, counter, goroutines, iters);
}

describe('shared sync objects on the wire', () => {
  it('are rebuilt as one object per shared object per thread', async () => {
    const mu = new SharedMutex();
    expect(await onThread('same', mu, mu).result).toBe(true);
    expect(await onThread('same', mu, new SharedMutex()).result).toBe(false);
  });
});

describe('SharedRWMutex across threads', () => {
  it('stops readers on every thread as soon as a writer on another thread waits (writer preference)', async () => {
    const rw = new SharedRWMutex();
    const log = flags(8);
    const f = flags(4);
    await rw.rLock(); // main holds a read lock
    const writer = onThread('writeOnce', rw, log, 1, f, 0);
    await until(() => Atomics.load(f, 0) === 1); // the writer claimed the lock and waits for main's reader
    expect(rw.tryRLock()).toBe(false); // new readers wait, here...
    expect(await onThread('tryRead', rw).result).toBe(false); // ...and on other threads
    const reader = onThread('readOnce', rw, log, 2, f, 1);
    await until(() => Atomics.load(f, 1) === 1);
    expect(Atomics.load(log, 0)).toBe(0); // neither got in while main reads
    rw.rUnlock(); // the writer goes first, then the parked reader
    await Promise.all([writer.result, reader.result]);
    expect([...log.slice(1, 1 + Atomics.load(log, 0))]).toEqual([1, 2]);
    expect(rw.tryLock()).toBe(true);
    rw.unlock();
  });

  it('admits every reader parked during a write, on every thread, before the next writer', async () => {
    const rw = new SharedRWMutex();
    const log = flags(8);
    const f = flags(4);
    await rw.lock(); // main writes
    const r1 = onThread('readOnce', rw, log, 2, f, 0);
    const w2 = onThread('writeOnce', rw, log, 3, f, 1);
    await until(() => Atomics.load(f, 0) === 1 && Atomics.load(f, 1) === 1);
    const r3 = onThread('readOnce', rw, log, 2, f, 2);
    await until(() => Atomics.load(f, 2) === 1);
    rw.unlock();
    await Promise.all([r1.result, w2.result, r3.result]);
    expect([...log.slice(1, 1 + Atomics.load(log, 0))]).toEqual([2, 2, 3]);
  });
});

describe('SharedWaitGroup across threads', () => {
  it('counts done() calls from 4 threads and releases waiters on every thread at zero', async () => {
    const wg = new SharedWaitGroup();
    const counter = flags(1);
    const f = flags(2);
    wg.add(4);
    const waiters = [onThread('waitAll', wg, counter, f, 0), onThread('waitAll', wg, counter, f, 1)];
    await until(() => Atomics.load(f, 0) === 1 && Atomics.load(f, 1) === 1);
    const doers = [0, 1, 2, 3].map(() => onThread('countDone', wg, counter));
    await wg.wait();
    expect(Atomics.load(counter, 0)).toBe(4);
    expect(await Promise.all(waiters.map((w) => w.result))).toEqual([4, 4]);
    await Promise.all(doers.map((d) => d.result));
  });

  it('panics word for word on another thread when the counter goes negative', async () => {
    const wg = new SharedWaitGroup();
    expect(await onThread('doneTooMany', wg).result).toEqual({
      name: 'SyncMisuseError',
      message: 'sync: negative WaitGroup counter',
      code: 'ERR_SYNC_NEGATIVE_WAITGROUP_COUNTER',
    });
    expect(await settledNow(wg.wait())).toBe(true); // the counter stayed 0
  });
});

describe('SharedSemaphore across threads', () => {
  it('serves weights in order across threads; a canceled head lets those behind it proceed', async () => {
    const sem = new SharedSemaphore(4);
    await sem.acquire(background, 3); // main holds 3 of 4
    const f = flags(8);
    const big = onThread('acquireOrCancel', sem, 2, f); // head of the line: 1 free, needs 2
    await until(() => Atomics.load(f, 0) === 1);
    const small = onThread('acquireHold', sem, 1, f, 2); // fits, but must not pass the head
    await until(() => Atomics.load(f, 2) === 1);
    expect(sem.tryAcquire(1)).toBe(false); // someone waits: no barging
    expect(Atomics.load(f, 3)).toBe(0);
    Atomics.store(f, 1, 1); // cancel the head's context on its thread
    expect(await big.result).toBe('context canceled');
    await until(() => Atomics.load(f, 3) === 1); // the small one got its weight
    expect(sem.tryAcquire(1)).toBe(false); // 3 + 1 held
    Atomics.store(f, 4, 1);
    expect(await small.result).toBe('released');
    sem.release(3);
    expect(sem.tryAcquire(4)).toBe(true);
    sem.release(4);
  });

  it('gives back weight granted to a thread whose acquirer was canceled before it could collect it', async () => {
    const sem = new SharedSemaphore(2);
    await sem.acquire(background, 2);
    const f = flags(2);
    const worker = onThread('cancelAfterGrant', sem, 2, f);
    await until(() => Atomics.load(f, 0) === 1);
    sem.release(2); // granted to the worker's record while its thread spins
    expect(sem.tryAcquire(1)).toBe(false); // the grant took the weight
    Atomics.store(f, 1, 1); // the worker cancels before it re-polls
    expect(await worker.result).toBe('context canceled');
    await sem.acquire(background, 2); // the weight came back
    sem.release(2);
  });

  it('grants a parked acquirer on another thread when weight is released here', async () => {
    const sem = new SharedSemaphore(2);
    await sem.acquire(background, 2);
    const f = flags(8);
    const a = onThread('acquireHold', sem, 2, f, 0);
    await until(() => Atomics.load(f, 0) === 1);
    sem.release(1);
    expect(Atomics.load(f, 1)).toBe(0); // 1 free, needs 2
    sem.release(1);
    await until(() => Atomics.load(f, 1) === 1);
    const p = sem.acquire(background, 1); // parks here behind the worker's hold
    Atomics.store(f, 2, 1);
    await p;
    expect(await a.result).toBe('released');
    sem.release(1);
  });
});

describe('SharedOnce across threads', () => {
  it('runs fn exactly once over 4 threads and the main thread; every do() returns after it completed', async () => {
    const once = new SharedOnce();
    const state = flags(2);
    const { onceInit } = await import('../workers/sync-scenarios.js');
    const workers = [0, 1, 2, 3].map(() => onThread('onceInit', once, state));
    const here = onceInit(once, state);
    expect(await Promise.all([...workers.map((w) => w.result), here])).toEqual([1, 1, 1, 1, 1]);
    expect(Atomics.load(state, 0)).toBe(1);
  });
});

describe('SharedCond across threads', () => {
  it('wakes waiters on every thread oldest first, one per signal, from the main thread and from a worker', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    const log = flags(8);
    const f = flags(4);
    const a = onThread('condWait', c, log, 1, f, 0);
    await until(() => Atomics.load(f, 0) === 1); // A's ticket first
    await mu.lock();
    const here = c.wait(); // then main's
    const b = onThread('condWait', c, log, 2, f, 1);
    await until(() => Atomics.load(f, 1) === 1); // then B's
    c.signal();
    expect(await a.result).toBe(1);
    expect(await settledNow(here)).toBe(false); // the signal went to A alone
    c.signal();
    await here; // main's own waiter, holding mu again
    expect(Atomics.load(log, 0)).toBe(1); // B still waits...
    mu.unlock();
    expect(await onThread('condSignal', c, 1).result).toBe(1); // ...until a worker signals
    expect(await b.result).toBe(2);
    expect([...log.slice(0, 3)]).toEqual([2, 1, 2]);
    expect(mu.tryLock()).toBe(true);
    mu.unlock();
  });

  it('wakes every waiter of the moment on a broadcast from a worker, and not those that wait afterwards', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    const log = flags(8);
    const f = flags(4);
    const waiters = [1, 2, 3].map((tag, i) => onThread('condWait', c, log, tag, f, i));
    await until(() => [0, 1, 2].every((i) => Atomics.load(f, i) === 1));
    await mu.lock();
    const here = c.wait();
    expect(await onThread('condSignal', c, 0).result).toBe(0); // broadcast
    await here;
    mu.unlock();
    expect((await Promise.all(waiters.map((w) => w.result))).sort()).toEqual([1, 2, 3]);
    await mu.lock();
    const late = c.wait(); // after the broadcast: waits for the next signal
    const lateWorker = onThread('condWait', c, log, 4, f, 3);
    await until(() => Atomics.load(f, 3) === 1);
    expect(await settledNow(late)).toBe(false);
    expect(Atomics.load(log, 0)).toBe(3);
    c.broadcast();
    await late;
    mu.unlock();
    expect(await lateWorker.result).toBe(4);
  });

  it('gives the signal to a waiter on another thread, not to a wait here that failed', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu, { maxWaiters: 3 }); // rebuilt on the worker with its own size
    const e = await c.wait().catch((err: unknown) => err); // mu not held: rejects, after taking its ticket
    expect((e as Error).message).toBe('sync: unlock of unlocked mutex');
    const log = flags(4);
    const f = flags(1);
    const w = onThread('condWait', c, log, 7, f, 0);
    await until(() => Atomics.load(f, 0) === 1);
    c.signal();
    expect(await w.result).toBe(7);
  });

  it('works over the read side of a SharedRWMutex passed to workers', async () => {
    const rw = new SharedRWMutex();
    const c = new SharedCond(rw.rLocker());
    const state = flags(1);
    const f = flags(2);
    const readers = [0, 1].map((i) => onThread('condReadWait', c, state, f, i));
    await until(() => Atomics.load(f, 0) === 1 && Atomics.load(f, 1) === 1);
    await rw.lock(); // both readers released their read locks in wait()
    Atomics.store(state, 0, 1);
    c.broadcast();
    rw.unlock();
    expect(await Promise.all(readers.map((r) => r.result))).toEqual([1, 1]);
    expect(rw.tryLock()).toBe(true);
    rw.unlock();
  });
});

describe('threads parked on shared sync objects', () => {
  it('use no CPU while every goroutine is parked', async () => {
    const mu = new SharedMutex();
    const wg = new SharedWaitGroup();
    const f = flags(1);
    await mu.lock();
    wg.add(1);
    const worker = onThread('lockOnce', mu, f); // parks on mu for good
    const c = new SharedCond(new SharedMutex());
    const cf = flags(2);
    const condWaiter = onThread('condWait', c, flags(4), 1, cf, 0); // parks on c for good
    let waited = false;
    go(async () => {
      await wg.wait(); // parks on wg for good
      waited = true;
    });
    await until(() => Atomics.load(f, 0) === 1 && Atomics.load(cf, 0) === 1);
    await new Promise((r) => setTimeout(r, 100)); // let them settle into sleep (spins are bounded to ~1 ms)
    const before = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 500));
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1000).toBeLessThan(25); // well under 5% of one core over 500 ms
    mu.unlock();
    wg.done();
    expect(await worker.result).toBe('locked');
    c.signal();
    expect(await condWaiter.result).toBe(1);
    await until(() => waited);
  });

  it('keep the process alive while waiting, and let it exit once nothing waits', () => {
    const r = runFixture('spec/fixtures/shared-sync-keep-alive.ts');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('locked false\n');
    expect(r.code).toBe(0);
  });
});

async function settledNow(p: Promise<unknown>): Promise<boolean> {
  let s = false;
  void p.then(() => (s = true));
  await new Promise((r) => setImmediate(r));
  return s;
}

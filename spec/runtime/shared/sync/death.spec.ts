/**
 * A worker of the scheduler that dies while holding a shared sync object: the scheduler marks its slot dead and wakes
 * every thread, and whatever the dead thread held is taken back, for the goroutines parked behind it and for later
 * callers. Shared sync objects are goroutine arguments of tasks here (goThread(task, mu)).
 */
import { describe, expect, it } from 'vitest';
import {
  isThreadDiedError,
  goThread,
  SharedCond,
  SharedMutex,
  SharedOnce,
  SharedRWMutex,
  SharedSemaphore,
} from '../../../../runtime/index.js';
import { useThreads } from '../../threads/use-threads.js';
import { background } from '../../sync/helpers.js';
import { settled } from '../../sync/helpers.js';
import { flags, until } from '../thread-harness.js';
import { acquireAndExit, addUnder, condWaitAndExit, lockAndExit, onceAndExit, writeAndExit } from './tasks.js';

useThreads({ threads: 2 });

describe('shared sync objects as task arguments', () => {
  it('exclude mutually between task goroutines on workers and the main thread', async () => {
    const mu = new SharedMutex();
    const counter = flags(1);
    const here = addUnder(mu, counter, 100);
    const done = await Promise.all([goThread(addUnder, mu, counter, 100), goThread(addUnder, mu, counter, 100), here]);
    expect(done).toEqual([100, 100, 100]);
    expect(Atomics.load(counter, 0)).toBe(300);
  });
});

describe('a worker that dies holding a shared sync object', () => {
  it('leaves a SharedMutex that its parked waiter gets, marked recovered', async () => {
    const mu = new SharedMutex();
    const f = flags(2);
    const died = goThread(lockAndExit, mu, f).catch((e: unknown) => e);
    await until(() => Atomics.load(f, 0) === 1);
    expect(mu.tryLock()).toBe(false); // held by the worker, alive
    const parked = mu.lock();
    Atomics.store(f, 1, 1); // the worker exits holding mu
    expect(isThreadDiedError(await died)).toBe(true);
    await parked; // woken by the death, handed the recovered mutex
    expect(mu.recovered).toBe(true);
    mu.unlock();
    expect(mu.recovered).toBe(false);
    expect(mu.tryLock()).toBe(true);
    expect(mu.recovered).toBe(false);
    mu.unlock();
  });

  it('leaves a SharedMutex that the next lock() takes back at once', async () => {
    const mu = new SharedMutex();
    const f = flags(2);
    Atomics.store(f, 1, 1);
    expect(isThreadDiedError(await goThread(lockAndExit, mu, f).catch((e: unknown) => e))).toBe(true);
    await mu.lock();
    expect(mu.recovered).toBe(true);
    mu.unlock();
  });

  it('leaves a SharedRWMutex write lock or read lock that is taken back for the next writer', async () => {
    for (const read of [false, true]) {
      const rw = new SharedRWMutex();
      const f = flags(2);
      const died = goThread(writeAndExit, rw, read, f).catch((e: unknown) => e);
      await until(() => Atomics.load(f, 0) === 1);
      expect(rw.tryLock()).toBe(false);
      const parked = rw.lock();
      Atomics.store(f, 1, 1);
      expect(isThreadDiedError(await died)).toBe(true);
      await parked;
      expect(rw.recovered).toBe(true);
      rw.unlock();
      expect(rw.tryRLock()).toBe(true);
      rw.rUnlock();
    }
  });

  it('leaves SharedSemaphore weight that is given back to the acquirers parked behind it', async () => {
    const sem = new SharedSemaphore(3);
    const f = flags(2);
    const died = goThread(acquireAndExit, sem, 2, f).catch((e: unknown) => e);
    await until(() => Atomics.load(f, 0) === 1);
    const parked = sem.acquire(background, 3);
    Atomics.store(f, 1, 1);
    expect(isThreadDiedError(await died)).toBe(true);
    await parked;
    sem.release(3);
    expect(sem.tryAcquire(3)).toBe(true);
  });

  it('leaves a SharedOnce whose fn it was running done (as a panicking fn), releasing the callers waiting', async () => {
    const once = new SharedOnce();
    const f = flags(2);
    const died = goThread(onceAndExit, once, f).catch((e: unknown) => e);
    await until(() => Atomics.load(f, 0) === 1);
    let ran = false;
    const waiting = once.do(() => {
      ran = true;
    });
    Atomics.store(f, 1, 1);
    expect(isThreadDiedError(await died)).toBe(true);
    await waiting;
    await once.do(() => {
      ran = true;
    });
    expect(ran).toBe(false);
  });
});

describe('a worker that dies while waiting on a SharedCond', () => {
  it('does not take a later signal: it goes to the next waiter in line', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    const f = flags(2);
    const died = goThread(condWaitAndExit, c, false, f).catch((e: unknown) => e);
    await until(() => Atomics.load(f, 0) === 1); // the worker's ticket comes first
    await mu.lock();
    const here = c.wait();
    Atomics.store(f, 1, 1);
    expect(isThreadDiedError(await died)).toBe(true);
    expect(await settled(here)).toBe(false); // a death wakes nobody by itself
    c.signal(); // skips the dead waiter's ticket
    await here;
    mu.unlock();
  });

  it('passes on a signal it was given and never collected to the next waiter in line', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    const f = flags(2);
    const died = goThread(condWaitAndExit, c, true, f).catch((e: unknown) => e);
    await until(() => Atomics.load(f, 0) === 1);
    await mu.lock();
    const here = c.wait();
    c.signal(); // to the worker's ticket, the oldest; its thread is busy and cannot collect it
    expect(await settled(here)).toBe(false);
    Atomics.store(f, 1, 1); // the worker exits with the signal uncollected
    expect(isThreadDiedError(await died)).toBe(true);
    await here; // the death woke this thread, which passed the signal on to its own waiter
    mu.unlock();
    c.signal(); // lost: nobody waits
    await mu.lock();
    const next = c.wait();
    expect(await settled(next)).toBe(false);
    c.broadcast();
    await next;
    mu.unlock();
  });
});

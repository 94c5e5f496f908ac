/**
 * Scenarios the shared sync specs run on worker threads, beside the channel ones of scenarios.ts (one worker entry,
 * run.ts, serves both). Each is a plain async function of shared sync objects, shared Int32Arrays (flags: one thread
 * sets, another polls) and plain values, and returns a clonable result.
 */
import { go } from '../../../../runtime/go.js';
import { background } from '../../../../runtime/context/background.js';
import { withCancel } from '../../../../runtime/context/cancel-ctx.js';
import type { SharedCond } from '../../../../runtime/shared/sync/shared-cond.js';
import type { SharedMutex } from '../../../../runtime/shared/sync/shared-mutex.js';
import type { SharedOnce } from '../../../../runtime/shared/sync/shared-once.js';
import type { SharedRWMutex } from '../../../../runtime/shared/sync/shared-rw-mutex.js';
import type { SharedSemaphore } from '../../../../runtime/shared/sync/shared-semaphore.js';
import type { SharedWaitGroup } from '../../../../runtime/shared/sync/shared-wait-group.js';
import { rng } from '../../../prng.js';

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(f: Int32Array, i: number): Promise<void> {
  while (Atomics.load(f, i) === 0) await sleep(2);
}

/**
 * bump runs `goroutines` goroutines that each add 1 to counter[0] `iters` times while holding mu, reading the value,
 * letting the event loop turn, then writing value + 1: two holders at once would lose an update. counter[1] counts
 * holders inside; counter[2] counts the times a holder found another inside. Returns the increments made here.
 */
export async function bump(mu: SharedMutex, counter: Int32Array, goroutines: number, iters: number): Promise<number> {
  let made = 0;
  await Promise.all(
    Array.from({ length: goroutines }, async () => {
      for (let i = 0; i < iters; i++) {
        await mu.lock();
        if (Atomics.add(counter, 1, 1) !== 0) Atomics.add(counter, 2, 1);
        const v = Atomics.load(counter, 0);
        if (i % 2 === 0) await turn();
        else await null;
        Atomics.store(counter, 0, v + 1);
        Atomics.sub(counter, 1, 1);
        made++;
        mu.unlock();
      }
    }),
  );
  return made;
}

/** lockOnce locks mu (flags[0] = 1 once the lock call has registered), then unlocks it. */
export async function lockOnce(mu: SharedMutex, flags: Int32Array): Promise<string> {
  const p = mu.lock();
  Atomics.store(flags, 0, 1);
  await p;
  mu.unlock();
  return 'locked';
}

/** writeOnce takes rw's write lock, appends `tag` to log, and unlocks; flags[i] = 1 once the lock call registered. */
export async function writeOnce(rw: SharedRWMutex, log: Int32Array, tag: number, flags: Int32Array, i: number): Promise<void> {
  const p = rw.lock();
  Atomics.store(flags, i, 1);
  await p;
  log[Atomics.add(log, 0, 1) + 1] = tag;
  await turn();
  rw.unlock();
}

/** readOnce takes a read lock, appends `tag` to log, and unlocks; flags[i] = 1 once the rLock call registered. */
export async function readOnce(rw: SharedRWMutex, log: Int32Array, tag: number, flags: Int32Array, i: number): Promise<void> {
  const p = rw.rLock();
  Atomics.store(flags, i, 1);
  await p;
  log[Atomics.add(log, 0, 1) + 1] = tag;
  await turn();
  rw.rUnlock();
}

/** tryRead reports whether tryRLock succeeds here (releasing the read lock if it did). */
export function tryRead(rw: SharedRWMutex): boolean {
  const ok = rw.tryRLock();
  if (ok) rw.rUnlock();
  return ok;
}

/** countDone adds 1 to counter[0] after a short while, then calls wg.done(). */
export async function countDone(wg: SharedWaitGroup, counter: Int32Array): Promise<void> {
  await sleep(5);
  Atomics.add(counter, 0, 1);
  wg.done();
}

/** waitAll waits on wg (flags[i] = 1 once parked) and returns counter[0] as seen when the wait returned. */
export async function waitAll(wg: SharedWaitGroup, counter: Int32Array, flags: Int32Array, i: number): Promise<number> {
  const p = wg.wait();
  Atomics.store(flags, i, 1);
  await p;
  return Atomics.load(counter, 0);
}

/** doneTooMany calls wg.done() on a zero counter and returns the panic as data. */
export function doneTooMany(wg: SharedWaitGroup): { name: string; message: string; code: string } {
  try {
    wg.done();
    return { name: '', message: 'no panic', code: '' };
  } catch (e) {
    const err = e as Error & { code: string };
    return { name: err.name, message: err.message, code: err.code };
  }
}

/**
 * acquireOrCancel acquires weight n with a cancelable context (flags[0] = 1 once parked) and cancels that context
 * when flags[1] is set. Returns 'acquired' or the rejection's message.
 */
export async function acquireOrCancel(sem: SharedSemaphore, n: number, flags: Int32Array): Promise<string> {
  const [ctx, cancel] = withCancel(background());
  const p = sem.acquire(ctx, n);
  Atomics.store(flags, 0, 1);
  go(async () => {
    await until(flags, 1);
    cancel();
  });
  try {
    await p;
    sem.release(n);
    return 'acquired';
  } catch (e) {
    return (e as Error).message;
  } finally {
    cancel();
  }
}

/**
 * acquireHold acquires weight n (flags[i] = 1 once parked, flags[i + 1] = 1 once acquired), holds it until
 * flags[i + 2] is set, then releases it.
 */
export async function acquireHold(sem: SharedSemaphore, n: number, flags: Int32Array, i: number): Promise<string> {
  const p = sem.acquire(background(), n);
  Atomics.store(flags, i, 1);
  await p;
  Atomics.store(flags, i + 1, 1);
  await until(flags, i + 2);
  sem.release(n);
  return 'released';
}

/**
 * onceInit runs once.do with an fn that counts its runs in state[0], takes a while, then sets state[1]; it returns
 * state[1] as seen when do() returned (1 if do waited for fn to complete).
 */
export async function onceInit(once: SharedOnce, state: Int32Array): Promise<number> {
  await once.do(async () => {
    Atomics.add(state, 0, 1);
    await sleep(30);
    Atomics.store(state, 1, 1);
  });
  return Atomics.load(state, 1);
}

/**
 * cancelAfterGrant parks an acquirer of weight n, sets flags[0], then blocks its thread (a synchronous spin, so the
 * thread cannot re-poll) until flags[1] is set, and cancels the acquirer's context at once: weight granted to this
 * thread meanwhile must be given back, never to the canceled acquirer.
 */
export async function cancelAfterGrant(sem: SharedSemaphore, n: number, flags: Int32Array): Promise<string> {
  const [ctx, cancel] = withCancel(background());
  const p = sem.acquire(ctx, n);
  Atomics.store(flags, 0, 1);
  while (Atomics.load(flags, 1) === 0) {
    /* spin: no event loop turn, so no re-poll */
  }
  cancel();
  try {
    await p;
    return 'acquired';
  } catch (e) {
    return (e as Error).message;
  }
}

/** same reports whether two wire descriptions of one object were rebuilt as one object on this thread. */
export function same(a: SharedMutex, b: SharedMutex): boolean {
  return a === b && a.id === b.id;
}

/** holdBusy locks mu, sets flags[0], busy-waits `ms` (no timer: nothing else keeps the process alive), unlocks. */
export async function holdBusy(mu: SharedMutex, flags: Int32Array, ms: number): Promise<void> {
  await mu.lock();
  Atomics.store(flags, 0, 1);
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* busy */
  }
  mu.unlock();
}

/**
 * rwStress runs `goroutines` goroutines doing `iters` random reads and writes (a third of them writes, some through
 * tryLock / tryRLock). state: [0] readers inside, [1] writers inside, [2] violations seen (a writer with anyone
 * else inside, a reader with a writer inside), [3] writes done. Returns the operations done.
 */
export async function rwStress(rw: SharedRWMutex, state: Int32Array, goroutines: number, iters: number, seed: number): Promise<number> {
  const r = rng(seed);
  let ops = 0;
  await Promise.all(
    Array.from({ length: goroutines }, async () => {
      for (let i = 0; i < iters; i++) {
        const write = r() < 1 / 3;
        const tryFirst = r() < 0.2;
        if (write) {
          if (!(tryFirst && rw.tryLock())) await rw.lock();
          if (Atomics.add(state, 1, 1) !== 0 || Atomics.load(state, 0) !== 0) Atomics.add(state, 2, 1);
          if (r() < 0.5) await turn();
          else await null;
          Atomics.add(state, 3, 1);
          Atomics.sub(state, 1, 1);
          rw.unlock();
        } else {
          if (!(tryFirst && rw.tryRLock())) await rw.rLock();
          Atomics.add(state, 0, 1);
          if (Atomics.load(state, 1) !== 0) Atomics.add(state, 2, 1);
          if (r() < 0.5) await turn();
          else await null;
          Atomics.sub(state, 0, 1);
          rw.rUnlock();
        }
        ops++;
      }
    }),
  );
  return ops;
}

/**
 * semStress runs `goroutines` goroutines doing `iters` random acquisitions of weight 1..size, a quarter of them
 * with a context canceled after a random short delay. state: [0] weight held inside, [1] violations (more than
 * size held), [2] cancellations seen. Returns the acquisitions that succeeded.
 */
export async function semStress(sem: SharedSemaphore, size: number, state: Int32Array, goroutines: number, iters: number, seed: number): Promise<number> {
  const r = rng(seed);
  let got = 0;
  await Promise.all(
    Array.from({ length: goroutines }, async () => {
      for (let i = 0; i < iters; i++) {
        const n = 1 + Math.floor(r() * size);
        const [ctx, cancel] = withCancel(background());
        if (r() < 0.25) {
          const ms = Math.floor(r() * 3);
          setTimeout(cancel, ms);
        }
        try {
          await sem.acquire(ctx, n);
        } catch {
          Atomics.add(state, 2, 1);
          continue;
        } finally {
          cancel();
        }
        if (Atomics.add(state, 0, n) + n > size) Atomics.add(state, 1, 1);
        if (r() < 0.5) await turn();
        else await null;
        Atomics.sub(state, 0, n);
        sem.release(n);
        got++;
      }
    }),
  );
  return got;
}

/**
 * lockMany parks `n` goroutines in mu.lock() (flags[i] = 1 once all are registered); each, once it holds mu,
 * appends `tag` to log, lets the event loop turn, and unlocks.
 */
export async function lockMany(mu: SharedMutex, log: Int32Array, tag: number, n: number, flags: Int32Array, i: number): Promise<void> {
  const locks = Array.from({ length: n }, () => mu.lock());
  Atomics.store(flags, i, 1);
  await Promise.all(
    locks.map(async (p) => {
      await p;
      log[Atomics.add(log, 0, 1) + 1] = tag;
      await turn();
      mu.unlock();
    }),
  );
}

/**
 * condWait locks c's locker and waits on c (flags[i] = 1 once wait() was called, so its ticket is taken); once woken
 * and holding the locker again it appends `tag` to log, then unlocks.
 */
export async function condWait(c: SharedCond, log: Int32Array, tag: number, flags: Int32Array, i: number): Promise<number> {
  await c.locker.lock();
  const p = c.wait();
  Atomics.store(flags, i, 1);
  await p;
  log[Atomics.add(log, 0, 1) + 1] = tag;
  c.locker.unlock();
  return tag;
}

/** condSignal calls c.signal() `n` times, or c.broadcast() once if `n` is 0. */
export function condSignal(c: SharedCond, n: number): number {
  if (n === 0) c.broadcast();
  for (let i = 0; i < n; i++) c.signal();
  return n;
}

/**
 * condReadWait takes a read lock of rw, waits on c (a cond over rw.rLocker()) until state[0] is set (flags[i] = 1
 * once parked), and reports whether it held a read lock when woken (a write lock attempt from here fails).
 */
export async function condReadWait(c: SharedCond, state: Int32Array, flags: Int32Array, i: number): Promise<number> {
  await c.locker.lock();
  let waits = 0;
  while (Atomics.load(state, 0) === 0) {
    const p = c.wait();
    Atomics.store(flags, i, 1);
    await p;
    waits++;
  }
  c.locker.unlock();
  return waits;
}

/**
 * condQueue runs `producers` goroutines that each put `iters` values into a bounded queue in shared memory and
 * `consumers` goroutines that each take `iters`, all under mu, producers waiting on notFull and consumers on
 * notEmpty, waking the other side by a random mix of signal and broadcast. q: [0] head, [1] count, [2] violations
 * (count out of [0, size] inside the lock, or two goroutines inside), [3] sum of values taken, [4] values taken,
 * [5] goroutines inside, [6..6+size) slots. Returns the values this thread put and took.
 */
export async function condQueue(
  mu: SharedMutex,
  notEmpty: SharedCond,
  notFull: SharedCond,
  q: Int32Array,
  size: number,
  producers: number,
  consumers: number,
  iters: number,
  seed: number,
): Promise<number> {
  const r = rng(seed);
  let moved = 0;
  const wake = (c: SharedCond): void => (r() < 0.7 ? c.signal() : c.broadcast());
  const enter = (): void => {
    if (Atomics.add(q, 5, 1) !== 0) Atomics.add(q, 2, 1);
  };
  const leave = (): void => {
    const n = Atomics.load(q, 1);
    if (n < 0 || n > size) Atomics.add(q, 2, 1);
    Atomics.sub(q, 5, 1);
    mu.unlock();
  };
  const put = async (v: number): Promise<void> => {
    await mu.lock();
    enter();
    while (Atomics.load(q, 1) === size) {
      Atomics.sub(q, 5, 1);
      await notFull.wait();
      enter();
    }
    Atomics.store(q, 6 + ((Atomics.load(q, 0) + Atomics.load(q, 1)) % size), v);
    Atomics.add(q, 1, 1);
    wake(notEmpty);
    leave();
  };
  const take = async (): Promise<void> => {
    await mu.lock();
    enter();
    while (Atomics.load(q, 1) === 0) {
      Atomics.sub(q, 5, 1);
      await notEmpty.wait();
      enter();
    }
    const head = Atomics.load(q, 0);
    const v = Atomics.load(q, 6 + head);
    Atomics.store(q, 0, (head + 1) % size);
    Atomics.sub(q, 1, 1);
    Atomics.add(q, 3, v);
    Atomics.add(q, 4, 1);
    wake(notFull);
    leave();
  };
  const run = async (f: (i: number) => Promise<void>): Promise<void> => {
    for (let i = 0; i < iters; i++) {
      await f(i);
      moved++;
      if (r() < 0.3) await turn();
      else if (r() < 0.5) await null;
    }
  };
  await Promise.all([
    ...Array.from({ length: producers }, (_, p) => run((i) => put(seed * 1000 + p * 100 + i))),
    ...Array.from({ length: consumers }, () => run(take)),
  ]);
  return moved;
}

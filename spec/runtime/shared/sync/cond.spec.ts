/**
 * SharedCond on one thread: Go's sync.Cond semantics (runtime/sema.go's notifyList: a ticket taken at wait, signal
 * to the oldest ticket, broadcast to every ticket taken so far, a signal with no waiter lost), its misuse, and its
 * wire form. The cross-thread behaviour is in cross-thread.spec.ts and death.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  isSyncMisuseError,
  SyncMisuseError,
  go,
  SharedCond,
  SharedMutex,
  SharedRWMutex,
  fromWire,
  toWire,
  Mutex,
  WaitGroup,
} from '../../../../runtime/index.js';
import { rng } from '../../../prng.js';
import { caught, flush, settled, yieldSome } from '../../sync/helpers.js';

/** waiter parks a goroutine in c.wait() (mu held around it) that pushes `tag` to `log` once it is woken. */
function waiter(mu: SharedMutex, c: SharedCond, log: number[], tag: number): Promise<void> {
  return mu.lock().then(async () => {
    const p = c.wait();
    await p;
    log.push(tag);
    mu.unlock();
  });
}

describe('SharedCond on one thread', () => {
  it('unlocks the locker when wait is called and holds it again when wait resolves', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    expect(c.locker).toBe(mu);
    await mu.lock();
    const p = c.wait();
    expect(mu.tryLock()).toBe(true); // unlocked at the call
    c.signal();
    expect(await settled(p)).toBe(false); // woken, but relocking: this goroutine holds mu
    mu.unlock();
    expect(await settled(p)).toBe(true);
    expect(mu.tryLock()).toBe(false); // wait returned holding mu
    mu.unlock();
  });

  it('counts a waiter from the moment wait() is called: a signal right after the call wakes it', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    await mu.lock();
    const p = c.wait();
    c.signal();
    await p;
    mu.unlock();
  });

  it('wakes one waiter per signal, in the order they called wait', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    const log: number[] = [];
    const all = [0, 1, 2, 3, 4].map((i) => waiter(mu, c, log, i));
    await flush();
    for (let i = 0; i < 5; i++) {
      c.signal();
      await flush();
      expect(log).toEqual([0, 1, 2, 3, 4].slice(0, i + 1)); // exactly one more each time
    }
    await Promise.all(all);
  });

  it('loses a signal made while nobody waits', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    c.signal();
    c.broadcast();
    const log: number[] = [];
    const w = waiter(mu, c, log, 1);
    await flush();
    expect(log).toEqual([]);
    c.signal();
    await w;
    expect(log).toEqual([1]);
  });

  it('wakes every waiter of the moment on broadcast, and none that wait afterwards', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    const log: number[] = [];
    const first = [1, 2, 3].map((i) => waiter(mu, c, log, i));
    await flush();
    c.broadcast();
    const late = waiter(mu, c, log, 4); // takes its ticket after the broadcast, once the first three relocked
    await Promise.all(first);
    await flush();
    expect(log).toEqual([1, 2, 3]);
    c.signal();
    await late;
    expect(log).toEqual([1, 2, 3, 4]);
  });

  it('gives signals after a broadcast to the next generation of waiters, oldest first', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    const log: number[] = [];
    await mu.lock();
    const a = c.wait().then(() => {
      log.push(1);
      mu.unlock();
    });
    await mu.lock(); // free again: a waits
    const b = c.wait().then(() => {
      log.push(2);
      mu.unlock();
    });
    c.broadcast(); // a and b
    await mu.lock();
    const d = c.wait().then(() => {
      log.push(3);
      mu.unlock();
    });
    await mu.lock();
    const e = c.wait().then(() => {
      log.push(4);
      mu.unlock();
    });
    await Promise.all([a, b]);
    c.signal(); // d, not e
    await d;
    await flush();
    expect(log).toEqual([1, 2, 3]);
    c.signal();
    await e;
    expect(log).toEqual([1, 2, 3, 4]);
  });

  it('lets the signaller run on before the waiter it woke, which then queues for the locker', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    const log: string[] = [];
    await mu.lock();
    const w = c.wait().then(() => {
      log.push('waiter');
      mu.unlock();
    });
    await mu.lock();
    c.signal();
    log.push('signaller');
    await flush();
    log.push('signaller unlocks');
    mu.unlock();
    await w;
    expect(log).toEqual(['signaller', 'signaller unlocks', 'waiter']);
  });

  it('works over the write side of a SharedRWMutex and over its rLocker()', async () => {
    const rw = new SharedRWMutex();
    const cw = new SharedCond(rw);
    await rw.lock();
    const p = cw.wait();
    expect(rw.tryRLock()).toBe(true); // the write lock was released
    rw.rUnlock();
    cw.signal();
    await p;
    expect(rw.tryRLock()).toBe(false); // and taken again
    rw.unlock();

    const cr = new SharedCond(rw.rLocker());
    expect(cr.locker).toBe(rw.rLocker());
    await rw.rLock();
    await rw.rLock();
    const readers = [cr.wait(), cr.wait()];
    expect(rw.tryLock()).toBe(true); // both read locks released
    const woken = Promise.all(readers);
    cr.broadcast();
    expect(await settled(woken)).toBe(false); // they wait for the writer to leave
    rw.unlock();
    await woken;
    expect(rw.tryLock()).toBe(false); // each holds a read lock again
    rw.rUnlock();
    rw.rUnlock();
    expect(rw.tryLock()).toBe(true);
    rw.unlock();
  });

  it("rejects wait on a locker not held with the locker's panic, leaving no ticket behind", async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    const e = await c.wait().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(SyncMisuseError);
    expect(isSyncMisuseError(e)).toBe(true);
    expect((e as Error).message).toBe('sync: unlock of unlocked mutex');
    const log: number[] = [];
    const w = waiter(mu, c, log, 1);
    await flush();
    c.signal(); // goes to the waiter, not to the failed wait's ticket
    await w;
    expect(log).toEqual([1]);
  });

  it('rejects a wait beyond maxWaiters, with the locker still held, and takes waiters again once woken', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu, { maxWaiters: 2 });
    const log: number[] = [];
    const two = [1, 2].map((i) => waiter(mu, c, log, i));
    await flush();
    await mu.lock();
    const e = await c.wait().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toBe(
      'SharedCond.wait: more than 2 goroutines waiting at once (raise the maxWaiters option)',
    );
    expect(mu.tryLock()).toBe(false); // still held by this goroutine
    mu.unlock();
    c.signal();
    await two[0];
    const third = waiter(mu, c, log, 3); // room again
    await flush();
    c.broadcast();
    await Promise.all([two[1], third]);
    expect(log).toEqual([1, 2, 3]);
  });

  it('refuses a locker that cannot cross threads, and bad options', () => {
    for (const l of [new Mutex(), null, undefined, {}, { lock() {}, unlock() {} }]) {
      const e = caught(() => new SharedCond(l as never));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toMatch(
        /^new SharedCond: locker must be a shared Locker \(SharedMutex, SharedRWMutex or its rLocker\(\)\), got /,
      );
    }
    const mu = new SharedMutex();
    for (const v of [0, -1, 1.5, '3', 2 ** 20 + 1, NaN]) {
      const e = caught(() => new SharedCond(mu, { maxWaiters: v as number }));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toMatch(/^new SharedCond: maxWaiters must be an integer in \[1, 1048576\], got /);
    }
    expect((caught(() => new SharedCond(mu, null as never)) as Error).message).toBe(
      'new SharedCond: options must be an object, got null',
    );
  });

  it('keeps a bounded queue consistent under random schedules (100 seeds)', async () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = rng(seed);
      const mu = new SharedMutex();
      const notEmpty = new SharedCond(mu);
      const notFull = new SharedCond(mu, { maxWaiters: 8 });
      const queue: number[] = [];
      const got: number[] = [];
      const wg = new WaitGroup();
      const size = 1 + Math.floor(r() * 3);
      for (let p = 0; p < 3; p++) {
        wg.add(1);
        go(async () => {
          for (let i = 0; i < 20; i++) {
            await mu.lock();
            while (queue.length === size) await notFull.wait();
            queue.push(p * 100 + i);
            if (r() < 0.5) notEmpty.signal();
            else notEmpty.broadcast();
            mu.unlock();
            await yieldSome(r);
          }
          wg.done();
        });
      }
      for (let q = 0; q < 3; q++) {
        wg.add(1);
        go(async () => {
          for (let i = 0; i < 20; i++) {
            await mu.lock();
            while (queue.length === 0) await notEmpty.wait();
            expect(queue.length).toBeLessThanOrEqual(size);
            got.push(queue.shift()!);
            notFull.signal();
            mu.unlock();
            await yieldSome(r);
          }
          wg.done();
        });
      }
      await wg.wait();
      expect(got.sort((a, b) => a - b)).toEqual(
        [0, 100, 200].flatMap((base) => Array.from({ length: 20 }, (_, i) => base + i)),
      );
      expect(mu.tryLock()).toBe(true);
    }
  });
});

describe('SharedCond on the wire', () => {
  it('rebuilds to the same object on the same thread, with its locker', async () => {
    const mu = new SharedMutex();
    const c = new SharedCond(mu);
    const w = toWire(c);
    expect(w['sab']).toBeInstanceOf(SharedArrayBuffer);
    expect(w['registry']).toBeInstanceOf(SharedArrayBuffer);
    expect(w['locker']).toEqual(toWire(mu));
    expect(fromWire(w)).toBe(c);
    const rw = new SharedRWMutex();
    expect(fromWire(toWire(rw.rLocker() as never))).toBe(rw.rLocker());
    expect(toWire(new SharedCond(rw.rLocker()))['locker']).toEqual(toWire(rw.rLocker() as never));
  });

  it('refuses a buffer that is not a cond', () => {
    const w = toWire(new SharedCond(new SharedMutex(), { maxWaiters: 16 }));
    for (const sab of [new SharedArrayBuffer(8), toWire(new SharedMutex())['sab'], undefined]) {
      const e = caught(() => fromWire({ ...w, sab }));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toMatch(/^SharedCond: not the shared memory of a SharedCond, got /);
    }
  });
});

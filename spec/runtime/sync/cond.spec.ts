/**
 * Cond: Go's sync/cond_test.go cases (TestCondSignal, TestCondSignalGenerations, TestCondBroadcast, TestRace,
 * TestCondSignalStealing) ported to goroutines and channels, plus the JS-specific contract (lost signals, relock,
 * misuse as a rejection). Each runs in a synctest bubble, so a lost wake-up fails as a DeadlockError, not a hang.
 */
import { describe, expect, it } from 'vitest';
import {
  after,
  chan,
  Cond,
  DeadlockError,
  go,
  InvalidArgumentError,
  isSyncMisuseError,
  Mutex,
  recvCase,
  RWMutex,
  select,
  sleep,
  SyncMisuseError,
  synctest,
  WaitGroup,
  type Locker,
} from '../../../runtime/index.js';
import { STRESS } from '../../stress.js';
import { rng } from '../../prng.js';
import { yieldSome } from './helpers.js';

describe('Cond (Go sync/cond_test.go)', () => {
  it('signal wakes exactly one waiter (TestCondSignal)', async () => {
    await synctest.run(async () => {
      const m = new Mutex();
      const c = new Cond(m);
      let n = 2;
      const running = chan<boolean>(n);
      const awake = chan<boolean>(n);
      for (let i = 0; i < n; i++) {
        go(async () => {
          await m.lock();
          await running.send(true);
          await c.wait();
          await awake.send(true);
          m.unlock();
        });
      }
      for (let i = 0; i < n; i++) await running.recv(); // wait for everyone to run
      while (n > 0) {
        await synctest.wait();
        expect(awake.tryRecv(), 'goroutine not asleep').toBeUndefined();
        await m.lock();
        c.signal();
        m.unlock();
        await awake.recv(); // deadlocks if no goroutine wakes up
        await synctest.wait();
        expect(awake.tryRecv(), 'too many goroutines awake').toBeUndefined();
        n--;
      }
      c.signal();
    });
  });

  it('signal wakes the waiters in the order they called wait (TestCondSignalGenerations)', async () => {
    await synctest.run(async () => {
      const m = new Mutex();
      const c = new Cond(m);
      const n = 100;
      const running = chan<boolean>(n);
      const awake = chan<number>(n);
      for (let i = 0; i < n; i++) {
        go(async () => {
          await m.lock();
          await running.send(true);
          await c.wait();
          await awake.send(i);
          m.unlock();
        });
        if (i > 0) {
          const a = await awake.recv();
          expect(a, 'wrong goroutine woke up').toBe(i - 1);
        }
        await running.recv();
        await m.lock();
        c.signal();
        m.unlock();
      }
    });
  });

  it('broadcast wakes every waiter once, round after round (TestCondBroadcast)', async () => {
    await synctest.run(async () => {
      const m = new Mutex();
      const c = new Cond(m);
      const n = 200;
      const running = chan<number>(n);
      const awake = chan<number>(n);
      let exit = false;
      for (let g = 0; g < n; g++) {
        go(async () => {
          await m.lock();
          while (!exit) {
            await running.send(g);
            await c.wait();
            await awake.send(g);
          }
          m.unlock();
        });
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) await running.recv(); // deadlocks unless n are running
        if (i === n - 1) {
          await m.lock();
          exit = true;
          m.unlock();
        }
        await synctest.wait();
        expect(awake.tryRecv(), 'goroutine not asleep').toBeUndefined();
        await m.lock();
        c.broadcast();
        m.unlock();
        const seen = new Array<boolean>(n).fill(false);
        for (let j = 0; j < n; j++) {
          const g = (await awake.recv())!;
          expect(seen[g], 'goroutine woke up twice').toBe(false);
          seen[g] = true;
        }
      }
      await synctest.wait();
      expect(running.tryRecv(), 'goroutine did not exit').toBeUndefined();
      c.broadcast();
    });
  });

  it('hands the condition from goroutine to goroutine under random interleavings (TestRace)', async () => {
    for (let seed = 1; seed <= 40 * STRESS; seed++) {
      const r = rng(seed);
      const failures: string[] = [];
      await synctest.run(async () => {
        let x = 0;
        const read = (): number => x; // what the other goroutines made of x meanwhile (no narrowing)
        const c = new Cond(new Mutex());
        const done = chan<boolean>();
        go(async () => {
          await c.l.lock();
          x = 1;
          await c.wait();
          if (read() !== 2) failures.push(`seed ${seed}: want 2, got ${x}`);
          x = 3;
          c.signal();
          c.l.unlock();
          await done.send(true);
        });
        go(async () => {
          await c.l.lock();
          for (;;) {
            if (x === 1) {
              x = 2;
              c.signal();
              break;
            }
            c.l.unlock();
            await yieldSome(r); // Go's runtime.Gosched()
            await c.l.lock();
          }
          c.l.unlock();
          await done.send(true);
        });
        go(async () => {
          await c.l.lock();
          for (;;) {
            if (x === 2) {
              await c.wait();
              if (read() !== 3) failures.push(`seed ${seed}: want 3, got ${x}`);
              break;
            }
            if (read() === 3) break;
            c.l.unlock();
            await yieldSome(r);
            await c.l.lock();
          }
          c.l.unlock();
          await done.send(true);
        });
        for (let i = 0; i < 3; i++) await done.recv();
      });
      expect(failures).toEqual([]);
    }
  });

  it('wakes a waiter queued before a broadcast that races with a new waiter (TestCondSignalStealing)', async () => {
    await synctest.run(async () => {
      for (let iter = 0; iter < 200; iter++) {
        const m = new Mutex();
        const cond = new Cond(m);
        // Start a waiter.
        const ch = chan<void>();
        go(async () => {
          await m.lock();
          await ch.send();
          await cond.wait();
          m.unlock();
          await ch.send();
        });
        await ch.recv();
        await m.lock();
        m.unlock();
        // The waiter is in wait() now. Race a broadcast against a second waiter: the second may or may not be
        // woken, but the first must be.
        let done = false;
        go(() => cond.broadcast());
        go(async () => {
          await m.lock();
          while (!done) await cond.wait();
          m.unlock();
        });
        let woke = true;
        await select([recvCase(ch), recvCase(after(2000), () => (woke = false))]);
        expect(woke, `iteration ${iter}: first waiter did not get the broadcast`).toBe(true);
        // Release the second waiter in case it did not get the broadcast.
        await m.lock();
        done = true;
        m.unlock();
        cond.broadcast();
      }
    });
  });
});

describe('Cond', () => {
  it('loses a signal that nobody waits for, as Go does', async () => {
    await synctest.run(async () => {
      const m = new Mutex();
      const c = new Cond(m);
      c.signal();
      c.broadcast();
      let woke = false;
      go(async () => {
        await m.lock();
        await c.wait();
        woke = true;
        m.unlock();
      });
      await synctest.wait();
      expect(woke).toBe(false);
      c.signal();
      await synctest.wait();
      expect(woke).toBe(true);
    });
  });

  it('wakes only the waiters queued before a signal or broadcast', async () => {
    await synctest.run(async () => {
      const m = new Mutex();
      const c = new Cond(m);
      const woken: string[] = [];
      const waiter = (name: string) => async () => {
        await m.lock();
        await c.wait();
        woken.push(name);
        m.unlock();
      };
      go(waiter('a'));
      go(waiter('b'));
      await synctest.wait();
      c.broadcast();
      go(waiter('c')); // after the broadcast: not woken by it
      await synctest.wait();
      expect(woken).toEqual(['a', 'b']);
      go(waiter('d'));
      await synctest.wait();
      c.signal(); // the longest waiter: c
      await synctest.wait();
      expect(woken).toEqual(['a', 'b', 'c']);
      c.signal();
      await synctest.wait();
      expect(woken).toEqual(['a', 'b', 'c', 'd']);
    });
  });

  it('unlocks while parked and holds the lock again when wait resolves', async () => {
    await synctest.run(async () => {
      const m = new Mutex();
      const c = new Cond(m);
      const events: string[] = [];
      go(async () => {
        await m.lock();
        events.push('waiter: waits');
        await c.wait();
        events.push(`waiter: woke, lock free: ${m.tryLock()}`);
        m.unlock();
      });
      await synctest.wait();
      expect(m.tryLock()).toBe(true); // wait() released it
      events.push('signaller: signals while holding the lock');
      c.signal();
      await sleep(10); // the woken waiter queues for the lock meanwhile
      events.push('signaller: unlocks');
      m.unlock();
      await synctest.wait();
      expect(events).toEqual([
        'waiter: waits',
        'signaller: signals while holding the lock',
        'signaller: unlocks',
        'waiter: woke, lock free: false',
      ]);
    });
  });

  it('waits for a condition that a timed producer makes true, in a loop', async () => {
    await synctest.run(async () => {
      const m = new Mutex();
      const nonEmpty = new Cond(m);
      const queue: number[] = [];
      const got: [number, number][] = [];
      const wg = new WaitGroup();
      for (let w = 0; w < 3; w++) {
        wg.go(async () => {
          for (let k = 0; k < 4; k++) {
            await m.lock();
            while (queue.length === 0) await nonEmpty.wait();
            got.push([w, queue.shift()!]);
            m.unlock();
          }
        });
      }
      for (let v = 0; v < 12; v++) {
        await sleep(5);
        await m.lock();
        queue.push(v);
        nonEmpty.signal();
        m.unlock();
      }
      await wg.wait();
      expect(got.map(([, v]) => v)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      // Signals wake waiters in FIFO order, and each consumer waits again at the back of the line.
      expect(got.map(([w]) => w)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    });
  });

  it("works over an RWMutex's read side", async () => {
    await synctest.run(async () => {
      const rw = new RWMutex();
      const c = new Cond(rw.rLocker());
      let ready = false;
      let readers = 0;
      for (let i = 0; i < 3; i++) {
        go(async () => {
          await c.l.lock();
          while (!ready) await c.wait();
          readers++;
          c.l.unlock();
        });
      }
      await synctest.wait();
      expect(rw.tryLock()).toBe(true); // every reader released its read lock in wait()
      ready = true;
      c.broadcast();
      rw.unlock();
      await synctest.wait();
      expect(readers).toBe(3);
    });
  });

  it('is a deadlock when every goroutine waits and nobody can signal', async () => {
    const e = await synctest
      .run(async () => {
        const m = new Mutex();
        const c = new Cond(m);
        await m.lock();
        await c.wait();
      })
      .then(
        () => null,
        (x: unknown) => x,
      );
    expect(e).toBeInstanceOf(DeadlockError);
    expect((e as Error).message).toBe('deadlock: all goroutines in bubble are blocked');
  });
});

describe('Cond misuse', () => {
  it('rejects wait() on an unlocked Mutex with the Mutex\'s own error, without throwing', async () => {
    const m = new Mutex();
    const c = new Cond(m);
    let p!: Promise<void>;
    expect(() => (p = c.wait())).not.toThrow();
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SyncMisuseError);
    expect(isSyncMisuseError(e)).toBe(true);
    expect(e).toMatchObject({
      message: 'sync: unlock of unlocked mutex',
      code: 'ERR_SYNC_UNLOCK_OF_UNLOCKED_MUTEX',
      fatal: true,
    });
  });

  it('leaves no waiter behind after a failed wait(): the next signal goes to a real waiter', async () => {
    await synctest.run(async () => {
      const m = new Mutex();
      const c = new Cond(m);
      await expect(c.wait()).rejects.toThrow('sync: unlock of unlocked mutex');
      let woke = false;
      go(async () => {
        await m.lock();
        await c.wait();
        woke = true;
        m.unlock();
      });
      await synctest.wait();
      c.signal();
      await synctest.wait();
      expect(woke).toBe(true);
    });
  });

  it("rejects with the read side's error on an RWMutex not read-locked", async () => {
    const c = new Cond(new RWMutex().rLocker());
    await expect(c.wait()).rejects.toMatchObject({
      message: 'sync: RUnlock of unlocked RWMutex',
      code: 'ERR_SYNC_RUNLOCK_OF_UNLOCKED_RWMUTEX',
    });
  });

  it('rejects when relocking fails', async () => {
    await synctest.run(async () => {
      const boom = new Error('lock failed');
      let locks = 0;
      const l: Locker = {
        lock: () => (++locks > 1 ? Promise.reject(boom) : Promise.resolve()),
        unlock: () => {},
      };
      const c = new Cond(l);
      await l.lock();
      const p = c.wait();
      c.signal();
      await expect(p).rejects.toBe(boom);
    });
  });

  it('throws InvalidArgumentError for something that is not a Locker', () => {
    expect(() => new Cond(null as unknown as Locker)).toThrow(InvalidArgumentError);
    expect(() => new Cond(null as unknown as Locker)).toThrow(
      'new Cond: l must be a Locker (lock and unlock methods), got null',
    );
    expect(() => new Cond({ lock: () => Promise.resolve() } as unknown as Locker)).toThrow(
      'new Cond: l must be a Locker (lock and unlock methods), got {}',
    );
  });
});

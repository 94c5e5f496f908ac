/**
 * RemoteLine, the FIFO line of the fleet-wide limiters, on virtual time with a fake asynchronous gate (the Redis
 * script's stand-in): the head sleeps exactly the wait the gate names, on gocsp's clock, and asks once per wait (no
 * polling); the order of calls is the order of service; a canceled waiter takes nothing and frees its place, and a
 * grant that raced with the cancel is undone.
 */
import { describe, expect, it } from 'vitest';
import { background, isCanceled, nanotime, sleep, synctest, withCancel } from '../../../runtime/index.js';
import { RemoteLine, type Taken } from '../../../patterns/redis/remote-line.js';

/** bucket is a fake gate: a token every `every` ms from an empty bucket, answering after `latency` ms. */
function bucket(every: number, latency = 1) {
  const t0 = nanotime();
  let taken = 0;
  const calls: number[] = [];
  const undone: number[] = [];
  const gate = {
    async take(n: number): Promise<Taken> {
      calls.push((nanotime() - t0) / 1e6);
      await sleep(latency);
      const have = Math.floor((nanotime() - t0) / 1e6 / every) - taken;
      if (have >= n) {
        taken += n;
        return { wait: 0 };
      }
      return { wait: (taken + n) * every - (nanotime() - t0) / 1e6 };
    },
    undo(n: number): void {
      taken -= n;
      undone.push(n);
    },
  };
  return { gate, calls, undone, elapsed: () => (nanotime() - t0) / 1e6 };
}

describe('RemoteLine', () => {
  it('serves waiters in the order they came, each at the time its permits exist', () =>
    synctest.run(async () => {
      const b = bucket(100);
      const line = new RemoteLine(b.gate);
      const done: [string, number][] = [];
      const wait = (name: string, n: number) => line.wait(n, background()).then(() => done.push([name, b.elapsed()]));
      await Promise.all([wait('a', 1), wait('b', 3), wait('c', 1)]);
      expect(done).toEqual([
        ['a', 101],
        ['b', 401],
        ['c', 501],
      ]);
    }));

  it('asks the gate once per wait it names, never in a loop', () =>
    synctest.run(async () => {
      const b = bucket(100);
      const line = new RemoteLine(b.gate);
      await line.wait(1, background());
      await line.wait(1, background());
      // each waiter: one take that names the wait (answered 1 ms later), one when the wait is over
      expect(b.calls).toEqual([0, 100, 101, 200]);
    }));

  it('lets the next waiter move up when the head is canceled, and takes nothing for the canceled one', () =>
    synctest.run(async () => {
      const b = bucket(100);
      const line = new RemoteLine(b.gate);
      const [ctx, cancel] = withCancel(background());
      const first = line.wait(1, ctx).catch((e: unknown) => e);
      const second = line.wait(1, background()).then(() => b.elapsed());
      await sleep(50);
      cancel();
      expect(isCanceled(await first)).toBe(true);
      expect(await second).toBe(101);
      expect(line.size).toBe(0);
      expect(line.demand).toBe(0);
    }));

  it('undoes a grant that arrives after its waiter was canceled', () =>
    synctest.run(async () => {
      const b = bucket(1, 50); // the token is there; the answer takes 50 ms
      const line = new RemoteLine(b.gate);
      await sleep(10);
      const [ctx, cancel] = withCancel(background());
      const w = line.wait(1, ctx).catch((e: unknown) => e);
      await sleep(20);
      cancel();
      expect(isCanceled(await w)).toBe(true);
      await sleep(100);
      expect(b.undone).toEqual([1]);
    }));

  it('rejects the head with the gate error, and serves the next', () =>
    synctest.run(async () => {
      let fail = true;
      const line = new RemoteLine({
        undo: () => {},
        take: async () => {
          await sleep(1);
          if (fail) {
            fail = false;
            throw new Error('down');
          }
          return { wait: 0 };
        },
      });
      const a = line.wait(1, background()).catch((e: unknown) => (e as Error).message);
      const b = line.wait(1, background()).then(() => 'ok');
      expect(await a).toBe('down');
      expect(await b).toBe('ok');
    }));
});

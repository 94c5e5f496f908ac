/**
 * RemoteLine, the FIFO line of the fleet-wide limiters, on virtual time with a fake asynchronous gate (the Redis
 * script's stand-in): the line sleeps exactly the wait the gate names, on gocsp's clock, and asks once per wait (no
 * polling); the order of calls is the order of service; the waiters ready at once are decided by one take, which
 * grants a prefix of the line (a later small request never overtakes an earlier big one); a canceled waiter takes
 * nothing and frees its place, and a grant that raced with the cancel goes to the next waiter or is undone.
 */
import { describe, expect, it } from 'vitest';
import { background, isCanceled, nanotime, sleep, synctest, withCancel } from '../../../runtime/index.js';
import { type Answer, MAX_ASK, RemoteLine } from '../../../patterns/redis/remote-line.js';

/**
 * bucket is a fake gate: `start` tokens, then a token every `every` ms, answering after `latency` ms; a take grants
 * the longest prefix of the sizes asked for, as the bucket script's 'line' op.
 */
function bucket(every: number, latency = 1, start = 0) {
  const t0 = nanotime();
  let taken = 0;
  const calls: number[] = [];
  const asked: number[][] = [];
  const undone: number[] = [];
  const ms = () => (nanotime() - t0) / 1e6;
  const gate = {
    async take(ns: readonly number[]): Promise<Answer> {
      calls.push(ms());
      asked.push([...ns]);
      await sleep(latency);
      const have = () => start + Math.floor(ms() / every) - taken;
      let granted = 0;
      while (granted < ns.length && ns[granted]! <= have()) taken += ns[granted++]!;
      const wait = granted < ns.length ? (taken + ns[granted]! - start) * every - ms() : 0;
      return { granted, wait, tickets: [], local: false };
    },
    undo(n: number): void {
      taken -= n;
      undone.push(n);
    },
  };
  return { gate, calls, asked, undone, elapsed: ms };
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

  it('decides the waiters of one turn with one take, and grants them in order', () =>
    synctest.run(async () => {
      const b = bucket(100, 1, 5);
      const line = new RemoteLine(b.gate);
      const order: number[] = [];
      await Promise.all(Array.from({ length: 8 }, (_, i) => line.wait(1, background()).then(() => order.push(i))));
      expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      // one take for the 8 (5 granted at once), then one per wait: the 6th, 7th and 8th token
      expect(b.asked).toEqual([[1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1], [1, 1], [1]]);
      expect(b.calls).toEqual([0, 100, 200, 300]);
    }));

  it('asks for the waiters who joined while a take was in flight as soon as it granted everybody it asked for', () =>
    synctest.run(async () => {
      const b = bucket(1000, 10, 10);
      const line = new RemoteLine(b.gate);
      const first = Promise.all([line.wait(1, background()), line.wait(1, background())]);
      await sleep(5); // the take is in flight
      const later = Promise.all([line.wait(2, background()), line.wait(1, background())]);
      await Promise.all([first, later]);
      expect(b.asked).toEqual([
        [1, 1],
        [2, 1],
      ]);
      expect(b.calls).toEqual([0, 10]);
    }));

  it('grants a prefix: a later small request never overtakes an earlier big one', () =>
    synctest.run(async () => {
      const b = bucket(100, 1, 2);
      const line = new RemoteLine(b.gate);
      const done: [string, number][] = [];
      const wait = (name: string, n: number) => line.wait(n, background()).then(() => done.push([name, b.elapsed()]));
      await Promise.all([wait('big', 3), wait('small', 1)]);
      expect(done).toEqual([
        ['big', 101],
        ['small', 201],
      ]);
    }));

  it('asks again as soon as the take in flight is answered when kicked meanwhile (a reset)', () =>
    synctest.run(async () => {
      const b = bucket(100, 10);
      const line = new RemoteLine(b.gate);
      const w = line.wait(1, background());
      await sleep(5);
      line.kick();
      await w;
      expect(b.calls).toEqual([0, 10, 100]);
    }));

  it('asks at most MAX_ASK waiters in one take', () =>
    synctest.run(async () => {
      const b = bucket(1000, 1, MAX_ASK + 10);
      const line = new RemoteLine(b.gate);
      await Promise.all(Array.from({ length: MAX_ASK + 10 }, () => line.wait(1, background())));
      expect(b.asked.map((ns) => ns.length)).toEqual([MAX_ASK, 10]);
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

  it('undoes a grant that arrives after its waiter was canceled, when nobody waits', () =>
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

  it('gives a grant whose waiter was canceled to the next waiter, in order, and undoes the rest', () =>
    synctest.run(async () => {
      const b = bucket(1000, 50, 3); // 3 tokens; the answer takes 50 ms
      const line = new RemoteLine(b.gate);
      const [ctx, cancel] = withCancel(background());
      const canceled = line.wait(3, ctx).catch((e: unknown) => e);
      await sleep(10); // the take for the 3 is in flight
      const got: [string, number][] = [];
      const next = line.wait(2, background()).then(() => got.push(['next', b.elapsed()]));
      const last = line.wait(2, background()).then(() => got.push(['last', b.elapsed()]));
      cancel();
      expect(isCanceled(await canceled)).toBe(true);
      await next;
      // the canceled waiter's 3 tokens: 2 for the next at the answer (50 ms), 1 left that does not cover the last
      expect(got).toEqual([['next', 50]]);
      expect(b.undone).toEqual([1]);
      await last;
      expect(b.asked).toEqual([[3], [2], [2]]); // the last: asked at once (too early), then after the wait named
      expect(line.size).toBe(0);
    }));

  it('rejects the waiters asked for with the gate error, and serves those who came after', () =>
    synctest.run(async () => {
      let fail = true;
      const line = new RemoteLine({
        undo: () => {},
        take: async (ns) => {
          await sleep(1);
          if (fail) {
            fail = false;
            throw new Error('down');
          }
          return { granted: ns.length, wait: 0, tickets: [], local: false };
        },
      });
      const a = line.wait(1, background()).catch((e: unknown) => (e as Error).message);
      const b = line.wait(1, background()).catch((e: unknown) => (e as Error).message);
      await sleep(0.5); // the take for a and b is in flight
      const c = line.wait(1, background()).then(() => 'ok');
      expect([await a, await b, await c]).toEqual(['down', 'down', 'ok']);
    }));
});

/**
 * TurnBatch, which gives the requests a process makes in one turn to one call of a decider (one Lua script for 64
 * tryAcquire calls), with a fake decider on virtual time: the calls of a turn go in one call, in call order, each
 * gets its own answer; a request made while a call is in flight goes in the next call; a failed call rejects each
 * of its requests; a turn larger than the bound goes in several calls, in order.
 */
import { describe, expect, it } from 'vitest';
import { sleep, synctest } from '../../../runtime/index.js';
import type { Outcome } from '../../../patterns/redis/redis-client.js';
import { type Decider, TurnBatch } from '../../../patterns/redis/turn-batch.js';

/** promised makes a Decider of a function that decides a batch by a promise. */
function promised<R>(decide: (ns: readonly number[]) => Promise<readonly R[]>): Decider<R> {
  return {
    send: (ns: readonly number[], out: Outcome) => {
      decide(ns).then(
        (rs) => out.ok(rs),
        (e: unknown) => out.fail(e),
      );
    },
  };
}

/** counter decides like a bucket of `have` tokens, answering after 1 ms: each size in order, granted if it fits. */
function counter(have: number) {
  const calls: number[][] = [];
  const decide = async (ns: readonly number[]): Promise<boolean[]> => {
    calls.push([...ns]);
    await sleep(1);
    return ns.map((n) => (n <= have ? ((have -= n), true) : false));
  };
  return { decide, calls };
}

describe('TurnBatch', () => {
  it('decides the requests of one turn with one call, each in call order', () =>
    synctest.run(async () => {
      const c = counter(3);
      const tries = new TurnBatch(promised(c.decide));
      const answers = await Promise.all([tries.add(2), tries.add(2), tries.add(1), tries.add(1)]);
      expect(answers).toEqual([true, false, true, false]);
      expect(c.calls).toEqual([[2, 2, 1, 1]]);
    }));

  it('sends a request made while a call is in flight in the next call', () =>
    synctest.run(async () => {
      const c = counter(10);
      const tries = new TurnBatch(promised(c.decide));
      const first = Promise.all([tries.add(1), tries.add(1)]);
      await sleep(0.5);
      const second = tries.add(3);
      expect([...(await first), await second]).toEqual([true, true, true]);
      expect(c.calls).toEqual([[1, 1], [3]]);
    }));

  it('rejects every request of a call that failed, and decides the next turn afresh', () =>
    synctest.run(async () => {
      let fail = true;
      const tries = new TurnBatch(
        promised(async (ns) => {
          await sleep(1);
          if (fail) {
            fail = false;
            throw new Error('down');
          }
          return ns.map(() => 'ok');
        }),
      );
      const failed = await Promise.all([tries.add(1), tries.add(1)].map((p) => p.catch((e: unknown) => (e as Error).message)));
      expect(failed).toEqual(['down', 'down']);
      expect(await tries.add(1)).toBe('ok');
    }));

  it('splits a turn larger than the bound into calls of at most the bound, in order', () =>
    synctest.run(async () => {
      const c = counter(4);
      const tries = new TurnBatch(promised(c.decide), 2);
      const answers = await Promise.all(Array.from({ length: 5 }, () => tries.add(1)));
      expect(answers).toEqual([true, true, true, true, false]);
      expect(c.calls).toEqual([[1, 1], [1, 1], [1]]);
    }));

  it('answers with the decider\'s answers(), and answers a failed call with failed() when it has answers', () =>
    synctest.run(async () => {
      let down = false;
      const tries = new TurnBatch<string>({
        send: (ns, out) => {
          if (down) out.fail(new Error('down'));
          else out.ok(ns.map((n) => n * 10));
        },
        answers: (ns, reply) => (reply as number[]).map((x, i) => `${ns[i]}:${x}`),
        failed: (ns, e) => ns.map(() => `local after ${(e as Error).message}`),
      });
      expect(await Promise.all([tries.add(1), tries.add(2)])).toEqual(['1:10', '2:20']);
      down = true;
      expect(await tries.add(3)).toBe('local after down');
    }));

  it('rejects every request of a call whose decider throws, or whose failed() throws', () =>
    synctest.run(async () => {
      const throwing = new TurnBatch<number>({
        send: () => {
          throw new Error('bad send');
        },
      });
      const a = await Promise.all([throwing.add(1), throwing.add(1)].map((p) => p.catch((e: unknown) => (e as Error).message)));
      expect(a).toEqual(['bad send', 'bad send']);
      const refusing = new TurnBatch<number>({
        send: (_, out) => out.fail(new Error('down')),
        failed: (_, e) => {
          throw e;
        },
      });
      expect(await refusing.add(1).catch((e: unknown) => (e as Error).message)).toBe('down');
    }));
});

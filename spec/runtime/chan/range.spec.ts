/**
 * `for await (const v of ch)` is Go's `for v := range ch`: it receives until the channel is closed and drained.
 */
import { describe, expect, it } from 'vitest';
import { chan, go, synctest } from '../../../runtime/index.js';
import { CAPACITIES } from './helpers.js';

describe.each(CAPACITIES)('for await over chan(%i)', (capacity) => {
  it('receives every value in order and ends when the channel is closed', async () => {
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      go(async () => {
        for (let i = 0; i < 50; i++) await c.send(i);
        c.close();
      });
      const got: number[] = [];
      for await (const v of c) got.push(v);
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });
  });

  it('leaves the channel usable after a break, with no value lost', async () => {
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      go(async () => {
        for (let i = 0; i < 20; i++) await c.send(i);
        c.close();
      });
      const first: number[] = [];
      for await (const v of c) {
        first.push(v);
        if (v === 4) break;
      }
      expect(first).toEqual([0, 1, 2, 3, 4]);
      expect(await c.recv()).toBe(5);
      const rest: number[] = [];
      for await (const v of c) rest.push(v);
      expect(rest).toEqual(Array.from({ length: 14 }, (_, i) => i + 6));
      expect(await c.recvOk()).toEqual({ value: undefined, ok: false });
    });
  });

  it('ends at once on a closed, drained channel, and drains a closed buffered one first', async () => {
    const c = chan<number>(capacity);
    for (let i = 0; i < capacity; i++) await c.send(i);
    c.close();
    const got: number[] = [];
    for await (const v of c) got.push(v);
    expect(got).toEqual(Array.from({ length: capacity }, (_, i) => i));
    for await (const v of c) throw new Error(`unexpected ${v}`);
  });

  it('shares the values among several ranging goroutines, each exactly once', async () => {
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      const seen = new Uint8Array(1000);
      for (let w = 0; w < 5; w++) {
        go(async () => {
          for await (const v of c) seen[v]!++;
        });
      }
      for (let i = 0; i < 1000; i++) await c.send(i);
      c.close();
      await synctest.wait();
      expect(seen.every((n) => n === 1)).toBe(true);
    });
  });

  it('ranges over undefined values without stopping (only close ends the loop)', async () => {
    const c = chan<undefined>(3);
    for (let i = 0; i < 3; i++) await c.send(undefined);
    c.close();
    let n = 0;
    for await (const v of c) {
      expect(v).toBeUndefined();
      n++;
    }
    expect(n).toBe(3);
  });
});

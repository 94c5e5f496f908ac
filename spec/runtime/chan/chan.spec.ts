/**
 * TestChan-style conformance of a channel over several capacities: blocking, FIFO order, close, len and cap.
 * Blocking is observed with synctest.wait (every other goroutine of the bubble is parked), never with a sleep.
 */
import { describe, expect, it } from 'vitest';
import {
  ChannelClosedError,
  chan,
  go,
  recvCase,
  select,
  sendCase,
  synctest,
  type RecvResult,
} from '../../../runtime/index.js';
import { CAPACITIES } from './helpers.js';
import { rng } from '../../prng.js';

describe.each(CAPACITIES)('chan(%i)', (capacity) => {
  it('blocks a receive on an empty channel, and a non-blocking receive takes the default', async () => {
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      let recv1 = false;
      let recv2 = false;
      go(async () => {
        await c.recv();
        recv1 = true;
      });
      go(async () => {
        await c.recvOk();
        recv2 = true;
      });
      await synctest.wait();
      expect(recv1).toBe(false);
      expect(recv2).toBe(false);
      expect(c.tryRecv()).toBeUndefined();
      expect(select([recvCase(c, () => 'recv')], () => 'default')).toBe('default');
      expect(select([recvCase(c, (_v, ok) => ok)], () => 'default')).toBe('default');
      await c.send(0);
      await c.send(0);
      await synctest.wait();
      expect([recv1, recv2]).toEqual([true, true]);
    });
  });

  it('blocks a send on a full channel, and a non-blocking send takes the default', async () => {
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      for (let i = 0; i < capacity; i++) await c.send(i);
      let sent = false;
      go(async () => {
        await c.send(-1);
        sent = true;
      });
      await synctest.wait();
      expect(sent).toBe(false);
      expect(c.trySend(-2)).toBe(false);
      expect(select([sendCase(c, -3, () => 'send')], () => 'default')).toBe('default');
      expect(await c.recv()).toBe(capacity === 0 ? -1 : 0);
      await synctest.wait();
      expect(sent).toBe(true);
      expect(c.len()).toBe(capacity);
    });
  });

  it('lets receivers drain the buffer after close, then gives (undefined, false) at once, forever', async () => {
    const c = chan<number>(capacity);
    for (let i = 0; i < capacity; i++) await c.send(i + 1);
    c.close();
    expect(c.len()).toBe(capacity);
    for (let i = 0; i < capacity; i++) {
      if (i % 2 === 0) expect(await c.recv()).toBe(i + 1);
      else expect(await c.recvOk()).toEqual({ value: i + 1, ok: true });
    }
    expect(c.len()).toBe(0);
    for (let i = 0; i < 10; i++) {
      expect(await c.recv()).toBeUndefined();
      expect(await c.recvOk()).toEqual({ value: undefined, ok: false });
      expect(c.tryRecv()).toEqual({ value: undefined, ok: false });
      // "At once": a select with a default still picks the receive.
      expect(select([recvCase(c, (v, ok) => ({ v, ok }))], () => 'default')).toEqual({ v: undefined, ok: false });
    }
  });

  it('wakes parked receivers with (undefined, false) when it is closed', async () => {
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      const got: unknown[] = [];
      go(async () => got.push(await c.recvOk()));
      go(async () => got.push(await c.recv()));
      go(async () => got.push(await select([recvCase(c, (v, ok) => ({ sel: v, ok }))])));
      go(async () => {
        for await (const v of c) got.push(v);
        got.push('range done');
      });
      await synctest.wait();
      expect(got).toEqual([]);
      c.close();
      await synctest.wait();
      expect(got).toHaveLength(4);
      expect(got).toEqual(
        expect.arrayContaining([
          { value: undefined, ok: false },
          undefined,
          { sel: undefined, ok: false },
          'range done',
        ]),
      );
    });
  });

  it('wakes a sender parked when it is closed with ChannelClosedError, keeping the buffered values', async () => {
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      for (let i = 0; i < capacity; i++) await c.send(i);
      const errors: unknown[] = [];
      for (let k = 0; k < 3; k++) {
        go(async () => {
          try {
            await c.send(100 + k);
          } catch (e) {
            errors.push(e);
          }
        });
      }
      await synctest.wait();
      expect(errors).toEqual([]);
      c.close();
      await synctest.wait();
      expect(errors).toHaveLength(3);
      for (const e of errors) {
        expect(e).toBeInstanceOf(ChannelClosedError);
        expect((e as Error).message).toBe('send on closed channel');
      }
      // The parked senders' values were never delivered; the buffer is intact.
      for (let i = 0; i < capacity; i++) expect(await c.recv()).toBe(i);
      expect(await c.recvOk()).toEqual({ value: undefined, ok: false });
    });
  });

  it('delivers 100 values in FIFO order through recv and through recvOk', async () => {
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      go(async () => {
        for (let i = 0; i < 100; i++) await c.send(i);
      });
      for (let i = 0; i < 100; i++) expect(await c.recv()).toBe(i);
      go(async () => {
        for (let i = 0; i < 100; i++) await c.send(i);
      });
      for (let i = 0; i < 100; i++) expect(await c.recvOk()).toEqual({ value: i, ok: true });
    });
  });

  it('delivers every value exactly once with 4 senders and 4 receivers', async () => {
    await synctest.run(async () => {
      const P = 4;
      const L = 1000;
      const c = chan<number>(capacity);
      const done = chan<Map<number, number>>();
      for (let p = 0; p < P; p++) {
        go(async () => {
          for (let i = 0; i < L; i++) await c.send(i);
        });
      }
      for (let p = 0; p < P; p++) {
        go(async () => {
          const seen = new Map<number, number>();
          for (let i = 0; i < L; i++) {
            const v = (await c.recv())!;
            seen.set(v, (seen.get(v) ?? 0) + 1);
          }
          await done.send(seen);
        });
      }
      const total = new Map<number, number>();
      for (let p = 0; p < P; p++) {
        for (const [k, n] of (await done.recv())!) total.set(k, (total.get(k) ?? 0) + n);
      }
      expect(total.size).toBe(L);
      for (const n of total.values()) expect(n).toBe(P);
    });
  });

  it('serves parked receivers in the order they parked, plain receives and selects alike', async () => {
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      const never = chan<number>();
      const got: [number, number | undefined][] = [];
      for (let r = 0; r < 5; r++) {
        if (r % 2 === 0) go(async () => got.push([r, await c.recv()]));
        else go(async () => got.push([r, await select([recvCase(never, () => -1), recvCase(c, (v) => v)])]));
        await synctest.wait(); // receiver r is parked before receiver r+1 starts
      }
      for (let i = 0; i < 5; i++) await c.send(10 + i);
      await synctest.wait();
      expect(got).toEqual([
        [0, 10],
        [1, 11],
        [2, 12],
        [3, 13],
        [4, 14],
      ]);
    });
  });

  it('serves parked senders (sends and selects) in the order they parked, after the buffered values', async () => {
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      for (let i = 0; i < capacity; i++) await c.send(i);
      const never = chan<number>();
      for (let s = 0; s < 5; s++) {
        if (s % 2 === 0) go(() => c.send(capacity + s));
        else go(() => select([recvCase(never), sendCase(c, capacity + s)]));
        await synctest.wait();
      }
      expect(c.len()).toBe(capacity);
      for (let i = 0; i < capacity + 5; i++) expect(await c.recv()).toBe(i);
      expect(c.tryRecv()).toBeUndefined();
    });
  });

  it('reports len and cap', async () => {
    const c = chan<number>(capacity);
    expect([c.len(), c.cap()]).toEqual([0, capacity]);
    for (let i = 0; i < capacity; i++) {
      await c.send(i);
      expect([c.len(), c.cap()]).toEqual([i + 1, capacity]);
    }
    c.close();
    expect([c.len(), c.cap()]).toEqual([capacity, capacity]);
    if (capacity > 0) await c.recv();
    expect(c.len()).toBe(Math.max(0, capacity - 1));
  });

  it('keeps FIFO order when the ring buffer wraps around many times', async () => {
    if (capacity === 0) return;
    const c = chan<number>(capacity);
    let next = 0;
    let expected = 0;
    // Keep the buffer between half and completely full, so head and tail chase each other round the ring.
    for (let round = 0; round < 20; round++) {
      while (c.trySend(next)) next++;
      expect(c.len()).toBe(capacity);
      const take = Math.max(1, capacity >> 1);
      for (let i = 0; i < take; i++) expect(c.tryRecv()).toEqual({ value: expected++, ok: true });
    }
    let r: RecvResult<number> | undefined;
    while ((r = c.tryRecv()) !== undefined) expect(r.value).toBe(expected++);
    expect(expected).toBe(next);
  });
});

describe('buffer model check', () => {
  it.each([1, 2, 3, 9, 10, 33, 100])(
    'matches a plain FIFO model over 20,000 seeded random non-blocking operations (chan(%i))',
    (capacity) => {
      const rand = rng(capacity * 7919);
      const c = chan<number>(capacity);
      const model: number[] = [];
      let next = 0;
      let mismatches = 0;
      for (let op = 0; op < 20_000; op++) {
        // Bias towards sends or receives in phases, so the ring fills, wraps and grows from every offset.
        const sendBias = Math.floor(op / 500) % 2 === 0 ? 0.7 : 0.3;
        if (rand() < sendBias) {
          const sent = c.trySend(next);
          if (sent !== model.length < capacity) mismatches++;
          if (sent) model.push(next);
          next++;
        } else {
          const r = c.tryRecv();
          const want = model.shift();
          if ((r === undefined) !== (want === undefined) || (r !== undefined && (r.value !== want || !r.ok))) {
            mismatches++;
          }
        }
        if (c.len() !== model.length) mismatches++;
      }
      expect(mismatches).toBe(0);
    },
  );
});

describe('unbuffered channel', () => {
  it('completes a send only when a receiver takes the value (a rendezvous)', async () => {
    await synctest.run(async () => {
      const c = chan<string>();
      const log: string[] = [];
      go(async () => {
        await c.send('x');
        log.push('sent');
      });
      await synctest.wait();
      expect(log).toEqual([]);
      expect(c.len()).toBe(0);
      expect(await c.recv()).toBe('x');
      await synctest.wait(); // which of the two goroutines resumes first is up to the scheduler, as in Go
      expect(log).toEqual(['sent']);
    });
  });

  it('carries values of any type, undefined included (zerosize)', async () => {
    await synctest.run(async () => {
      const c = chan<void>();
      go(() => c.send());
      expect(await c.recvOk()).toEqual({ value: undefined, ok: true });
      const d = chan<{ readonly n: number }>(1);
      const obj = { n: 1 };
      await d.send(obj);
      expect(await d.recv()).toBe(obj);
    });
  });
});

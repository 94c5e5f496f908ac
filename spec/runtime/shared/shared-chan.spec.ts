/**
 * A shared channel on one thread behaves exactly as a local channel: the same Go semantics through the same
 * interface. (Across threads: cross-thread.spec.ts.)
 */
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  after,
  chan,
  ChannelClosedError,
  CloseOfClosedChannelError,
  go,
  isInvalidArgumentError,
  recvCase,
  select,
  sendCase,
  synctest,
  EncodeError,
  sharedChan,
  fromWire,
  toWire,
} from '../../../runtime/index.js';
import { int32 } from '../../../runtime/shared/codecs/scalars.js';
import { json } from '../../../runtime/shared/codecs/json.js';
import { string } from '../../../runtime/shared/codecs/string.js';
import { expectRejection } from '../../rejection.js';

const macrotask = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('sharedChan on one thread', () => {
  for (const cap of [0, 1, 3, 100]) {
    it(`keeps FIFO order between goroutines (cap ${cap})`, async () => {
      const ch = sharedChan(int32, cap);
      go(async () => {
        for (let i = 0; i < 500; i++) await ch.send(i);
        ch.close();
      });
      const got: number[] = [];
      for await (const v of ch) got.push(v);
      expect(got).toEqual(Array.from({ length: 500 }, (_, i) => i));
    });
  }

  it('drains the buffer after close, then gives zero / not-ok at once, forever', async () => {
    const ch = sharedChan(int32, 3);
    await ch.send(1);
    await ch.send(2);
    ch.close();
    expect(await ch.recvOk()).toEqual({ value: 1, ok: true });
    expect(await ch.recv()).toBe(2);
    for (let i = 0; i < 3; i++) expect(await ch.recvOk()).toEqual({ value: undefined, ok: false });
    expect(ch.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('panics on send to a closed channel and on a second close, with Go\'s text', async () => {
    for (const cap of [0, 1]) {
      const ch = sharedChan(int32, cap);
      ch.close();
      expect(() => ch.trySend(1)).toThrow(ChannelClosedError);
      expect(() => ch.trySend(1)).toThrow('send on closed channel');
      // send returns a promise: the panic is its rejection, never a synchronous throw.
      await expectRejection(() => ch.send(1), ChannelClosedError, 'send on closed channel');
      expect(() => ch.close()).toThrow(CloseOfClosedChannelError);
    }
  });

  it('wakes a parked sender with the panic and a parked receiver with zero when closed', async () => {
    const s = sharedChan(int32, 0);
    const r = sharedChan(int32, 0);
    const sent = s.send(1);
    const got = r.recvOk();
    await macrotask();
    s.close();
    r.close();
    await expect(sent).rejects.toThrow(ChannelClosedError);
    expect(await got).toEqual({ value: undefined, ok: false });
  });

  it('is a rendezvous when unbuffered: trySend fails without a receiver, send waits for one', async () => {
    const ch = sharedChan(int32, 0);
    expect(ch.trySend(1)).toBe(false);
    let done = false;
    const p = ch.send(9).then(() => (done = true));
    await macrotask();
    expect(done).toBe(false);
    expect(ch.tryRecv()).toEqual({ value: 9, ok: true });
    await p;
    expect(done).toBe(true);
  });

  it('reports len and cap', async () => {
    const ch = sharedChan(int32, 5);
    expect([ch.len(), ch.cap()]).toEqual([0, 5]);
    await ch.send(1);
    expect(ch.len()).toBe(1);
    expect(sharedChan(int32).cap()).toBe(0);
  });

  it('mixes with local channels and timers in one select, completing exactly once', async () => {
    await synctest.run(async () => {
      const shared = sharedChan(int32, 0);
      const local = chan<number>();
      const seen: string[] = [];
      const finished = chan<void>();
      go(async () => {
        for (let i = 0; i < 200; i++) {
          await select([
            recvCase(shared, (v) => void seen.push(`s${v}`)),
            recvCase(local, (v) => void seen.push(`l${v}`)),
          ]);
        }
        await finished.send();
      });
      for (let i = 0; i < 100; i++) {
        await select([sendCase(shared, i), sendCase(local, i)]);
        await select([sendCase(local, 1000 + i), sendCase(shared, 1000 + i)]);
      }
      // A completed send means the receiver took the value, not that its goroutine has run yet (as in Go).
      await finished.recv();
      expect(seen).toHaveLength(200);
      expect(new Set(seen).size).toBe(200);
      const timeout = await select([recvCase(shared), recvCase(after(50), () => 'timeout')]);
      expect(timeout).toBe('timeout');
    });
  });

  it('chooses uniformly between two ready shared channels', () => {
    const a = sharedChan(int32, 1);
    const b = sharedChan(int32, 1);
    let na = 0;
    for (let i = 0; i < 4000; i++) {
      a.trySend(1);
      b.trySend(2);
      select([recvCase(a, () => na++), recvCase(b)], () => {});
      a.tryRecv();
      b.tryRecv();
    }
    expect(na).toBeGreaterThan(1600);
    expect(na).toBeLessThan(2400);
  });
});

describe('sharedChan values', () => {
  it('takes a value longer than its slot (stored out of line: out-of-line.spec.ts), in order with the others', async () => {
    const ch = sharedChan(string({ maxBytes: 8 }), 3);
    await ch.send('ok');
    expect(ch.trySend('much too long a string')).toBe(true);
    expect(ch.trySend('end')).toBe(true);
    expect(ch.len()).toBe(3);
    expect([await ch.recv(), await ch.recv(), await ch.recv()]).toEqual(['ok', 'much too long a string', 'end']);
    expect(ch.tryRecv()).toBeUndefined();
  });

  it('rejects a value the codec cannot encode, before anything changes', () => {
    const ch = sharedChan(int32, 2);
    expect(() => ch.trySend(1.5)).toThrow(EncodeError);
    expect(() => sharedChan(int32, 0).trySend('x' as unknown as number)).toThrow(EncodeError);
    expect(ch.len()).toBe(0);
  });

  it('rejects a bad scalar with EncodeError whether the buffer has room, is full or is closed, losing nothing', async () => {
    const ch = sharedChan(int32, 2);
    await ch.send(1);
    expect(() => ch.trySend(2 ** 40)).toThrow(EncodeError); // room: claimed, then given back
    expect(ch.len()).toBe(1);
    await ch.send(2);
    expect(() => ch.trySend(0.5)).toThrow(EncodeError); // full
    await expectRejection(() => ch.send(Number.NaN), EncodeError, /NaN/); // a promise-returning call: rejects
    ch.close();
    expect(() => ch.trySend(0.5)).toThrow(EncodeError); // closed: the bad value is reported first, as before
    expect(() => ch.trySend(3)).toThrow(ChannelClosedError);
    expect([ch.tryRecv(), ch.tryRecv(), ch.tryRecv()]).toEqual([
      { value: 1, ok: true },
      { value: 2, ok: true },
      { value: undefined, ok: false },
    ]);
  });

  it('carries structured values through a JSON codec', async () => {
    const ch = sharedChan(json<{ id: number; tags: string[] }>({ maxBytes: 256 }), 1);
    await ch.send({ id: 1, tags: ['a', 'b'] });
    expect(await ch.recv()).toEqual({ id: 1, tags: ['a', 'b'] });
  });

  // An unbuffered channel moves a value through the receiver's (or sender's) offer: in the offer's own cache line up
  // to 48 bytes, in a separate area beyond.
  for (const [name, c, v] of [
    ['small (in the offer line)', string({ maxBytes: 40 }), 'hello, offer'],
    ['large (in the offer values area)', string({ maxBytes: 300 }), 'x'.repeat(300)],
  ] as const) {
    it(`hands ${name} values over an unbuffered channel, both ways round`, async () => {
      const ch = sharedChan(c, 0);
      const got: string[] = [];
      const done = (async () => {
        for (let i = 0; i < 3; i++) got.push((await ch.recv())!); // receiver parks first
      })();
      await ch.send(v.slice(1));
      await macrotask();
      const sent = ch.send(v); // sender parks first
      await macrotask();
      await ch.send(v.toUpperCase());
      await sent;
      await done;
      expect(got).toEqual([v.slice(1), v, v.toUpperCase()]);
    });
  }

  it('rejects a bad capacity or codec with a named error', () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => sharedChan(int32, bad)).toThrow('sharedChan: capacity must be a non-negative safe integer');
    }
    try {
      sharedChan({} as typeof int32, 1);
      expect.unreachable();
    } catch (e) {
      expect(isInvalidArgumentError(e)).toBe(true);
    }
  });
});

describe('sharedChan across a message port', () => {
  it('is rebuilt from its wire form bound to the same memory (and to the same object on one thread)', async () => {
    const ch = sharedChan(int32, 4);
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<unknown>((r) => port2.once('message', r));
    port1.postMessage(toWire(ch));
    const wire = await received;
    port1.close();
    const again = fromWire(wire as ReturnType<typeof toWire>);
    expect(again).toBe(ch);
    await ch.send(3);
    expect(await (again as typeof ch).recv()).toBe(3);
  });
});

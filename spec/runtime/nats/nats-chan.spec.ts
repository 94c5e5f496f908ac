/**
 * natsChan against a real NATS server (GOCSP_NATS_URL): the Chan interface, close, capacity, select beside local and
 * shared channels, codecs and bad input. Each test uses channels of its own (unique names) and deletes them. Two
 * connections stand for two processes here; multi-process.spec.ts and faults.spec.ts use real ones.
 */
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  chan,
  codec,
  ChannelClosedError,
  CloseOfClosedChannelError,
  EncodeError,
  InvalidArgumentError,
  recvCase,
  select,
  sendCase,
  sharedChan,
  type Codec,
} from '../../../runtime/index.js';
import {
  deleteNatsChan,
  isNatsChanGoneError,
  natsChan,
  NatsChanMismatchError,
  NatsChanUnsupportedError,
  type NatsChan,
  type NatsChanOptions,
} from '../../../runtime/nats/index.js';
import { NATS_URL, natsReachable, uniqueName } from './server.js';

const up = await natsReachable();

describe.skipIf(!up)('natsChan', () => {
  let a: NatsConnection;
  let b: NatsConnection;
  const made: string[] = [];
  const opened: NatsChan<unknown>[] = [];

  beforeAll(async () => {
    a = await connect({ servers: NATS_URL });
    b = await connect({ servers: NATS_URL });
  });
  afterEach(async () => {
    for (const ch of opened.splice(0)) await ch.release();
    for (const n of made.splice(0)) await deleteNatsChan(a, n);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  async function open<T>(nc: NatsConnection, name: string, o: NatsChanOptions<T>): Promise<NatsChan<T>> {
    if (!made.includes(name)) made.push(name);
    const ch = await natsChan(nc, name, o);
    opened.push(ch as NatsChan<unknown>);
    return ch;
  }

  describe('send and receive', () => {
    it('delivers values in FIFO order and reports cap and len', async () => {
      const name = uniqueName('fifo');
      const ch = await open(a, name, { codec: codec.int32, capacity: 100 });
      for (let i = 0; i < 20; i++) await ch.send(i);
      expect(ch.cap()).toBe(100);
      expect(await ch.stored()).toBe(20);
      expect(ch.len()).toBe(20);
      const got: number[] = [];
      for (let i = 0; i < 10; i++) got.push((await ch.recv())!);
      // Now from the last delivery's ack subject (its count of values not delivered) and what is fetched here.
      expect(ch.len()).toBe(10);
      for (let i = 10; i < 20; i++) got.push((await ch.recv())!);
      expect(got).toEqual([...Array(20).keys()]);
      expect(ch.len()).toBe(0);
    });

    it('gives each value to exactly one receiver among two processes', async () => {
      const name = uniqueName('once');
      const tx = await open(a, name, { codec: codec.int32, capacity: 1000 });
      const r1 = await open(a, name, { codec: codec.int32, capacity: 1000, prefetch: 8 });
      const r2 = await open(b, name, { codec: codec.int32, capacity: 1000, prefetch: 8 });
      const n = 300;
      const drain = async (ch: NatsChan<number>): Promise<number[]> => {
        const got: number[] = [];
        for await (const v of ch) got.push(v);
        return got;
      };
      const both = Promise.all([drain(r1), drain(r2)]);
      for (let i = 1; i <= n; i++) await tx.send(i);
      await tx.closeAndWait();
      const [g1, g2] = await both;
      const all = [...g1, ...g2].sort((x, y) => x - y);
      expect(all).toEqual([...Array(n).keys()].map((i) => i + 1));
      // Each receiver sees the stream's order.
      for (const g of [g1, g2]) expect(g).toEqual([...g].sort((x, y) => x - y));
    });

    it('hands back what a slow receiver fetched ahead before the ack wait, so no value is delivered twice', async () => {
      const name = uniqueName('slow');
      const tx = await open(a, name, { codec: codec.int32, capacity: 100, ackWaitMs: 1000 });
      const slow = await open(a, name, { codec: codec.int32, capacity: 100, prefetch: 8 });
      const fast = await open(b, name, { codec: codec.int32, capacity: 100, prefetch: 8 });
      const n = 24;
      for (let i = 1; i <= n; i++) await tx.send(i);
      await tx.closeAndWait();
      const got: number[] = [];
      const slowly = (async () => {
        // 300 ms per value: what it fetched ahead waits longer than half the ack wait, and goes back.
        for await (const v of slow) {
          got.push(v);
          await new Promise((r) => setTimeout(r, 300));
        }
      })();
      await new Promise((r) => setTimeout(r, 100));
      for await (const v of fast) got.push(v);
      await slowly;
      expect(got.sort((x, y) => x - y)).toEqual([...Array(n).keys()].map((i) => i + 1));
    });

    it('has acknowledged what it received once release() resolves, so a connection closed then loses no ack', async () => {
      // The ack leaves after the receiving goroutine's step; nc.close() in that same step would discard it (the
      // client's close() drops what it has not written), which is why release() or drain() comes first.
      const name = uniqueName('release-close');
      const tx = await open(a, name, { codec: codec.int32, capacity: 10 });
      await tx.send(1);
      await tx.send(2);
      const own = await connect({ servers: NATS_URL });
      const rx = await natsChan(own, name, { codec: codec.int32, capacity: 10 });
      expect(await rx.recv()).toBe(1);
      await rx.release(); // hands 2 back
      await own.close();
      expect(await tx.recv()).toBe(2);
      await vi.waitFor(async () => expect(await tx.stored()).toBe(0), { timeout: 3000, interval: 100 });
    });

    it('parks a receive until a value is sent from another process', async () => {
      const name = uniqueName('park');
      const rx = await open(a, name, { codec: codec.string(), capacity: 10 });
      const tx = await open(b, name, { codec: codec.string(), capacity: 10 });
      const p = rx.recvOk();
      await new Promise((r) => setTimeout(r, 50));
      await tx.send('hello');
      expect(await p).toEqual({ value: 'hello', ok: true });
    });

    it('takes only a value already fetched with tryRecv', async () => {
      const name = uniqueName('try');
      const ch = await open(a, name, { codec: codec.int32, capacity: 10 });
      expect(ch.tryRecv()).toBeUndefined();
      await ch.send(7);
      let r = ch.tryRecv();
      for (let i = 0; r === undefined && i < 100; i++) {
        await new Promise((res) => setTimeout(res, 10));
        r = ch.tryRecv();
      }
      expect(r).toEqual({ value: 7, ok: true });
    });
  });

  describe('deliveries (acknowledged once done)', () => {
    it('keeps a held value reserved past the ack wait, hands it back on nak, and removes it on ack', async () => {
      const name = uniqueName('delivery');
      const x = await open(a, name, { codec: codec.int32, capacity: 10, ackWaitMs: 1000 });
      const y = await open(b, name, { codec: codec.int32, capacity: 10 });
      await x.send(7);
      const d = (await x.recvDelivery())!;
      expect([d.value, d.redelivered]).toEqual([7, false]);
      // Held for 1.6 s, more than the ack wait: renewed, so not delivered to the other process.
      const other = y.recvDelivery();
      let early = false;
      void other.then(() => (early = true));
      await new Promise((r) => setTimeout(r, 1600));
      expect(early).toBe(false);
      d.nak();
      const d2 = (await other)!;
      expect([d2.value, d2.redelivered]).toEqual([7, true]);
      await d2.ack();
      expect(await y.stored()).toBe(0);
    });

    it('ranges over deliveries until the channel is closed and drained', async () => {
      const name = uniqueName('deliveries');
      const ch = await open(a, name, { codec: codec.int32, capacity: 10 });
      for (const v of [1, 2, 3]) await ch.send(v);
      await ch.closeAndWait();
      const got: [number, boolean][] = [];
      for await (const d of ch.deliveries()) {
        got.push([d.value, d.redelivered]);
        await d.ack();
      }
      // Each delivered once: redelivered is false for the later ones too (not the consumer's sequence > 1).
      expect(got).toEqual([
        [1, false],
        [2, false],
        [3, false],
      ]);
      expect(await ch.recvDelivery()).toBeUndefined();
    });
  });

  describe('capacity', () => {
    it('makes send wait on a full channel until a receive frees room, keeping the order', async () => {
      const name = uniqueName('full');
      const tx = await open(a, name, { codec: codec.int32, capacity: 2 });
      const rx = await open(b, name, { codec: codec.int32, capacity: 2, prefetch: 1 });
      await tx.send(1);
      await tx.send(2);
      let stored3 = false;
      const s3 = tx.send(3).then(() => (stored3 = true));
      const s4 = tx.send(4);
      await new Promise((r) => setTimeout(r, 150));
      expect(stored3).toBe(false);
      expect(await tx.stored()).toBe(2);
      const got = [await rx.recv(), await rx.recv()];
      await s3;
      await s4;
      got.push(await rx.recv(), await rx.recv());
      expect(got).toEqual([1, 2, 3, 4]);
    });

    it('refuses capacity 0 (the network has no rendezvous) and other bad capacities', async () => {
      const name = uniqueName('bad');
      await expect(natsChan(a, name, { codec: codec.int32, capacity: 0 })).rejects.toThrow(
        /capacity must be at least 1, got 0 \(an unbuffered channel needs a rendezvous/,
      );
      for (const c of [-1, 1.5, NaN, 2 ** 31, '3', undefined]) {
        await expect(natsChan(a, name, { codec: codec.int32, capacity: c as number })).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
      }
    });
  });

  describe('close', () => {
    it('lets receivers of every process drain what is stored, then report ok = false', async () => {
      const name = uniqueName('close');
      const tx = await open(a, name, { codec: codec.int32, capacity: 10 });
      const rx = await open(b, name, { codec: codec.int32, capacity: 10 });
      await tx.send(1);
      await tx.send(2);
      await tx.closeAndWait();
      expect(await rx.recvOk()).toEqual({ value: 1, ok: true });
      expect(await rx.recvOk()).toEqual({ value: 2, ok: true });
      expect(await rx.recvOk()).toEqual({ value: undefined, ok: false });
      expect(await rx.recv()).toBeUndefined();
    });

    it('wakes a parked receive of another process when the channel is closed', async () => {
      const name = uniqueName('wake');
      const tx = await open(a, name, { codec: codec.int32, capacity: 10 });
      const rx = await open(b, name, { codec: codec.int32, capacity: 10 });
      const p = rx.recvOk();
      await new Promise((r) => setTimeout(r, 50));
      tx.close();
      expect(await p).toEqual({ value: undefined, ok: false });
    });

    it('panics a send after close, in the closing process and in another', async () => {
      const name = uniqueName('sendclosed');
      const tx = await open(a, name, { codec: codec.int32, capacity: 10 });
      const other = await open(b, name, { codec: codec.int32, capacity: 10 });
      await tx.closeAndWait();
      await expect(tx.send(1)).rejects.toBeInstanceOf(ChannelClosedError);
      await expect(other.send(1)).rejects.toThrow(new ChannelClosedError());
      // The second process has learned it: its close is a close of a closed channel, at the call.
      expect(() => other.close()).toThrow(CloseOfClosedChannelError);
      expect(() => tx.close()).toThrow('close of closed channel');
    });

    it('reports a close of a channel another process closed', async () => {
      const name = uniqueName('closeclosed');
      const x = await open(a, name, { codec: codec.int32, capacity: 10 });
      const y = await open(b, name, { codec: codec.int32, capacity: 10 });
      await x.closeAndWait();
      await expect(y.closeAndWait()).rejects.toBeInstanceOf(CloseOfClosedChannelError);
    });

    it('opens a closed channel closed', async () => {
      const name = uniqueName('reopen');
      const x = await open(a, name, { codec: codec.int32, capacity: 10 });
      await x.send(5);
      await x.closeAndWait();
      const y = await open(b, name, { codec: codec.int32, capacity: 10 });
      await expect(y.send(1)).rejects.toBeInstanceOf(ChannelClosedError);
      expect(await y.recv()).toBe(5);
      expect((await y.recvOk()).ok).toBe(false);
    });
  });

  describe('select', () => {
    it('completes exactly one case beside a local channel, and hands back a value fetched for the losing case', async () => {
      const name = uniqueName('select');
      const net = await open(a, name, { codec: codec.int32, capacity: 100, prefetch: 4 });
      const other = await open(b, name, { codec: codec.int32, capacity: 100 });
      const local = chan<number>(1);
      let fromNet = 0;
      let fromLocal = 0;
      // The select parks on both; the local value comes first, then a network value arrives for a case that lost.
      const p = select([recvCase(net, () => fromNet++), recvCase(local, () => fromLocal++)]);
      await local.send(1);
      await p;
      await other.send(42);
      await new Promise((r) => setTimeout(r, 300));
      expect([fromNet, fromLocal]).toEqual([1 - 1, 1]);
      // Handed back: another process receives it.
      expect(await other.recv()).toBe(42);
    });

    it('takes a network value when it is the case that becomes ready, beside a shared channel', async () => {
      const name = uniqueName('select2');
      const net = await open(a, name, { codec: codec.int32, capacity: 100 });
      const tx = await open(b, name, { codec: codec.int32, capacity: 100 });
      const shared = sharedChan(codec.int32, 1);
      const p = select([recvCase(net, (v) => ['net', v]), recvCase(shared, (v) => ['shared', v])]);
      await tx.send(9);
      expect(await p).toEqual(['net', 9]);
      expect(shared.tryRecv()).toBeUndefined();
    });

    it('accounts for every value across many selects racing a local channel', async () => {
      const name = uniqueName('select3');
      const net = await open(a, name, { codec: codec.int32, capacity: 1000, prefetch: 8 });
      const tx = await open(b, name, { codec: codec.int32, capacity: 1000 });
      const local = chan<number>(10);
      const n = 200;
      const producer = (async () => {
        for (let i = 1; i <= n; i++) await tx.send(i);
        await tx.closeAndWait();
      })();
      const localProducer = (async () => {
        for (let i = 1; i <= n; i++) await local.send(-i);
        local.close();
      })();
      let sum = 0;
      let count = 0;
      let netOpen = true;
      let localOpen = true;
      while (netOpen || localOpen) {
        await select([
          recvCase(netOpen ? net : null, (v, ok) => (ok ? ((sum += v!), count++) : (netOpen = false))),
          recvCase(localOpen ? local : null, (v, ok) => (ok ? ((sum += v!), count++) : (localOpen = false))),
        ]);
      }
      await producer;
      await localProducer;
      expect(count).toBe(2 * n);
      expect(sum).toBe(0);
    });

    it('refuses a send case and trySend with NatsChanUnsupportedError', async () => {
      const name = uniqueName('sendcase');
      const net = await open(a, name, { codec: codec.int32, capacity: 10 });
      await expect(select([sendCase(net, 1)])).rejects.toBeInstanceOf(NatsChanUnsupportedError);
      expect(() => net.trySend(1)).toThrow(NatsChanUnsupportedError);
    });
  });

  describe('codecs', () => {
    it('carries every shared-channel codec', async () => {
      const cases: (readonly [object, unknown])[] = [
        [codec.int32, -5],
        [codec.uint32, 4_000_000_000],
        [codec.float64, Math.PI],
        [codec.bigint64, -(2n ** 62n)],
        [codec.bool, true],
        [codec.string({ maxBytes: 8 }), 'héllo, a string longer than maxBytes'],
        [codec.bytes(), new Uint8Array([1, 2, 3])],
        [codec.json(), { a: [1, 'x', null] }],
        [codec.structured(), new Map([[1, new Date(0)]])],
        [codec.record({ fields: { x: 'float64', ok: 'bool' } }), { x: 1.5, ok: true }],
      ];
      for (const [k, v] of cases) {
        const c = k as Codec<unknown>;
        const name = uniqueName(`codec-${c.kind}`);
        const ch = await open(a, name, { codec: c, capacity: 4 });
        await ch.send(v);
        expect(await ch.recv(), c.kind).toEqual(v);
      }
    });

    it('refuses shared memory and values the codec refuses, at the send', async () => {
      const name = uniqueName('sab');
      const ch = await open(a, name, { codec: codec.structured(), capacity: 4 });
      await expect(ch.send(new SharedArrayBuffer(8))).rejects.toBeInstanceOf(EncodeError);
      const j = await open(a, uniqueName('badjson'), { codec: codec.json(), capacity: 4 });
      await expect(j.send({ d: new Date() } as never)).rejects.toBeInstanceOf(EncodeError);
      expect(await ch.stored()).toBe(0);
    });
  });

  describe('bad input', () => {
    it('names the bad name, codec and option', async () => {
      await expect(natsChan(a, 'a.b', { codec: codec.int32, capacity: 1 })).rejects.toThrow(
        'natsChan: name must be 1 to 200 characters of A-Z, a-z, 0-9, _ and -, got "a.b"',
      );
      await expect(natsChan(a, '', { codec: codec.int32, capacity: 1 })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(natsChan(a, 'x', { codec: {} as never, capacity: 1 })).rejects.toThrow(/natsChan: codec\.kind/);
      await expect(natsChan(a, 'x', { codec: codec.int32, capacity: 1, prefetch: 0 })).rejects.toThrow(
        'natsChan: prefetch must be an integer in [1, 10000], got 0',
      );
      await expect(natsChan(a, 'x', { codec: codec.int32, capacity: 1, ackWaitMs: 999 })).rejects.toThrow(
        'natsChan: ackWaitMs must be an integer in [1000, 2147483647], got 999',
      );
      await expect(natsChan(a, 'x', { codec: codec.int32, capacity: 1, ackWait: 5 } as never)).rejects.toThrow(
        /unknown option "ackWait"/,
      );
      await expect(natsChan({} as never, 'x', { codec: codec.int32, capacity: 1 })).rejects.toThrow(
        /connection must be a NATS connection/,
      );
    });

    it('refuses to open a channel with another capacity or codec than it was made with', async () => {
      const name = uniqueName('mismatch');
      await open(a, name, { codec: codec.int32, capacity: 10 });
      await expect(natsChan(b, name, { codec: codec.int32, capacity: 11 })).rejects.toBeInstanceOf(NatsChanMismatchError);
      await expect(natsChan(b, name, { codec: codec.json(), capacity: 10 })).rejects.toThrow(/exists as "gocsp natsChan/);
    });

    it('fails a parked receive with NatsChanGoneError when the channel is deleted', async () => {
      const name = uniqueName('gone');
      const ch = await natsChan(a, name, { codec: codec.int32, capacity: 10 });
      const p = ch.recv().catch((x: unknown) => x);
      await new Promise((r) => setTimeout(r, 50));
      await deleteNatsChan(b, name);
      const e = await p;
      expect(isNatsChanGoneError(e)).toBe(true);
    });

    it('fails a parked receive with NatsChanGoneError when its connection closes, and keeps the value for others', async () => {
      const name = uniqueName('conn');
      const own = await connect({ servers: NATS_URL });
      const ch = await natsChan(own, name, { codec: codec.int32, capacity: 10 });
      made.push(name);
      const p = ch.recv().catch((x: unknown) => x);
      await new Promise((r) => setTimeout(r, 50)); // the receive is parked and its pull request pending
      await own.close();
      expect(isNatsChanGoneError(await p)).toBe(true);
      // The closed connection's pending request brings nothing more: a value sent now goes to a live receiver.
      const other = await open(b, name, { codec: codec.int32, capacity: 10 });
      await other.send(7);
      expect(await other.recv()).toBe(7);
    });
  });
});

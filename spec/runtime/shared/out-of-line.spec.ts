/**
 * Values longer than their slot: a shared channel of a variable-size codec (string, bytes, json, structured) takes a
 * value of any length, storing one longer than maxBytes out of line (maxBytes is a performance hint). Each value is
 * delivered exactly once, in order, and whatever was stored for it is let go on every path: received, a send that
 * found no room or a closed channel, a parked send whose channel closed, a select that lost, a dead thread's parked
 * send or claimed receive. ValueTooLargeError remains only for the hard limits (arena.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  chan,
  ChannelClosedError,
  DecodeError,
  go,
  recvCase,
  select,
  sendCase,
  ValueTooLargeError,
  type Chan,
  type Codec,
  sharedChan,
} from '../../../runtime/index.js';
import { alloc, arenaStats, block, free, MAX_OUT_OF_LINE_BYTES } from '../../../runtime/shared/memory/arena.js';
import { filedTokens } from '../../../runtime/shared/memory/directory.js';
import { bytes } from '../../../runtime/shared/codecs/bytes.js';
import { json } from '../../../runtime/shared/codecs/json.js';
import { string } from '../../../runtime/shared/codecs/string.js';
import { structured } from '../../../runtime/shared/codecs/structured.js';
import { liveWorkers, onThread, terminateAll, until } from './thread-harness.js';
import { big, type Big } from './workers/value-scenarios.js';

afterEach(async () => {
  await terminateAll();
  expect(liveWorkers()).toBe(0);
});

/** leftBehind is what the program still holds for values out of line: arena blocks and filed deposits. */
function leftBehind(): { blocks: number; tokens: number } {
  return { blocks: arenaStats().live, tokens: filedTokens() };
}

const NOTHING = { blocks: 0, tokens: 0 };

/** A Map of about 4.9 KB in v8.serialize's form: nearly five times the default 1024-byte slot. */
function map49(): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (let i = 0; i < 148; i++) m.set(`key-${i}`, Array.from({ length: 5 }, (_, j) => i * 1000 + j * 7919));
  return m;
}

describe('a value longer than its slot, on one thread', () => {
  it('a 4.9 KB Map goes through the default structured channel, buffered or not', async () => {
    const m = map49();
    const { serialize } = await import('node:v8');
    expect(serialize(m).length).toBe(4917);
    for (const cap of [0, 1, 8]) {
      const ch = sharedChan(structured<Map<string, number[]>>(), cap);
      go(async () => {
        await ch.send(m);
        ch.close();
      });
      expect(await ch.recv()).toEqual(m);
      expect(await ch.recvOk()).toEqual({ value: undefined, ok: false });
      expect(leftBehind()).toEqual(NOTHING);
    }
  });

  const long: [string, Codec<unknown>, unknown][] = [
    ['string', string({ maxBytes: 8 }) as Codec<unknown>, 'héllo 😀 '.repeat(100)],
    ['bytes', bytes({ maxBytes: 8 }) as Codec<unknown>, Uint8Array.from({ length: 2000 }, (_, i) => i & 0xff)],
    ['json', json({ maxBytes: 8 }) as Codec<unknown>, { list: Array.from({ length: 300 }, (_, i) => ({ i, s: `s${i}` })) }],
    ['structured', structured({ maxBytes: 8 }) as Codec<unknown>, new Set(Array.from({ length: 300 }, (_, i) => `v${i}`))],
  ];
  for (const [name, codec, value] of long) {
    it(`${name}: long and short values keep their order, each delivered once (cap 0 and 3)`, async () => {
      for (const cap of [0, 3]) {
        const ch = sharedChan(codec, cap) as Chan<unknown>;
        const short = name === 'bytes' ? Uint8Array.of(1) : name === 'string' ? 'x' : name === 'json' ? [1] : new Set([1]);
        const sent = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? short : value));
        go(async () => {
          for (const v of sent) await ch.send(v);
          ch.close();
        });
        const got: unknown[] = [];
        for await (const v of ch) got.push(v);
        expect(got).toEqual(sent);
        expect(leftBehind()).toEqual(NOTHING);
      }
    });
  }

  it('a decoded long bytes value is a copy of its own, never a view of shared memory', () => {
    const ch = sharedChan(bytes({ maxBytes: 4 }), 1);
    ch.trySend(new Uint8Array(100).fill(9));
    const got = ch.tryRecv()!.value!;
    expect(got.buffer).toBeInstanceOf(ArrayBuffer);
    expect([got.byteOffset, got.length, got[99]]).toEqual([0, 100, 9]);
  });
});

describe('what a long value stored is let go on every path', () => {
  it('a send that finds no room or a closed channel stores nothing', () => {
    const ring = sharedChan(structured(), 1);
    ring.trySend(1);
    expect(ring.trySend(big(1))).toBe(false); // full
    expect(leftBehind()).toEqual(NOTHING);
    ring.close();
    expect(() => ring.trySend(big(2))).toThrow(ChannelClosedError);
    const unbuffered = sharedChan(structured(), 0);
    expect(unbuffered.trySend(big(3))).toBe(false); // nobody receiving
    unbuffered.close();
    expect(() => unbuffered.trySend(big(4))).toThrow(ChannelClosedError);
    expect(leftBehind()).toEqual(NOTHING);
  });

  it('a parked send on an unbuffered channel holds its value until taken, and lets it go when the channel closes', async () => {
    const ch = sharedChan(structured<Big>(), 0);
    const taken = ch.send(big(1));
    expect(arenaStats().live).toBe(1); // stored when it parked, shown by its offer
    expect((await ch.recv())!.id).toBe(1);
    await taken;
    expect(leftBehind()).toEqual(NOTHING);
    const closed = ch.send(big(2)).catch((e: unknown) => e);
    expect(arenaStats().live).toBe(1);
    ch.close();
    expect(await closed).toBeInstanceOf(ChannelClosedError);
    expect(leftBehind()).toEqual(NOTHING);
  });

  it('a buffered channel closed with long values in it still delivers them, then nothing is left', async () => {
    const ch = sharedChan(structured<Big>(), 4);
    for (let i = 0; i < 4; i++) ch.trySend(big(i));
    ch.close();
    expect(arenaStats().live).toBe(4);
    const ids: number[] = [];
    for await (const v of ch) ids.push(v.id);
    expect(ids).toEqual([0, 1, 2, 3]);
    expect(leftBehind()).toEqual(NOTHING);
  });

  for (const cap of [0, 2]) {
    it(`a select that sends a long value and loses lets it go; one that wins delivers it once (cap ${cap})`, async () => {
      const ch = sharedChan(structured<Big>(), cap);
      if (cap > 0) for (let i = 0; i < cap; i++) ch.trySend(big(100 + i)); // full: the send case parks
      const other = chan<number>();
      const lost = select([sendCase(ch, big(1), () => 'sent'), recvCase(other, () => 'other')]);
      expect(arenaStats().live).toBe(cap === 0 ? 1 : cap); // unbuffered: stored when it parked
      await other.send(1);
      expect(await lost).toBe('other');
      expect(arenaStats().live).toBe(cap);
      // With default: polls and takes the default, storing nothing.
      expect(select([sendCase(ch, big(2), () => 'sent')], () => 'default')).toBe('default');
      expect(arenaStats().live).toBe(cap);
      for (let i = 0; i < cap; i++) expect((await ch.recv())!.id).toBe(100 + i);
      // A select that wins through the long send: received once, then nothing is left.
      const won = select([sendCase(ch, big(3), () => 'sent'), recvCase(other, () => 'other')]);
      expect((await ch.recv())!.id).toBe(3);
      expect(await won).toBe('sent');
      expect(ch.tryRecv()).toBeUndefined();
      expect(leftBehind()).toEqual(NOTHING);
    });
  }
});

describe('a value longer than its slot, across threads', () => {
  for (const cap of [0, 4]) {
    it(`2 producer threads x 2 consumer threads deliver 300 long values each exactly once (cap ${cap})`, async () => {
      const ch = sharedChan(structured<Big>(), cap);
      const n = 300;
      const producers = [0, 1].map((p) => onThread('produceBig', ch, p * 1_000_000, n));
      const consumers = [0, 1].map(() => onThread('consumeBig', ch));
      expect(await Promise.all(producers.map((p) => p.result))).toEqual([n, n]);
      ch.close();
      const ids = (await Promise.all(consumers.map((c) => c.result))).flat().sort((a, b) => a - b);
      const want = [0, 1].flatMap((p) => Array.from({ length: n }, (_, i) => p * 1_000_000 + i));
      expect(ids).toEqual(want);
      expect(leftBehind()).toEqual(NOTHING);
    });
  }

  it("lets go of a dead thread's parked long send, which is never received", async () => {
    const ch = sharedChan(structured<Big>(), 0);
    const flags = new Int32Array(new SharedArrayBuffer(4));
    const sender = onThread('sendBigAndPark', ch, flags);
    await until(() => Atomics.load(flags, 0) === 1);
    expect(arenaStats().live).toBe(1);
    await sender.worker.terminate();
    await sender.exited; // the harness marks its registry slot dead
    expect(ch.tryRecv()).toBeUndefined(); // the dead thread's offer is withdrawn, its value let go
    expect(leftBehind()).toEqual(NOTHING);
  });

  it('lets go of a long value whose receiver died after claiming it', async () => {
    const codec = structured<Big>();
    const ch = sharedChan(codec, 1);
    ch.trySend(big(1));
    const killer = onThread('popAndDie', ch, codec.slotBytes);
    expect(await killer.exited).toBe(0);
    expect(arenaStats().live).toBe(1);
    // The slot is stuck behind the dead receive: a parked send recovers it, letting the lost value go.
    const sent = ch.send(big(2));
    await sent;
    expect((await ch.recv())!.id).toBe(2);
    expect(leftBehind()).toEqual(NOTHING);
  });
});

describe('hard limits', () => {
  it('a value over the out-of-line limit is a ValueTooLargeError, with nothing kept', () => {
    let caught: unknown;
    try {
      alloc(MAX_OUT_OF_LINE_BYTES + 1, 'bytes');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValueTooLargeError);
    expect((caught as Error).message).toBe(
      `bytes codec: value encodes to ${MAX_OUT_OF_LINE_BYTES + 1} bytes, more than the out-of-line limit ${MAX_OUT_OF_LINE_BYTES}`,
    );
    expect(arenaStats().live).toBe(0);
  });

  it('a reference that is not a live block is a DecodeError, never a read of freed memory', () => {
    const ref = alloc(10, 'string');
    free(ref, 'string');
    expect(() => block(ref, 'string')).toThrow(DecodeError);
    expect(() => free(ref, 'string')).toThrow(
      `string codec: cannot decode the slot (out-of-line reference ${ref} is not a live block: corrupted memory)`,
    );
    expect(() => block(3, 'string')).toThrow(DecodeError);
  });
});

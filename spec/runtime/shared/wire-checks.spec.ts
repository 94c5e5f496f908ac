/**
 * What toWire and fromWire refuse (runtime/shared/objects/wire.ts, chan-memory.ts): anything that is not a shared
 * object or its description, and a shared channel's description whose codec or buffer does not match the channel's
 * header. Each is an InvalidArgumentError at the call, and nothing is written into the channel's memory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  chan,
  InvalidArgumentError,
  isInvalidArgumentError,
  SharedMutex,
  codec,
  type Codec,
  sharedChan,
  fromWire,
  toWire,
  type Wire,
} from '../../../runtime/index.js';
import { MAX_CHAN_BYTES } from '../../../runtime/shared/channels/chan-memory.js';
import { CAP, CODEC, SLOT_BYTES } from '../../../runtime/shared/channels/layout.js';
import { liveWorkers, onThread, terminateAll } from './thread-harness.js';

afterEach(async () => {
  await terminateAll();
  expect(liveWorkers()).toBe(0);
});

/** refusal runs `f` and returns the InvalidArgumentError's message (failing if `f` does not throw one). */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return (e as Error).message;
  }
  return expect.unreachable('no error');
}

const bytesOf = (w: Wire): Uint8Array => new Uint8Array(w['sab'] as SharedArrayBuffer).slice();

describe('toWire and fromWire refuse what is not a shared object', () => {
  it('names the bad value instead of a TypeError', () => {
    expect(refusal(() => toWire({} as never))).toBe(
      'toWire: value must be a shared object (a shared channel or a shared sync object), got {}',
    );
    expect(refusal(() => toWire(null as never))).toBe(
      'toWire: value must be a shared object (a shared channel or a shared sync object), got null',
    );
    expect(refusal(() => toWire(chan<number>() as never))).toBe(
      'toWire: a local channel cannot cross threads; make a shared channel (sharedChan) to pass it to another thread',
    );
    for (const [w, shown] of [
      [null, 'null'],
      [undefined, 'undefined'],
      [{}, '{}'],
      ['gocsp.sharedChan', '"gocsp.sharedChan"'],
      [{ __gocspWire: 7 }, '{"__gocspWire":7}'],
    ] as const) {
      expect(refusal(() => fromWire(w as never))).toBe(
        `fromWire: wire must be what toWire made (an object with a string __gocspWire), got ${shown}`,
      );
    }
    expect(refusal(() => fromWire({ __gocspWire: 'nope' }))).toBe('fromWire: unknown shared object kind "nope"');
  });
});

describe('fromWire checks a shared channel against its memory', () => {
  it('refuses another codec than the channel was made with, before writing anything', () => {
    const ch = sharedChan(codec.int32, 4);
    const w = toWire(ch);
    const before = bytesOf(w);
    expect(refusal(() => fromWire({ ...w, codec: codec.bigint64.wire }))).toBe(
      'fromWire: codec bigint64 has 8-byte slots, but the channel was made with a codec of 4-byte slots',
    );
    expect(refusal(() => fromWire({ ...w, codec: codec.uint32.wire }))).toBe(
      'fromWire: codec {"kind":"uint32"} is not the codec the channel was made with (the same slot size, but another kind or other options)',
    );
    expect(bytesOf(w)).toEqual(before);
    expect(ch.trySend(7)).toBe(true);
    expect(ch.tryRecv()).toEqual({ value: 7, ok: true });
  });

  it('tells codecs of the same slot size apart by kind and options', () => {
    const pairs: [Codec<unknown>, Codec<unknown>][] = [
      [codec.json({ maxBytes: 64 }), codec.structured({ maxBytes: 64 })],
      [codec.string({ maxBytes: 64 }), codec.bytes({ maxBytes: 64 }) as Codec<unknown>],
      [codec.record({ fields: { a: 'int32', b: 'uint32' } }), codec.record({ fields: { b: 'uint32', a: 'int32' } })],
      [codec.record({ fields: { x: 'float32' } }), codec.record({ fields: { x: 'int32' } })],
    ];
    for (const [made, other] of pairs) {
      expect(made.slotBytes).toBe(other.slotBytes);
      const w = toWire(sharedChan(made, 2));
      expect(refusal(() => fromWire({ ...w, codec: other.wire }))).toMatch(/^fromWire: codec .* is not the codec the channel was made with/);
      expect(fromWire({ ...w, codec: made.wire })).toBeDefined();
    }
  });

  it('refuses a buffer that is not a channel of the codec: too short, resized, or of another object', () => {
    const w = toWire(sharedChan(codec.int32, 4));
    const sab = w['sab'] as SharedArrayBuffer;
    expect(refusal(() => fromWire({ ...w, sab: new SharedArrayBuffer(16) }))).toBe(
      "fromWire: not the shared memory of a shared channel: its 16 bytes are fewer than the 192 of a channel's header",
    );
    const longer = new SharedArrayBuffer(sab.byteLength + 8);
    new Uint8Array(longer).set(new Uint8Array(sab));
    expect(refusal(() => fromWire({ ...w, sab: longer }))).toBe(
      `fromWire: not the shared memory of a shared channel: a channel of capacity 4 with 4-byte slots takes ${sab.byteLength} bytes, the buffer has ${longer.byteLength}`,
    );
    const mutex = toWire(new SharedMutex())['sab'];
    expect(refusal(() => fromWire({ ...w, sab: mutex }))).toMatch(/^fromWire: not the shared memory of a shared channel: /);
    expect(refusal(() => fromWire({ ...w, sab: 5 }))).toBe(
      'fromWire: sab must be the SharedArrayBuffer of a shared channel, got 5',
    );
    expect(refusal(() => fromWire({ ...w, sab: new ArrayBuffer(sab.byteLength) }))).toMatch(
      /^fromWire: sab must be the SharedArrayBuffer of a shared channel, got /,
    );
  });

  it('refuses a header whose capacity, slot size or codec stamp was overwritten', () => {
    for (const [word, value, message] of [
      [CAP, -1, 'its capacity word is -1, outside [0, 134217728]'],
      [CAP, 2 ** 30, `its capacity word is ${2 ** 30}, outside [0, 134217728]`],
      [SLOT_BYTES, 0, 'its slot size word is 0, outside [1, 67108868]'],
      [CAP, 5, 'a channel of capacity 5 with 4-byte slots takes'],
    ] as const) {
      const w = toWire(sharedChan(codec.int32, 4));
      new Int32Array(w['sab'] as SharedArrayBuffer)[word] = value;
      expect(refusal(() => fromWire(w))).toContain(`fromWire: not the shared memory of a shared channel: ${message}`);
    }
    const w = toWire(sharedChan(codec.int32, 4));
    const header = new Int32Array(w['sab'] as SharedArrayBuffer);
    header[CODEC] = header[CODEC]! ^ 1;
    expect(refusal(() => fromWire(w))).toMatch(/is not the codec the channel was made with/);
  });

  it('refuses a registry that is not a gocsp thread registry', () => {
    const w = toWire(sharedChan(codec.int32, 1));
    for (const registry of [undefined, 5, new SharedArrayBuffer(64)]) {
      expect(refusal(() => fromWire({ ...w, registry }))).toMatch(
        /^gocsp: registry must be the thread registry of a gocsp runtime \(a SharedArrayBuffer of \d+ bytes\), got /,
      );
    }
  });

  it('refuses, on a worker, to rebuild an int32 channel with bigint64, so the main thread can still receive', async () => {
    const ch = sharedChan(codec.int32, 4);
    const forged = { ...toWire(ch), codec: codec.bigint64.wire };
    const t = onThread('produce', forged as never, 0, 1);
    await expect(t.result).rejects.toThrow(
      'fromWire: codec bigint64 has 8-byte slots, but the channel was made with a codec of 4-byte slots',
    );
    expect(ch.tryRecv()).toBeUndefined();
    expect(ch.trySend(-1)).toBe(true);
    expect(ch.tryRecv()).toEqual({ value: -1, ok: true });
  });
});

describe('sharedChan sizes', () => {
  it('refuses a channel over 4 GiB with a named error, before allocating', () => {
    const big = codec.string({ maxBytes: 64 * 1024 * 1024 });
    const e = (() => {
      try {
        sharedChan(big, 64);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(isInvalidArgumentError(e)).toBe(true);
    expect((e as Error).message).toMatch(
      new RegExp(`^sharedChan: a channel of capacity 64 with 67108868-byte slots takes \\d+ bytes, more than the limit of ${MAX_CHAN_BYTES} \\(4 GiB\\) for one shared channel$`),
    );
  });
});

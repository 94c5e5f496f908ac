/**
 * The shared-memory codecs (runtime/shared/codecs): every codec round-trips typical and edge values through a slot
 * that is a view of a SharedArrayBuffer at an odd byte offset; refuses bad values with its exact message and without
 * writing a byte (the slot and its neighbours keep a sentinel pattern); refuses bad options; and is rebuilt from its
 * wire, also after the wire crossed a real MessageChannel.
 */
import { serialize } from 'node:v8';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  isDecodeError,
  isEncodeError,
  isInvalidArgumentError,
  isPanicError,
  isValueTooLargeError,
  PanicError,
  ValueTooLargeError,
  type Codec,
  type CodecWire,
  sharedChan,
  chan,
} from '../../../runtime/index.js';
import { bytes } from '../../../runtime/shared/codecs/bytes.js';
import { codecFromWire } from '../../../runtime/shared/codecs/from-wire.js';
import { json } from '../../../runtime/shared/codecs/json.js';
import { MAX_BYTES_LIMIT } from '../../../runtime/shared/codecs/slot-bytes.js';
import { record, type RecordValue } from '../../../runtime/shared/codecs/record.js';
import { bigint64, bool, float64, int32, uint32 } from '../../../runtime/shared/codecs/scalars.js';
import { string } from '../../../runtime/shared/codecs/string.js';
import { structured } from '../../../runtime/shared/codecs/structured.js';

// --- slots in shared memory -------------------------------------------------------------------------------------

/** GUARD is the number of bytes kept on each side of a slot, to catch a write past either end. */
const GUARD = 7;

interface SharedSlot {
  readonly sab: SharedArrayBuffer;
  /** slot is the codec's view: slotBytes bytes at the odd offset GUARD of sab. */
  readonly slot: Uint8Array;
  /** all is the whole buffer, guards included. */
  readonly all: Uint8Array;
}

/** sharedSlot makes a slot of `n` bytes at an odd offset of a SharedArrayBuffer, every byte a sentinel pattern. */
function sharedSlot(n: number): SharedSlot {
  const sab = new SharedArrayBuffer(GUARD + n + GUARD);
  const all = new Uint8Array(sab);
  for (let i = 0; i < all.length; i++) all[i] = (i * 37 + 11) & 0xff;
  return { sab, slot: new Uint8Array(sab, GUARD, n), all };
}

/** roundTrip encodes `v` into a fresh shared slot and decodes it, checking the guard bytes were left alone. */
function roundTrip<T>(codec: Codec<T>, v: T): T {
  const { slot, all } = sharedSlot(codec.slotBytes);
  const before = all.slice();
  codec.encode(v, slot);
  expect(all.subarray(0, GUARD)).toEqual(before.subarray(0, GUARD));
  expect(all.subarray(GUARD + codec.slotBytes)).toEqual(before.subarray(GUARD + codec.slotBytes));
  return codec.decode(slot);
}

/**
 * refuses checks that encoding `v` throws `cls` with exactly `message` and leaves every byte of the shared buffer
 * as it was; it returns the error for further checks.
 */
function refuses<T>(codec: Codec<T>, v: unknown, cls: new (...args: never[]) => Error, message: string): Error {
  const { slot, all } = sharedSlot(codec.slotBytes);
  const before = all.slice();
  let caught: unknown;
  try {
    codec.encode(v as T, slot);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(cls);
  expect((caught as Error).message).toBe(message);
  expect(all).toEqual(before);
  return caught as Error;
}

function tooLarge<T>(codec: Codec<T>, v: T, size: number, limit: number, what = 'value'): void {
  const e = refuses(
    codec,
    v,
    ValueTooLargeError,
    `${codec.kind} codec: ${what} encodes to ${size} bytes, more than maxBytes ${limit}`,
  ) as ValueTooLargeError;
  expect(e.code).toBe('ERR_VALUE_TOO_LARGE');
  expect([e.codec, e.size, e.limit]).toEqual([codec.kind, size, limit]);
}

function badOption(make: () => unknown, message: string): void {
  let caught: unknown;
  try {
    make();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  expect((caught as Error).message).toBe(message);
}

/** viewAt returns a DataView over a fresh sentinel-filled buffer, and the odd offset of a slot inside it. */
function dataViewSlot(n: number): { view: DataView; at: number; all: Uint8Array } {
  const { sab, all } = sharedSlot(n);
  return { view: new DataView(sab), at: GUARD, all };
}

// --- scalars ----------------------------------------------------------------------------------------------------

const INT32_MSG = (v: string) => `int32 codec: cannot encode ${v} (not an integer in [-2147483648, 2147483647])`;
const UINT32_MSG = (v: string) => `uint32 codec: cannot encode ${v} (not an integer in [0, 4294967295])`;
const BIGINT64_MSG = (v: string) =>
  `bigint64 codec: cannot encode ${v} (not a bigint in [-9223372036854775808n, 9223372036854775807n])`;

describe('int32', () => {
  it('round-trips zero, ±1, the extremes and a large value, and stores -0 as 0', () => {
    for (const v of [0, 1, -1, 2147483647, -2147483648, 123456789, -987654321]) expect(roundTrip(int32, v)).toBe(v);
    expect(Object.is(roundTrip(int32, -0), 0)).toBe(true);
    expect(int32.slotBytes).toBe(4);
  });

  it('stores little-endian bytes', () => {
    const { slot } = sharedSlot(4);
    int32.encode(0x01020304, slot);
    expect([...slot]).toEqual([4, 3, 2, 1]);
    int32.encode(-2, slot);
    expect([...slot]).toEqual([0xfe, 0xff, 0xff, 0xff]);
  });

  it('refuses non-integers, out-of-range numbers and non-numbers without writing', () => {
    refuses(int32, 1.5, EncodeError, INT32_MSG('1.5'));
    refuses(int32, 2147483648, EncodeError, INT32_MSG('2147483648'));
    refuses(int32, -2147483649, EncodeError, INT32_MSG('-2147483649'));
    refuses(int32, NaN, EncodeError, INT32_MSG('NaN'));
    refuses(int32, Infinity, EncodeError, INT32_MSG('Infinity'));
    refuses(int32, '1', EncodeError, INT32_MSG('"1"'));
    refuses(int32, 1n, EncodeError, INT32_MSG('1n'));
    refuses(int32, true, EncodeError, INT32_MSG('true'));
    refuses(int32, null, EncodeError, INT32_MSG('null'));
    refuses(int32, undefined, EncodeError, INT32_MSG('undefined'));
    const e = refuses(int32, { valueOf: () => 1 }, EncodeError, INT32_MSG('{}'));
    expect((e as EncodeError).code).toBe('ERR_CODEC_ENCODE');
    expect((e as EncodeError).codec).toBe('int32');
  });
});

describe('uint32', () => {
  it('round-trips zero, the maximum and 2^31, and stores -0 as 0', () => {
    for (const v of [0, 1, 4294967295, 2147483648, 3000000000]) expect(roundTrip(uint32, v)).toBe(v);
    expect(Object.is(roundTrip(uint32, -0), 0)).toBe(true);
  });

  it('refuses negatives, 2^32, fractions and non-numbers without writing', () => {
    refuses(uint32, -1, EncodeError, UINT32_MSG('-1'));
    refuses(uint32, 4294967296, EncodeError, UINT32_MSG('4294967296'));
    refuses(uint32, 0.5, EncodeError, UINT32_MSG('0.5'));
    refuses(uint32, NaN, EncodeError, UINT32_MSG('NaN'));
    refuses(uint32, '7', EncodeError, UINT32_MSG('"7"'));
  });
});

describe('float64', () => {
  it('round-trips every number bit for bit: ±0, NaN, ±Infinity, the extremes', () => {
    const values = [0, -0, NaN, Infinity, -Infinity, 0.1, -1.5, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON];
    for (const v of [...values, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, Math.PI]) {
      expect(Object.is(roundTrip(float64, v), v)).toBe(true);
    }
  });

  it('stores little-endian IEEE 754 bytes', () => {
    const { slot } = sharedSlot(8);
    float64.encode(1, slot);
    expect([...slot]).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });

  it('refuses non-numbers without writing', () => {
    refuses(float64, '1.5', EncodeError, 'float64 codec: cannot encode "1.5" (not a number)');
    refuses(float64, 1n, EncodeError, 'float64 codec: cannot encode 1n (not a number)');
    refuses(float64, null, EncodeError, 'float64 codec: cannot encode null (not a number)');
  });
});

describe('bigint64', () => {
  const MIN = -(2n ** 63n);
  const MAX = 2n ** 63n - 1n;

  it('round-trips zero, ±1 and the extremes', () => {
    for (const v of [0n, 1n, -1n, MIN, MAX, 2n ** 53n + 1n]) expect(roundTrip(bigint64, v)).toBe(v);
  });

  it('refuses bigints out of range and numbers, even integers, without writing', () => {
    refuses(bigint64, MAX + 1n, EncodeError, BIGINT64_MSG('9223372036854775808n'));
    refuses(bigint64, MIN - 1n, EncodeError, BIGINT64_MSG('-9223372036854775809n'));
    refuses(bigint64, 1, EncodeError, BIGINT64_MSG('1'));
    refuses(bigint64, '1', EncodeError, BIGINT64_MSG('"1"'));
  });
});

describe('bool', () => {
  it('round-trips true and false in one byte', () => {
    expect(roundTrip(bool, true)).toBe(true);
    expect(roundTrip(bool, false)).toBe(false);
    expect(bool.slotBytes).toBe(1);
  });

  it('decodes any non-zero byte as true', () => {
    expect(bool.decode(Uint8Array.of(2))).toBe(true);
    expect(bool.decode(Uint8Array.of(0))).toBe(false);
  });

  it('refuses non-booleans without writing', () => {
    refuses(bool, 0, EncodeError, 'bool codec: cannot encode 0 (not a boolean)');
    refuses(bool, 1, EncodeError, 'bool codec: cannot encode 1 (not a boolean)');
    refuses(bool, 'true', EncodeError, 'bool codec: cannot encode "true" (not a boolean)');
    refuses(bool, null, EncodeError, 'bool codec: cannot encode null (not a boolean)');
  });
});

describe('encodeAt and decodeAt (the DataView fast path)', () => {
  const cases: [Codec<unknown>, unknown[]][] = [
    [int32 as Codec<unknown>, [0, -1, 2147483647, -2147483648, 0x01020304]],
    [uint32 as Codec<unknown>, [0, 4294967295, 0x80000001]],
    [float64 as Codec<unknown>, [-0, NaN, Infinity, 0.1, Number.MIN_VALUE]],
    [bigint64 as Codec<unknown>, [-(2n ** 63n), 2n ** 63n - 1n, -1n]],
    [bool as Codec<unknown>, [true, false]],
  ];

  it.each(cases)('writes at an odd offset the same bytes as encode, for %s', (codec, values) => {
    for (const v of values) {
      const { slot } = sharedSlot(codec.slotBytes);
      codec.encode(v, slot);
      const { view, at, all } = dataViewSlot(codec.slotBytes);
      const before = all.slice();
      codec.encodeAt!(v, view, at);
      expect(all.subarray(at, at + codec.slotBytes)).toEqual(slot);
      expect(all.subarray(0, at)).toEqual(before.subarray(0, at));
      expect(all.subarray(at + codec.slotBytes)).toEqual(before.subarray(at + codec.slotBytes));
      expect(Object.is(codec.decodeAt!(view, at), v)).toBe(true);
    }
  });

  it('refuses with the same error as encode, without writing', () => {
    const { view, at, all } = dataViewSlot(8);
    const before = all.slice();
    expect(() => int32.encodeAt(1.5, view, at)).toThrow(INT32_MSG('1.5'));
    expect(() => uint32.encodeAt(-1, view, at)).toThrow(UINT32_MSG('-1'));
    expect(() => float64.encodeAt('x' as never, view, at)).toThrow('float64 codec: cannot encode "x" (not a number)');
    expect(() => bigint64.encodeAt(2n ** 63n, view, at)).toThrow(BIGINT64_MSG('9223372036854775808n'));
    expect(() => bool.encodeAt(1 as never, view, at)).toThrow('bool codec: cannot encode 1 (not a boolean)');
    expect(all).toEqual(before);
  });

  it('is offered by the scalars only', () => {
    for (const c of [string(), bytes(), json(), structured(), record({ fields: { a: 'int8' } })]) {
      expect(c.encodeAt).toBeUndefined();
      expect(c.decodeAt).toBeUndefined();
    }
  });
});

describe('scalar encode and decode', () => {
  it('allocate nothing (int32, uint32, float64, bool)', () => {
    const { slot } = sharedSlot(8);
    const s4 = slot.subarray(0, 4);
    const s1 = slot.subarray(0, 1);
    const N = 100_000;
    const run = (): number => {
      let sink = 0; // kept a small integer: adding doubles to it would allocate in the test itself
      for (let i = 0; i < N; i++) {
        int32.encode(i, s4);
        sink = (sink + int32.decode(s4)) | 0;
        uint32.encode(i, s4);
        sink = (sink + uint32.decode(s4)) | 0;
        float64.encode(i + 0.5, slot);
        sink = (sink + float64.decode(slot)) | 0;
        bool.encode((i & 1) === 0, s1);
        sink = (sink + (bool.decode(s1) ? 1 : 0)) | 0;
      }
      return sink;
    };
    run(); // warm up: the first runs allocate feedback and compiled code
    run();
    globalThis.gc!();
    const before = process.memoryUsage().heapUsed;
    const sink = run();
    const grown = process.memoryUsage().heapUsed - before;
    // 800,000 encodes and decodes: a single 16-byte allocation each would be 12 MB.
    expect(grown).toBeLessThan(256 * 1024);
    expect(sink).not.toBe(0.5);
  });
});

// --- string -----------------------------------------------------------------------------------------------------

describe('string', () => {
  it('has a slot of 4 + maxBytes bytes, maxBytes 256 by default', () => {
    expect(string().slotBytes).toBe(260);
    expect(string({ maxBytes: 10 }).slotBytes).toBe(14);
  });

  it('round-trips the empty string, ASCII, multi-byte UTF-8, emoji, NUL and a leading BOM', () => {
    const c = string({ maxBytes: 64 });
    const values = ['', 'hello', 'héllo wörld', '日本語', '😀👍🏽', '\u0000nul\u0000', '\uFEFFbom', 'a\r\nb'];
    for (const v of values) expect(roundTrip(c, v)).toBe(v);
  });

  it('stores a lone surrogate as U+FFFD, as TextEncoder does', () => {
    expect(roundTrip(string({ maxBytes: 8 }), 'a\uD800b')).toBe('a\uFFFDb');
  });

  it('accepts a value of exactly maxBytes bytes, in 1-, 2-, 3- and 4-byte characters', () => {
    expect(roundTrip(string({ maxBytes: 8 }), 'abcdefgh')).toBe('abcdefgh');
    expect(roundTrip(string({ maxBytes: 8 }), 'éééé')).toBe('éééé');
    expect(roundTrip(string({ maxBytes: 6 }), '日本')).toBe('日本');
    expect(roundTrip(string({ maxBytes: 8 }), '😀😀')).toBe('😀😀');
    expect(roundTrip(string({ maxBytes: 9 }), 'a😀😀')).toBe('a😀😀');
  });

  it('refuses a value one byte over maxBytes with ValueTooLargeError, without writing', () => {
    tooLarge(string({ maxBytes: 8 }), 'abcdefghi', 9, 8);
    tooLarge(string({ maxBytes: 8 }), '😀😀a', 9, 8);
    tooLarge(string({ maxBytes: 7 }), '😀😀', 8, 7);
    tooLarge(string({ maxBytes: 5 }), '日本', 6, 5);
    tooLarge(string({ maxBytes: 4 }), 'x'.repeat(1000), 1000, 4);
  });

  it('decodes a short value written over a longer one', () => {
    const c = string({ maxBytes: 32 });
    const { slot } = sharedSlot(c.slotBytes);
    c.encode('a much longer value', slot);
    c.encode('short', slot);
    expect(c.decode(slot)).toBe('short');
  });

  it('refuses non-strings without writing', () => {
    const c = string();
    refuses(c, 42, EncodeError, 'string codec: cannot encode 42 (not a string)');
    refuses(c, null, EncodeError, 'string codec: cannot encode null (not a string)');
    refuses(c, undefined, EncodeError, 'string codec: cannot encode undefined (not a string)');
    refuses(c, Symbol('s'), EncodeError, 'string codec: cannot encode Symbol(s) (not a string)');
    refuses(c, ['a'], EncodeError, 'string codec: cannot encode ["a"] (not a string)');
  });

  it('cuts a long value in an error message to 80 characters', () => {
    const shown = `["${'x'.repeat(75)}...`;
    const e = refuses(string(), ['x'.repeat(500)], EncodeError, `string codec: cannot encode ${shown} (not a string)`);
    expect(e.message.length).toBeLessThan(140);
  });

  it('throws DecodeError for a length prefix beyond maxBytes', () => {
    const c = string({ maxBytes: 8 });
    const { slot } = sharedSlot(c.slotBytes);
    slot.fill(0xff, 0, 4);
    expect(() => c.decode(slot)).toThrow(DecodeError);
    expect(() => c.decode(slot)).toThrow(
      'string codec: cannot decode the slot (length prefix 4294967295 is more than maxBytes 8: ' +
        'corrupted memory or a different codec on the other side)',
    );
  });
});

// --- bad options ------------------------------------------------------------------------------------------------

describe('codec options', () => {
  const factories = { string, bytes, json, structured } as const;

  it.each(Object.keys(factories))('%s refuses a bad maxBytes, naming the option and the value', (name) => {
    const make = factories[name as keyof typeof factories] as (o?: unknown) => unknown;
    const msg = (v: string) => `${name}: maxBytes must be an integer in [1, 67108864], got ${v}`;
    badOption(() => make({ maxBytes: 0 }), msg('0'));
    badOption(() => make({ maxBytes: -1 }), msg('-1'));
    badOption(() => make({ maxBytes: NaN }), msg('NaN'));
    badOption(() => make({ maxBytes: 1.5 }), msg('1.5'));
    badOption(() => make({ maxBytes: Infinity }), msg('Infinity'));
    badOption(() => make({ maxBytes: MAX_BYTES_LIMIT + 1 }), msg('67108865'));
    badOption(() => make({ maxBytes: '10' }), msg('"10"'));
    badOption(() => make({ maxBytes: null }), msg('null'));
    badOption(() => make(null), `${name}: options must be an object, got null`);
    badOption(() => make(10), `${name}: options must be an object, got 10`);
    badOption(() => make({ maxbytes: 10 }), `${name}: unknown option "maxbytes" (known: "maxBytes")`);
  });

  it('accepts maxBytes from 1 to 64 MiB', () => {
    expect(string({ maxBytes: 1 }).slotBytes).toBe(5);
    expect(bytes({ maxBytes: MAX_BYTES_LIMIT }).slotBytes).toBe(MAX_BYTES_LIMIT + 4);
  });
});

// --- bytes ------------------------------------------------------------------------------------------------------

describe('bytes', () => {
  it('round-trips empty, short and maxBytes-long arrays, and a Buffer', () => {
    const c = bytes({ maxBytes: 256 });
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const v of [new Uint8Array(0), Uint8Array.of(1, 2, 3), all, all.subarray(10, 20)]) {
      expect(roundTrip(c, v)).toEqual(new Uint8Array(v));
    }
    expect(roundTrip(c, Buffer.from('hi'))).toEqual(Uint8Array.of(0x68, 0x69));
  });

  it('decodes a fresh copy of its own, never a view of shared memory', () => {
    const c = bytes({ maxBytes: 8 });
    const { slot } = sharedSlot(c.slotBytes);
    c.encode(Uint8Array.of(1, 2, 3), slot);
    const a = c.decode(slot);
    const b = c.decode(slot);
    expect(a).not.toBe(b);
    expect(a.buffer).toBeInstanceOf(ArrayBuffer);
    expect(a.buffer.byteLength).toBe(3);
    expect(Object.getPrototypeOf(a)).toBe(Uint8Array.prototype);
    slot.fill(9);
    expect([...a]).toEqual([1, 2, 3]);
  });

  it('encodes a view of the slot itself (overlapping copy)', () => {
    const c = bytes({ maxBytes: 8 });
    const { slot } = sharedSlot(c.slotBytes);
    slot.set([10, 20, 30, 40, 50, 60, 70, 80], 4);
    c.encode(slot.subarray(2, 8), slot);
    expect([...c.decode(slot)]).toEqual([...slot.subarray(4, 10)]);
  });

  it('refuses anything but a Uint8Array, and a value over maxBytes, without writing', () => {
    const c = bytes({ maxBytes: 4 });
    refuses(c, [1, 2, 3], EncodeError, 'bytes codec: cannot encode [1,2,3] (not a Uint8Array)');
    refuses(c, 'abc', EncodeError, 'bytes codec: cannot encode "abc" (not a Uint8Array)');
    refuses(c, Uint16Array.of(1), EncodeError, 'bytes codec: cannot encode {"0":1} (not a Uint8Array)');
    refuses(c, new ArrayBuffer(2), EncodeError, 'bytes codec: cannot encode {} (not a Uint8Array)');
    tooLarge(c, new Uint8Array(5), 5, 4);
  });
});

// --- json -------------------------------------------------------------------------------------------------------

describe('json', () => {
  it('has a slot of 4 + maxBytes bytes, maxBytes 1024 by default', () => {
    expect(json().slotBytes).toBe(1028);
  });

  it('round-trips nested objects and arrays, null, numbers, booleans and unicode strings', () => {
    const c = json({ maxBytes: 512 });
    const nested = { a: [1, 2, { b: null, c: [true, false], d: 'héllo 😀' }], e: { f: { g: { h: -0.5 } } } };
    for (const v of [nested, [], {}, null, 0, -1e300, 'text', true, [[[[]]]]]) expect(roundTrip(c, v)).toEqual(v);
  });

  it('carries -0 as 0 (JSON has one zero), and shared references as copies', () => {
    const c = json();
    expect(Object.is(roundTrip(c, -0), 0)).toBe(true);
    const shared = { x: 1 };
    const back = roundTrip(c, [shared, shared]) as unknown[];
    expect(back).toEqual([{ x: 1 }, { x: 1 }]);
    expect(back[0]).not.toBe(back[1]);
  });

  it('refuses what JSON would not give back as sent, naming where it is, without writing', () => {
    const c = json();
    const why = 'JSON cannot carry it (use codec.structured)';
    refuses(c, { at: new Date(0) }, EncodeError, `json codec: cannot encode {"at":"1970-01-01T00:00:00.000Z"} (.at is a Date: ${why})`);
    refuses(c, [1, NaN], EncodeError, `json codec: cannot encode [1,null] ([1] is NaN: ${why})`);
    refuses(c, Infinity, EncodeError, `json codec: cannot encode Infinity (the value is Infinity: ${why})`);
    refuses(c, { a: [undefined] }, EncodeError, `json codec: cannot encode {"a":[null]} (.a[0] is undefined: ${why})`);
    refuses(c, { a: undefined, b: 1 }, EncodeError, `json codec: cannot encode {"b":1} (.a is undefined: ${why})`);
    refuses(c, { f: () => 1 }, EncodeError, `json codec: cannot encode {} (.f is a function (f): ${why})`);
    refuses(c, { 'a b': Symbol('s') }, EncodeError, `json codec: cannot encode {} (["a b"] is a symbol (Symbol(s)): ${why})`);
    refuses(c, new Map([[1, 2]]), EncodeError, `json codec: cannot encode {} (the value is a Map: ${why})`);
    refuses(c, { s: new Set() }, EncodeError, `json codec: cannot encode {"s":{}} (.s is a Set: ${why})`);
    refuses(c, { u: Uint8Array.of(1) }, EncodeError, `json codec: cannot encode {"u":{"0":1}} (.u is a Uint8Array: ${why})`);
    refuses(c, [new Number(1)], EncodeError, `json codec: cannot encode [1] ([0] is a Number: ${why})`);
    class Point {
      constructor(readonly x: number) {}
    }
    refuses(c, { p: new Point(1) }, EncodeError, `json codec: cannot encode {"p":{"x":1}} (.p is a Point: ${why})`);
    refuses(c, { ch: sharedChan(int32) }, EncodeError, `json codec: cannot encode {"ch":{}} (.ch is a shared object (SharedChan): ${why})`);
    refuses(c, { ch: chan() }, EncodeError, `json codec: cannot encode {"ch":{}} (.ch is a LocalChan: ${why})`);
  });

  it('refuses undefined, functions, symbols, bigints and cycles with EncodeError, without writing', () => {
    const c = json();
    refuses(c, undefined, EncodeError, 'json codec: cannot encode undefined (JSON.stringify gives no text for it)');
    refuses(
      c,
      function f() {},
      EncodeError,
      'json codec: cannot encode function f (JSON.stringify gives no text for it)',
    );
    refuses(c, Symbol('s'), EncodeError, 'json codec: cannot encode Symbol(s) (JSON.stringify gives no text for it)');
    const big = refuses(
      c,
      { n: 1n },
      EncodeError,
      'json codec: cannot encode [object Object] (Do not know how to serialize a BigInt)',
    );
    expect(big.cause).toBeInstanceOf(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    refuses(c, cycle, EncodeError, 'json codec: cannot encode [object Object] (Converting circular structure to JSON)');
    // A toJSON method is a function: JSON.stringify would call it, so the value is refused before.
    const custom = { toJSON: () => 'x' };
    refuses(c, custom, EncodeError, 'json codec: cannot encode "x" (.toJSON is a function (toJSON): JSON cannot carry it (use codec.structured))');
  });

  it('accepts text of exactly maxBytes bytes and refuses one more, without writing', () => {
    // '"😀é"' is 1 + 4 + 2 + 1 = 8 bytes of JSON text.
    expect(roundTrip(json({ maxBytes: 8 }), '😀é')).toBe('😀é');
    tooLarge(json({ maxBytes: 7 }), '😀é', 8, 7);
    tooLarge(json({ maxBytes: 10 }), { key: 'value' }, 15, 10);
  });

  it('throws DecodeError for a slot that is not JSON (a different codec wrote it)', () => {
    const c = json({ maxBytes: 16 });
    const { slot } = sharedSlot(c.slotBytes);
    string({ maxBytes: 16 }).encode('not json', slot);
    let caught: unknown;
    try {
      c.decode(slot);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DecodeError);
    expect((caught as DecodeError).code).toBe('ERR_CODEC_DECODE');
    expect((caught as Error).message).toMatch(/^json codec: cannot decode the slot \(Unexpected token/);
    expect((caught as Error).cause).toBeInstanceOf(SyntaxError);
  });
});

// --- structured -------------------------------------------------------------------------------------------------

describe('structured', () => {
  it('round-trips Maps, Sets, Dates, RegExps, bigints, undefined, NaN, -0 and cycles', () => {
    const c = structured({ maxBytes: 2048 });
    const map = new Map<unknown, unknown>([
      ['when', new Date(86_400_000)],
      [1, new Set([1, 'two', 3n])],
    ]);
    expect(roundTrip(c, map)).toEqual(map);
    expect(roundTrip(c, /a+b/giu)).toEqual(/a+b/giu);
    for (const v of [undefined, null, 2n ** 100n, 'ok', true]) expect(roundTrip(c, v)).toBe(v);
    expect(roundTrip(c, NaN)).toBeNaN();
    expect(Object.is(roundTrip(c, -0), -0)).toBe(true);
    const cyc: { name: string; self?: unknown } = { name: 'loop' };
    cyc.self = cyc;
    const back = roundTrip(c, cyc) as typeof cyc;
    expect(back.self).toBe(back);
  });

  it('round-trips typed arrays, which are not views of shared memory after decode', () => {
    const c = structured({ maxBytes: 512 });
    const { slot } = sharedSlot(c.slotBytes);
    c.encode({ u8: Uint8Array.of(1, 2, 3), f64: Float64Array.of(0.5, -0), ab: new ArrayBuffer(2) }, slot);
    const v = c.decode(slot) as { u8: Uint8Array; f64: Float64Array; ab: ArrayBuffer };
    slot.fill(0xee);
    expect([...v.u8]).toEqual([1, 2, 3]);
    expect([...v.f64]).toEqual([0.5, -0]);
    expect(v.u8.buffer).toBeInstanceOf(ArrayBuffer);
    expect(v.f64.buffer).toBeInstanceOf(ArrayBuffer);
    expect(v.ab).toBeInstanceOf(ArrayBuffer);
  });

  it('keeps an Error’s class, message and stack', () => {
    // A stack holds file paths, as long as the checkout's: a slot far larger than any keeps this test independent
    // of where it runs (through a shared channel, a value of any length goes: out-of-line.spec.ts).
    const c = structured({ maxBytes: 1 << 20 });
    const err = roundTrip(c, new RangeError('boom')) as Error;
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toBe('boom');
    expect(err.stack).toContain('boom');
  });

  it('refuses what it would not give back as sent, naming where it is, without writing', () => {
    const c = structured();
    const cross = 'it cannot cross threads';
    const lost = 'its class would be lost (send plain data, or a shared object)';
    refuses(c, { cb: () => 1 }, EncodeError, `structured codec: cannot encode {} (.cb is a function (cb): ${cross})`);
    refuses(c, Symbol('s'), EncodeError, `structured codec: cannot encode Symbol(s) (the value is a symbol (Symbol(s)): ${cross})`);
    refuses(c, new Map([[1, [Symbol('s')]]]), EncodeError, `structured codec: cannot encode {} ([map value][0] is a symbol (Symbol(s)): ${cross})`);
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    refuses(c, [new Point(3, 4)], EncodeError, `structured codec: cannot encode [{"x":3,"y":4}] ([0] is a Point: ${lost})`);
    class Stamp extends Date {}
    refuses(c, { at: new Stamp(0) }, EncodeError, `structured codec: cannot encode {"at":"1970-01-01T00:00:00.000Z"} (.at is a Stamp: ${lost})`);
    refuses(c, { p: Promise.resolve(1) }, EncodeError, `structured codec: cannot encode {"p":{}} (.p is a Promise: ${lost})`);
    refuses(c, { m: new WeakMap() }, EncodeError, `structured codec: cannot encode {"m":{}} (.m is a WeakMap: ${lost})`);
    refuses(c, new Set([chan()]), EncodeError, 'structured codec: cannot encode {} ([set item] is a local channel: send a shared channel (sharedChan) to another thread)');
    refuses(c, { '\u0000gocsp.ref': 1 }, EncodeError, 'structured codec: cannot encode {"\\u0000gocsp.ref":1} (the value is an object with the reserved key "\\u0000gocsp.ref": it cannot be sent)');
  });

  it('refuses shared memory, which only a shared channel carries, without writing', () => {
    const c = structured();
    const only = 'it holds shared memory, which only a shared channel carries';
    refuses(c, [new SharedArrayBuffer(4)], EncodeError, `structured codec: cannot encode [{}] (${only})`);
    refuses(c, { v: new Int32Array(new SharedArrayBuffer(8)) }, EncodeError, `structured codec: cannot encode {"v":{"0":0,"1":0}} (${only})`);
    refuses(c, { ch: sharedChan(int32) }, EncodeError, `structured codec: cannot encode {"ch":{}} (${only})`);
  });

  it('accepts a serialization of exactly maxBytes bytes and refuses one more, without writing', () => {
    const v = { list: [1, 2, 3], name: 'x' };
    const n = serialize(v).length;
    expect(roundTrip(structured({ maxBytes: n }), v)).toEqual(v);
    tooLarge(structured({ maxBytes: n - 1 }), v, n, n - 1);
  });

  it('throws DecodeError for bytes that do not deserialize', () => {
    const c = structured({ maxBytes: 16 });
    const { slot } = sharedSlot(c.slotBytes);
    bytes({ maxBytes: 16 }).encode(Uint8Array.of(0xff, 0x0f, 0x99, 0x99), slot);
    expect(() => c.decode(slot)).toThrow(DecodeError);
    expect(() => c.decode(slot)).toThrow(/^structured codec: cannot decode the slot \(/);
  });
});

// --- record -----------------------------------------------------------------------------------------------------

describe('record', () => {
  const all = record({
    fields: {
      i8: 'int8',
      u8: 'uint8',
      i16: 'int16',
      u16: 'uint16',
      i32: 'int32',
      u32: 'uint32',
      f32: 'float32',
      f64: 'float64',
      i64: 'bigint64',
      u64: 'biguint64',
      ok: 'bool',
      name: { string: 8 },
    },
  });
  const lows = {
    i8: -128,
    u8: 0,
    i16: -32768,
    u16: 0,
    i32: -2147483648,
    u32: 0,
    f32: -3.4028234663852886e38,
    f64: -Number.MAX_VALUE,
    i64: -(2n ** 63n),
    u64: 0n,
    ok: false,
    name: '',
  };
  const highs = {
    i8: 127,
    u8: 255,
    i16: 32767,
    u16: 65535,
    i32: 2147483647,
    u32: 4294967295,
    f32: 3.4028234663852886e38,
    f64: Number.MAX_VALUE,
    i64: 2n ** 63n - 1n,
    u64: 2n ** 64n - 1n,
    ok: true,
    name: '😀😀',
  };

  it('types the value from the fields', () => {
    expectTypeOf(all).toEqualTypeOf<
      Codec<{
        i8: number;
        u8: number;
        i16: number;
        u16: number;
        i32: number;
        u32: number;
        f32: number;
        f64: number;
        i64: bigint;
        u64: bigint;
        ok: boolean;
        name: string;
      }>
    >();
    expectTypeOf<RecordValue<{ a: 'bool'; b: { string: 3 }; c: 'biguint64' }>>().toEqualTypeOf<{
      a: boolean;
      b: string;
      c: bigint;
    }>();
  });

  it('packs the fields in order with no padding', () => {
    expect(all.slotBytes).toBe(1 + 1 + 2 + 2 + 4 + 4 + 4 + 8 + 8 + 8 + 1 + (4 + 8));
    const doc = record({ fields: { id: 'uint32', ok: 'bool', name: { string: 8 } } });
    expect(doc.slotBytes).toBe(17);
    const { slot } = sharedSlot(17);
    doc.encode({ id: 0x01020304, ok: true, name: 'hé' }, slot);
    expect([...slot.subarray(0, 12)]).toEqual([4, 3, 2, 1, 1, 3, 0, 0, 0, 0x68, 0xc3, 0xa9]);
  });

  it('round-trips the extremes of every field type into a plain object in layout order', () => {
    for (const v of [lows, highs]) {
      const back = roundTrip(all, v);
      expect(back).toEqual(v);
      expect(Object.keys(back)).toEqual(Object.keys(v));
      expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    }
    expect(Object.is(roundTrip(all, { ...lows, f64: -0 }).f64, -0)).toBe(true);
  });

  it('rounds float32 to the nearest float32', () => {
    const c = record({ fields: { x: 'float32' } });
    expect(roundTrip(c, { x: 0.1 }).x).toBe(Math.fround(0.1));
    expect(roundTrip(c, { x: 1e39 }).x).toBe(Infinity);
    expect(roundTrip(c, { x: NaN }).x).toBeNaN();
  });

  it('refuses a field outside its type, naming it, and writes none of the others', () => {
    const bad = (field: string, v: unknown, shown: string, reason: string) => {
      const message = `record codec: cannot encode field "${field}" = ${shown} (${reason})`;
      refuses(all, { ...highs, [field]: v }, EncodeError, message);
    };
    bad('i8', 128, '128', 'not an integer in [-128, 127]');
    bad('u8', -1, '-1', 'not an integer in [0, 255]');
    bad('i16', 32768, '32768', 'not an integer in [-32768, 32767]');
    bad('u16', 65536, '65536', 'not an integer in [0, 65535]');
    bad('i32', 0.5, '0.5', 'not an integer in [-2147483648, 2147483647]');
    bad('u32', -1, '-1', 'not an integer in [0, 4294967295]');
    bad('f32', '1', '"1"', 'not a number');
    bad('f64', 1n, '1n', 'not a number');
    bad('i64', 2n ** 63n, '9223372036854775808n', 'not a bigint in [-9223372036854775808n, 9223372036854775807n]');
    bad('u64', -1n, '-1n', 'not a bigint in [0n, 18446744073709551615n]');
    bad('u64', 1, '1', 'not a bigint in [0n, 18446744073709551615n]');
    bad('ok', 1, '1', 'not a boolean');
    bad('name', 42, '42', 'not a string');
  });

  it('refuses a string field over its maxBytes with ValueTooLargeError, without writing', () => {
    tooLarge(all, { ...lows, name: '😀😀a' }, 9, 8, 'field "name"');
  });

  it('refuses a non-object, a missing field and an unexpected field, without writing', () => {
    const c = record({ fields: { x: 'int32', y: 'int32' } });
    refuses(c, 5, EncodeError, 'record codec: cannot encode 5 (not an object)');
    refuses(c, null, EncodeError, 'record codec: cannot encode null (not an object)');
    refuses(c, [1, 2], EncodeError, 'record codec: cannot encode [1,2] (not an object)');
    refuses(c, { x: 1 }, EncodeError, 'record codec: cannot encode {"x":1} (missing field "y")');
    refuses(
      c,
      { x: 1, y: 2, z: 3 },
      EncodeError,
      'record codec: cannot encode {"x":1,"y":2,"z":3} (unexpected field "z")',
    );
    const inherited = Object.assign(Object.create({ y: 2 }) as object, { x: 1 });
    refuses(c, inherited, EncodeError, 'record codec: cannot encode {"x":1} (missing field "y")');
  });

  it('reads each field once, so a getter cannot slip a bad value past the check', () => {
    const c = record({ fields: { x: 'uint8' } });
    let reads = 0;
    const tricky = {
      get x() {
        reads++;
        return reads === 1 ? 7 : 1000;
      },
    };
    expect(roundTrip(c, tricky as { x: number })).toEqual({ x: 7 });
    expect(reads).toBe(1);
  });

  it('refuses bad fields when built, naming the option and the value', () => {
    const types =
      "'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'bigint64', 'biguint64', " +
      "'bool' or { string: maxBytes }";
    const maxBytes = (v: string) => `record: fields.a.string must be an integer in [1, 67108864], got ${v}`;
    const make = record as (o?: unknown) => unknown;
    badOption(() => make({ fields: {} }), 'record: fields must have at least one field, got {}');
    badOption(() => make(), 'record: fields must be an object of field name -> type, got undefined');
    badOption(() => make({ fields: [] }), 'record: fields must be an object of field name -> type, got []');
    badOption(() => make({ fields: { a: 'int64' } }), `record: fields.a must be ${types}, got "int64"`);
    badOption(() => make({ fields: { a: 'string' } }), `record: fields.a must be ${types}, got "string"`);
    badOption(
      () => make({ fields: { a: { string: 4, b: 1 } } }),
      `record: fields.a must be ${types}, got {"string":4,"b":1}`,
    );
    badOption(() => make({ fields: { a: { string: 0 } } }), maxBytes('0'));
    badOption(() => make({ fields: { a: { string: undefined } } }), maxBytes('undefined'));
    badOption(() => make({ fields: { a: { string: 1.5 } } }), maxBytes('1.5'));
    const proto: unknown = JSON.parse('{"__proto__":"int8"}'); // an own property named __proto__
    badOption(() => make({ fields: proto }), 'record: a field cannot be named "__proto__"');
    badOption(() => make({ fields: { a: 'int8' }, extra: 1 }), 'record: unknown option "extra" (known: "fields")');
    badOption(
      () => make({ fields: { a: { string: MAX_BYTES_LIMIT }, b: 'int8' } }),
      `record: fields take ${MAX_BYTES_LIMIT + 5} bytes, more than the limit of ${MAX_BYTES_LIMIT}`,
    );
  });
});

// --- slot checks ------------------------------------------------------------------------------------------------

describe('slot size', () => {
  it('must be exactly slotBytes, for encode and decode alike', () => {
    const wrong = new Uint8Array(new SharedArrayBuffer(16), 1, 8);
    expect(() => int32.encode(1, wrong)).toThrow(new InvalidArgumentError('int32 codec: slot must be 4 bytes, got 8'));
    expect(() => int32.decode(wrong)).toThrow('int32 codec: slot must be 4 bytes, got 8');
    expect(() => string({ maxBytes: 8 }).encode('a', wrong)).toThrow('string codec: slot must be 12 bytes, got 8');
    expect(() => bool.decode(wrong)).toThrow(InvalidArgumentError);
  });
});

// --- wire -------------------------------------------------------------------------------------------------------

/** Every codec with a value to send through it. */
const EVERY: readonly (readonly [Codec<unknown>, unknown])[] = [
  [int32 as Codec<unknown>, -123456],
  [uint32 as Codec<unknown>, 4000000000],
  [float64 as Codec<unknown>, -0.25],
  [bigint64 as Codec<unknown>, -(2n ** 62n)],
  [bool as Codec<unknown>, true],
  [string({ maxBytes: 40 }) as Codec<unknown>, 'wire ✓ 😀'],
  [bytes({ maxBytes: 12 }) as Codec<unknown>, Uint8Array.of(0, 255, 7)],
  [json({ maxBytes: 100 }), { a: [1, { b: 'c' }] }],
  [structured({ maxBytes: 200 }), new Map([['d', new Date(5)]])],
  [
    record({ fields: { n: 'int16', s: { string: 6 }, big: 'biguint64' } }) as Codec<unknown>,
    { n: -5, s: 'ok', big: 9n },
  ],
];

async function postThrough<T>(data: T): Promise<T> {
  const { port1, port2 }: { port1: MessagePort; port2: MessagePort } = new MessageChannel();
  try {
    const got = new Promise<T>((resolve) => port2.once('message', resolve));
    port1.postMessage(data);
    return await got;
  } finally {
    port1.close();
    port2.close();
  }
}

describe('codecFromWire', () => {
  it.each(EVERY.map(([c, v]) => [c.kind, c, v] as const))(
    'rebuilds %s with the same layout: each side decodes what the other encoded',
    (_kind, codec, value) => {
      const rebuilt = codecFromWire(structuredClone(codec.wire));
      expect(rebuilt.kind).toBe(codec.kind);
      expect(rebuilt.slotBytes).toBe(codec.slotBytes);
      expect(rebuilt.wire).toEqual(codec.wire);
      const { slot } = sharedSlot(codec.slotBytes);
      codec.encode(value, slot);
      expect(rebuilt.decode(slot)).toEqual(value);
      const { slot: other } = sharedSlot(codec.slotBytes);
      rebuilt.encode(value, other);
      expect([...other]).toEqual([...slot]);
    },
  );

  it('rebuilds every codec from a wire posted through a MessageChannel, beside the shared slot', async () => {
    for (const [codec, value] of EVERY) {
      const { sab, slot } = sharedSlot(codec.slotBytes);
      codec.encode(value, slot);
      const msg = await postThrough({ wire: codec.wire, sab });
      expect(msg.sab).toBeInstanceOf(SharedArrayBuffer);
      const rebuilt = codecFromWire(msg.wire);
      const theirSlot = new Uint8Array(msg.sab, GUARD, rebuilt.slotBytes);
      expect(rebuilt.decode(theirSlot)).toEqual(value);
      // and back: the other side writes, this side reads
      rebuilt.encode(value, theirSlot);
      expect(codec.decode(slot)).toEqual(value);
    }
  });

  it('keeps the field order of a record across the wire, index-like names included', async () => {
    const c = record({ fields: { z: 'uint8', '1': 'uint8', a: { string: 3 }, '0': 'int8' } });
    const rebuilt = codecFromWire(await postThrough(c.wire));
    const { slot } = sharedSlot(c.slotBytes);
    c.encode({ z: 1, '1': 2, a: 'x', '0': -3 }, slot);
    const back = rebuilt.decode(slot) as Record<string, unknown>;
    expect(back).toEqual({ z: 1, '1': 2, a: 'x', '0': -3 });
    expect(Object.keys(back)).toEqual(Object.keys(c.decode(slot)));
  });

  it('returns the scalar singletons themselves', () => {
    for (const c of [int32, uint32, float64, bigint64, bool] as Codec<unknown>[]) {
      expect(codecFromWire(structuredClone(c.wire))).toBe(c);
    }
  });

  it('refuses an unknown kind, a wire that is not one, and bad options in a wire', () => {
    badOption(() => codecFromWire({ kind: 'float16' }), 'codecFromWire: unknown codec kind "float16"');
    badOption(
      () => codecFromWire(null as unknown as CodecWire),
      'codecFromWire: wire must be an object with a string kind, got null',
    );
    badOption(
      () => codecFromWire({ type: 'int32' } as unknown as CodecWire),
      'codecFromWire: wire must be an object with a string kind, got {"type":"int32"}',
    );
    badOption(
      () => codecFromWire({ kind: 'string' }),
      'codecFromWire: a string wire must have maxBytes, got {"kind":"string"}',
    );
    badOption(
      () => codecFromWire({ kind: 'bytes', maxBytes: -4 }),
      'bytes: maxBytes must be an integer in [1, 67108864], got -4',
    );
    badOption(
      () => codecFromWire({ kind: 'record', fields: { a: 'char' } }),
      "record: fields.a must be 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', " +
        "'bigint64', 'biguint64', 'bool' or { string: maxBytes }, got \"char\"",
    );
  });

  it('has wires that are frozen plain data', () => {
    for (const [c] of EVERY) {
      expect(Object.isFrozen(c.wire)).toBe(true);
      expect(structuredClone(c.wire)).toEqual(c.wire);
    }
  });
});

// --- errors -----------------------------------------------------------------------------------------------------

describe('codec errors', () => {
  it('are panics with stable codes, recognised by their guards after crossing a thread', async () => {
    const errors = [
      new EncodeError('int32', '1.5', 'not an integer'),
      new ValueTooLargeError('string', 9, 8),
      new DecodeError('json', 'bad'),
    ];
    expect(errors.map((e) => [e.name, e.code])).toEqual([
      ['EncodeError', 'ERR_CODEC_ENCODE'],
      ['ValueTooLargeError', 'ERR_VALUE_TOO_LARGE'],
      ['DecodeError', 'ERR_CODEC_DECODE'],
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(PanicError);
      expect(isPanicError(e)).toBe(true);
    }
    // As the runtime ships an error to another thread: { name, code, message, stack }.
    const [enc, big, dec] = await postThrough(errors.map((e) => ({ name: e.name, code: e.code, message: e.message })));
    expect([isEncodeError(enc), isValueTooLargeError(enc), isDecodeError(enc)]).toEqual([true, false, false]);
    expect([isEncodeError(big), isValueTooLargeError(big), isDecodeError(big)]).toEqual([false, true, false]);
    expect([isEncodeError(dec), isValueTooLargeError(dec), isDecodeError(dec)]).toEqual([false, false, true]);
    expect(isInvalidArgumentError(enc)).toBe(false);
  });
});

/**
 * Property tests over what comes from shared memory or the wire: random and mutated bytes into every codec's decode
 * (runtime/shared/codecs/*), random wires and buffers into codecFromWire and fromWire, and random operations on the
 * channels fromWire accepts. Each gives a value or a named error (a PanicError: DecodeError, InvalidArgumentError,
 * SharedMemoryError, ...), never a hang, a crash or a TypeError/RangeError.
 *
 * Seeded (spec/prng.ts): a failure names its seed and case, and replays exactly. `npm run stress` (GOCSP_STRESS=N)
 * runs N times as many cases (spec/stress.ts).
 */
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  isPanicError,
  PanicError,
  SharedMutex,
  SharedOnce,
  SharedSemaphore,
  SharedWaitGroup,
  type Codec,
  type CodecWire,
  codec,
  sharedChan,
  type SharedChan,
  fromWire,
  toWire,
  type Wire,
} from '../../../runtime/index.js';
import { codecFromWire } from '../../../runtime/shared/codecs/from-wire.js';
import { geometry, HEAD, OFFERS, TAIL } from '../../../runtime/shared/channels/layout.js';
import { slotStride } from '../../../runtime/shared/channels/ring.js';
import { registry } from '../../../runtime/shared/memory/registry.js';
import { rng } from '../../prng.js';
import { STRESS } from '../../stress.js';

type Rand = () => number;

const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pickOf = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

/** INTERESTING are int32 words that sit on the edges the code tests (signs, the ring's bits, byte sizes). */
const INTERESTING = [0, 1, -1, 2, 3, 4, 7, 8, 15, 16, 255, 256, 65535, 1 << 29, (1 << 29) - 1, 1 << 30, (1 << 30) + 1, 0x7fffffff, -0x80000000];
const word = (r: Rand): number => (r() < 0.5 ? pickOf(r, INTERESTING) : (r() * 2 ** 32) | 0);

function randomBytes(r: Rand, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = int(r, 256);
  return b;
}

/** randomValue makes a small structured-clonable value (what a peer could have sent). */
function randomValue(r: Rand, depth = 0): unknown {
  const leaf = depth > 3 || r() < 0.4;
  if (leaf) {
    return pickOf(r, [
      () => int(r, 1000) - 500,
      () => r() * 1e6,
      () => String.fromCharCode(...Array.from({ length: int(r, 8) }, () => int(r, 0x3000))),
      () => null,
      () => undefined,
      () => r() < 0.5,
      () => BigInt(int(r, 1e9)),
      () => new Date(int(r, 1e12)),
      () => new Uint8Array(randomBytes(r, int(r, 6))),
      () => Number.NaN,
    ])();
  }
  const n = int(r, 4);
  return pickOf(r, [
    () => Array.from({ length: n }, () => randomValue(r, depth + 1)),
    () => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, randomValue(r, depth + 1)])),
    () => new Map(Array.from({ length: n }, (_, i) => [i, randomValue(r, depth + 1)])),
    () => new Set(Array.from({ length: n }, () => randomValue(r, depth + 1))),
  ])();
}

/** mutate flips, inserts, deletes and truncates bytes of `b` (a valid encoding made slightly wrong). */
function mutate(r: Rand, b: Uint8Array): Uint8Array {
  const out = [...b];
  for (let k = 1 + int(r, 4); k > 0; k--) {
    const at = int(r, out.length + 1);
    const op = int(r, 4);
    if (op === 0 && out.length > 0) out[Math.min(at, out.length - 1)] = int(r, 256);
    else if (op === 1) out.splice(at, 0, int(r, 256));
    else if (op === 2) out.splice(at, 1);
    else out.length = Math.min(out.length, at);
  }
  return Uint8Array.from(out);
}

/** jsonText is JSON's text of `v`, or "null" where JSON has none (undefined) or refuses (a bigint). */
function jsonText(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return 'null';
  }
}

/** expectNamed fails unless `e` is a runtime panic (a named error with a code), naming the case. */
function expectNamed(e: unknown, where: string): void {
  if (!(e instanceof PanicError) || !isPanicError(e)) {
    expect.fail(`${where}: not a named error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

/**
 * outcome runs `f`; it passes if `f` returns, or throws a named error whose class passes `ok`. It returns the code
 * of the error, or '' if `f` returned.
 */
function outcome(f: () => unknown, where: string, ok: (e: PanicError) => boolean = () => true): string {
  try {
    f();
    return '';
  } catch (e) {
    expectNamed(e, where);
    if (!ok(e as PanicError)) expect.fail(`${where}: unexpected ${(e as Error).name}: ${(e as Error).message}`);
    return (e as PanicError).code;
  }
}

const isDecodeError = (e: PanicError): boolean => e.code === 'ERR_CODEC_DECODE';

/** CODECS are the codecs whose decoders are fuzzed, with the maxBytes of their length prefix (0: none). */
const CODECS: [name: string, c: Codec<unknown>, maxBytes: number][] = [
  ['int32', codec.int32, 0],
  ['uint32', codec.uint32, 0],
  ['float64', codec.float64, 0],
  ['bigint64', codec.bigint64, 0],
  ['bool', codec.bool, 0],
  ['string(8)', codec.string({ maxBytes: 8 }), 8],
  ['string(300)', codec.string({ maxBytes: 300 }), 300],
  ['bytes(16)', codec.bytes({ maxBytes: 16 }) as Codec<unknown>, 16],
  ['json(64)', codec.json({ maxBytes: 64 }), 64],
  ['json(1024)', codec.json({ maxBytes: 1024 }), 1024],
  ['structured(64)', codec.structured({ maxBytes: 64 }), 64],
  ['structured(1024)', codec.structured({ maxBytes: 1024 }), 1024],
  [
    'record',
    codec.record({
      fields: { a: 'int8', b: 'uint16', c: 'float32', d: 'bigint64', e: 'biguint64', f: 'bool', s: { string: 5 }, t: 'int32' },
    }) as Codec<unknown>,
    0,
  ],
];

/** slotFor makes a slot for codec `c`: random bytes, a plausible length prefix, or a mutated real encoding. */
function slotFor(r: Rand, name: string, c: Codec<unknown>, maxBytes: number): Uint8Array {
  const slot = randomBytes(r, c.slotBytes);
  if (maxBytes === 0) return slot;
  const dv = new DataView(slot.buffer);
  const how = int(r, 4);
  if (how === 0) return slot; // any prefix
  if (how === 1) {
    dv.setUint32(0, int(r, maxBytes + 1), true);
    return slot;
  }
  // A real encoding, then mutated: reaches deep into JSON.parse and v8.deserialize.
  let body: Uint8Array;
  if (name.startsWith('json')) body = new TextEncoder().encode(jsonText(randomValue(r)));
  else if (name.startsWith('structured')) body = serialize(randomValue(r));
  else body = randomBytes(r, int(r, maxBytes + 1));
  if (how === 3) body = mutate(r, body);
  body = body.subarray(0, maxBytes);
  slot.set(body, 4);
  dv.setUint32(0, how === 3 && r() < 0.2 ? int(r, maxBytes + 1) : body.length, true);
  return slot;
}

describe('every decoder, fed random and mutated slots', () => {
  const cases = 300 * STRESS;
  it.each(CODECS)(`%s gives a value or a DecodeError (${cases} cases)`, (name, c, maxBytes) => {
    const seed = 0x5eed + name.length;
    const r = rng(seed);
    for (let i = 0; i < cases; i++) {
      const slot = slotFor(r, name, c, maxBytes);
      const where = `${name} seed ${seed} case ${i}`;
      outcome(() => c.decode(slot), where, isDecodeError);
      if (c.decodeAt !== undefined) outcome(() => c.decodeAt!(new DataView(slot.buffer), 0), where, isDecodeError);
    }
    // A slot of the wrong size is the channel's bug, named as such.
    outcome(() => c.decode(new Uint8Array(c.slotBytes + 1)), name, (e) => e.code === 'ERR_INVALID_ARGUMENT');
  });

  it('refuses values nested too deeply to encode, and decodes or refuses deeply nested bytes, with named errors', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const big = 1 << 20;
    outcome(() => codec.json({ maxBytes: big }).encode(deep, new Uint8Array(4 + big)), 'json deep', (e) => e.code === 'ERR_CODEC_ENCODE');
    outcome(() => codec.structured({ maxBytes: big }).encode(deep, new Uint8Array(4 + big)), 'structured deep', (e) => e.code === 'ERR_CODEC_ENCODE');
    // v8's array tags, 100k levels deep: more than the deserializer can recurse through.
    const s = codec.structured({ maxBytes: big });
    const slot = new Uint8Array(4 + big);
    const body = new Uint8Array(2 + 2 * 100_000);
    body.set([0xff, 0x0f]);
    for (let i = 0; i < 100_000; i++) body.set([0x41, 0x01], 2 + 2 * i); // 'A' (dense array), length 1
    slot.set(body, 4);
    new DataView(slot.buffer).setUint32(0, body.length, true);
    outcome(() => s.decode(slot), 'structured deep bytes', isDecodeError);
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    const j = codec.json({ maxBytes: big });
    const js = new Uint8Array(4 + big);
    js.set(new TextEncoder().encode(text), 4);
    new DataView(js.buffer).setUint32(0, text.length, true);
    outcome(() => j.decode(js), 'json deep text', isDecodeError);
    expect(deserialize(serialize([1]))).toEqual([1]);
  });
});

/** randomWire makes a codec wire: usually a real one, sometimes with bad or missing options, sometimes junk. */
function randomCodecWire(r: Rand): unknown {
  const kinds = ['int32', 'uint32', 'float64', 'bigint64', 'bool', 'string', 'bytes', 'json', 'structured', 'record', 'nope', ''];
  const w: Record<string, unknown> = { kind: pickOf(r, kinds) };
  const maxBytes = pickOf(r, [1, 8, 64, 1024, 0, -1, 1.5, Number.NaN, 2 ** 27, '8', undefined, null]);
  if (r() < 0.9) w['maxBytes'] = maxBytes;
  if (w['kind'] === 'record' || r() < 0.1) {
    w['fields'] = pickOf(r, [
      { a: 'int32' },
      { a: 'int32', b: { string: 4 } },
      { a: 'nope' },
      { a: { string: -1 } },
      {},
      [],
      null,
      'fields',
      { __proto__: 'int8' },
    ]);
  }
  if (r() < 0.05) return pickOf(r, [null, undefined, 5, 'int32', [], { kind: 5 }]);
  return w;
}

describe('codecFromWire, fed random wires', () => {
  it(`gives a codec or an InvalidArgumentError (${500 * STRESS} cases)`, () => {
    const seed = 0xc0dec;
    const r = rng(seed);
    for (let i = 0; i < 500 * STRESS; i++) {
      const w = randomCodecWire(r);
      outcome(() => codecFromWire(w as CodecWire), `seed ${seed} case ${i}`, (e) => e.code === 'ERR_INVALID_ARGUMENT');
    }
  });
});

/** CHAN_CODECS make the channels fromWire is fuzzed with, each with a value to send. */
const CHAN_CODECS: [Codec<unknown>, unknown][] = [
  [codec.int32 as Codec<unknown>, 7],
  [codec.float64 as Codec<unknown>, 1.5],
  [codec.string({ maxBytes: 8 }) as Codec<unknown>, 'hi'],
  [codec.json({ maxBytes: 32 }), { a: 1 }],
];

/** scramble overwrites `k` random words of `sab`, the header's words more often than the rest. */
function scramble(r: Rand, sab: SharedArrayBuffer, k: number, header: boolean): void {
  const w = new Int32Array(sab, 0, sab.byteLength >> 2);
  for (let j = 0; j < k; j++) {
    const at = header && r() < 0.5 ? int(r, Math.min(OFFERS + 16, w.length)) : int(r, w.length);
    w[at] = word(r);
  }
}

/** mutateWire makes a wire from a real channel's one: its memory scrambled, or a part of it replaced. */
function mutateWire(r: Rand, w: Wire, cap: number, slotBytes: number): unknown {
  const sab = w['sab'] as SharedArrayBuffer;
  switch (int(r, 8)) {
    case 0:
    case 1:
    case 2: {
      // TAIL, HEAD, the ring's SEQ words, records and offers: the header stays valid, so fromWire binds and the
      // operations run on memory that does not make sense.
      const w32 = new Int32Array(sab);
      const ring = geometry(cap, slotBytes).ringOffset / 4;
      const stride = slotStride(slotBytes) / 4;
      for (let j = 1 + int(r, 4); j > 0; j--) {
        const region = int(r, 3);
        const at =
          region === 0 ? pickOf(r, [TAIL, HEAD]) : region === 1 && cap > 0 ? ring + int(r, cap) * stride : 16 + int(r, w32.length - 16);
        w32[at] = r() < 0.5 ? word(r) : w32[at]! + int(r, 9) - 4; // a near miss as often as junk
      }
      return w;
    }
    case 3:
      scramble(r, sab, 1 + int(r, 4), true); // the header too
      return w;
    case 4: {
      const other = new SharedArrayBuffer(pickOf(r, [0, 3, 16, 64, OFFERS * 4, sab.byteLength - 4, sab.byteLength, sab.byteLength + 4]));
      new Uint8Array(other).set(randomBytes(r, other.byteLength));
      if (other.byteLength >= sab.byteLength && r() < 0.5) new Uint8Array(other).set(new Uint8Array(sab));
      return { ...w, sab: other };
    }
    case 5:
      return { ...w, codec: randomCodecWire(r) };
    case 6:
      return { ...w, registry: pickOf(r, [undefined, null, 5, new SharedArrayBuffer(64), new ArrayBuffer(8)]) };
    default:
      return pickOf(r, [null, undefined, 5, 'x', {}, { __gocspWire: 'gocsp.sharedChan' }, { ...w, sab: undefined }, [w]]);
  }
}

describe('fromWire, fed mutated and random wires', () => {
  it(`gives an object or an InvalidArgumentError, and the channels it gives values or named errors (${400 * STRESS} cases)`, async () => {
    const seed = 0xf00d;
    const r = rng(seed);
    const seen = new Map<string, number>(); // what the cases ran into, to show that they reach every layer
    const count = (code: string): void => void seen.set(code, (seen.get(code) ?? 0) + 1);
    for (let i = 0; i < 400 * STRESS; i++) {
      const where = `seed ${seed} case ${i}`;
      const [c, v] = pickOf(r, CHAN_CODECS);
      const cap = pickOf(r, [0, 1, 2, 3, 5, 8]);
      const w = mutateWire(r, toWire(sharedChan(c, cap)), cap, c.slotBytes);
      let ch: SharedChan<unknown> | undefined;
      count(`fromWire ${outcome(() => (ch = fromWire(w as Wire) as SharedChan<unknown>), where, (e) => e.code === 'ERR_INVALID_ARGUMENT') || 'bound'}`);
      if (ch === undefined) continue;
      const got = ch;
      for (let k = 0; k < 6; k++) {
        const op = int(r, 6);
        count(outcome(() => {
          if (op === 0) got.tryRecv();
          else if (op === 1) got.trySend(v);
          else if (op === 2) expect(got.len()).toBeGreaterThanOrEqual(0);
          else if (op === 3) got.cap();
          else if (op === 4) got.close();
          else scramble(r, toWire(got)['sab'] as SharedArrayBuffer, 1, false);
        }, `${where} op ${k}`));
      }
      // Let what the operations queued run (re-polls woken by them): an error there would be uncaught.
      if (i % 50 === 0) await new Promise((res) => setImmediate(res));
    }
    await new Promise((res) => setImmediate(res));
    for (const what of ['fromWire bound', 'fromWire ERR_INVALID_ARGUMENT', '', 'ERR_SHARED_MEMORY', 'ERR_CLOSE_OF_CLOSED_CHANNEL']) {
      expect(seen.get(what) ?? 0, `${what || 'operations that returned'}: ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
    }
  });

  it(`rebuilds a shared sync object or refuses with an InvalidArgumentError (${200 * STRESS} cases)`, () => {
    const seed = 0x5e7c;
    const r = rng(seed);
    const makers = [() => new SharedMutex(), () => new SharedOnce(), () => new SharedWaitGroup(), () => new SharedSemaphore(3)];
    for (let i = 0; i < 200 * STRESS; i++) {
      const w = toWire(pickOf(r, makers)());
      const sab = w['sab'] as SharedArrayBuffer;
      let bad: unknown = w;
      const how = int(r, 4);
      if (how === 0) bad = { ...w, sab: pickOf(r, [undefined, 5, new SharedArrayBuffer(int(r, 64)), new ArrayBuffer(8)]) };
      else if (how === 1) bad = { ...w, sab: toWire(pickOf(r, makers)())['sab'] };
      else if (how === 2) bad = { ...w, registry: pickOf(r, [undefined, 5, new SharedArrayBuffer(16)]) };
      else scramble(r, sab, 1 + int(r, 3), false);
      outcome(() => fromWire(bad as Wire), `seed ${seed} case ${i}`, (e) => e.code === 'ERR_INVALID_ARGUMENT');
    }
    expect(registry()).toBeInstanceOf(SharedArrayBuffer);
  });
});

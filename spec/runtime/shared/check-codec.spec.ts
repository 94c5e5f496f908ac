/**
 * sharedChan checks a codec field by field (runtime/shared/codecs/check-codec.ts): a custom codec with a slot size
 * that is NaN, missing or negative used to be accepted (values then vanished) or to fail with a RangeError; each bad
 * field is now an InvalidArgumentError naming it and its value.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type Codec, codec, sharedChan } from '../../../runtime/index.js';

/** uint16 is a custom codec, as a user would write one: a number in 2 bytes. */
const uint16: Codec<number> = {
  kind: 'uint16',
  slotBytes: 2,
  wire: { kind: 'uint16' },
  encode(v, slot) {
    slot[0] = v;
    slot[1] = v >>> 8;
  },
  decode: (slot) => slot[0]! | (slot[1]! << 8),
};

function refusal(make: () => unknown): string {
  try {
    make();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return (e as Error).message;
  }
  return expect.unreachable('accepted');
}

describe('sharedChan checks its codec', () => {
  it('accepts a custom codec that fills in the interface, and moves its values', () => {
    const ch = sharedChan(uint16, 2);
    expect(ch.trySend(513)).toBe(true);
    expect(ch.tryRecv()).toEqual({ value: 513, ok: true });
  });

  it.each([
    [Number.NaN, 'NaN'],
    [undefined, 'undefined'],
    [-4, '-4'],
    [0, '0'],
    [1.5, '1.5'],
    ['2', '"2"'],
    [64 * 1024 * 1024 + 5, '67108869'],
  ])('refuses slotBytes %s, naming it', (slotBytes, shown) => {
    expect(refusal(() => sharedChan({ ...uint16, slotBytes } as never, 1))).toBe(
      `sharedChan: codec.slotBytes must be an integer in [1, 67108868], got ${shown}`,
    );
  });

  it('refuses a missing kind, encode, decode or wire, and half of the DataView fast path', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: undefined }, 'codec.kind must be a non-empty string, got undefined'],
      [{ kind: '' }, 'codec.kind must be a non-empty string, got ""'],
      [{ encode: 'x' }, 'codec.encode must be a function, got "x"'],
      [{ decode: undefined }, 'codec.decode must be a function, got undefined'],
      [{ encodeAt: () => {} }, 'codec.decodeAt must be a function when the other of encodeAt and decodeAt is given, got undefined'],
      [{ encodeAt: 1, decodeAt: () => 0 }, 'codec.encodeAt must be a function, got 1'],
      [{ wire: undefined }, 'codec.wire must be an object with a string kind (what codecFromWire rebuilds the codec from), got undefined'],
      [{ wire: { maxBytes: 3 } }, 'codec.wire must be an object with a string kind (what codecFromWire rebuilds the codec from), got {"maxBytes":3}'],
    ];
    for (const [change, message] of cases) {
      expect(refusal(() => sharedChan({ ...uint16, ...change } as never, 0))).toBe(`sharedChan: ${message}`);
    }
    for (const bad of [null, 5, 'int32']) {
      expect(refusal(() => sharedChan(bad as never))).toMatch(/^sharedChan: codec must be a gocsp codec \(int32, string\(\), json\(\), \.\.\.\), got /);
    }
  });

  it('accepts every built-in codec', () => {
    for (const c of [codec.int32, codec.uint32, codec.float64, codec.bigint64, codec.bool, codec.string(), codec.bytes(), codec.json(), codec.structured(), codec.record({ fields: { a: 'int8' } })]) {
      expect(sharedChan(c as Codec<unknown>, 1).cap()).toBe(1);
    }
  });
});

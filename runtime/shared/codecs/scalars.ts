/**
 * The scalar codecs: int32, uint32, float64, bigint64 and bool, singletons with a fixed slot (4, 4, 8, 8 and 1
 * bytes), little-endian. They are strict: a value outside the codec's type is an EncodeError, never a silent
 * conversion (`int32 codec: cannot encode 1.5 (not an integer in [-2147483648, 2147483647])`).
 *
 * encode and decode allocate nothing (bigint64's decode excepted: a bigint is a heap object); encodeAt and decodeAt
 * are the DataView fast path of the Codec interface.
 *
 * The byte stores are written out in this file, not called from slot-bytes.ts or made by one generic factory: under
 * tsx, a call into another module was not inlined and made int32's encode + decode about fifteen times slower
 * (plain ESM inlines it, but the hot path should not depend on the loader); and one factory would make every call
 * site polymorphic.
 */
import { EncodeError } from '../../panics.js';
import type { FixedCodec } from './codec.js';
import { badSlot, describeValue } from './options.js';

/** INT32_REASON and its siblings are the reasons an EncodeError gives for a value out of the type. */
export const INT32_REASON = 'not an integer in [-2147483648, 2147483647]';
export const UINT32_REASON = 'not an integer in [0, 4294967295]';
export const FLOAT64_REASON = 'not a number';
export const BIGINT64_REASON = 'not a bigint in [-9223372036854775808n, 9223372036854775807n]';
export const BOOL_REASON = 'not a boolean';

const refuse = (codec: string, value: unknown, reason: string): EncodeError =>
  new EncodeError(codec, describeValue(value), reason);

// The 8-byte scratch of float64 and bigint64. The slot is little-endian, the scratch in the platform's order.
const scratch = new ArrayBuffer(8);
const F64 = new Float64Array(scratch);
const I64 = new BigInt64Array(scratch);
const B = new Uint8Array(scratch);
const U32 = new Uint32Array(scratch);
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// The scratch's low and high 32-bit words, for bigint64's DataView path: V8's DataView.setBigInt64/getBigInt64 took
// twice as long as two 32-bit accesses through the scratch (measured).
const LO = LE ? 0 : 1;
const HI = LE ? 1 : 0;

function scratchToSlot(slot: Uint8Array): void {
  if (LE) {
    slot[0] = B[0]!;
    slot[1] = B[1]!;
    slot[2] = B[2]!;
    slot[3] = B[3]!;
    slot[4] = B[4]!;
    slot[5] = B[5]!;
    slot[6] = B[6]!;
    slot[7] = B[7]!;
  } else {
    for (let i = 0; i < 8; i++) slot[i] = B[7 - i]!;
  }
}

function slotToScratch(slot: Uint8Array): void {
  if (LE) {
    B[0] = slot[0]!;
    B[1] = slot[1]!;
    B[2] = slot[2]!;
    B[3] = slot[3]!;
    B[4] = slot[4]!;
    B[5] = slot[5]!;
    B[6] = slot[6]!;
    B[7] = slot[7]!;
  } else {
    for (let i = 0; i < 8; i++) B[7 - i] = slot[i]!;
  }
}

/**
 * int32 stores a number that is an integer in [-2^31, 2^31 - 1] in 4 bytes. -0 is stored as 0.
 *
 * @example
 * int32.encode(-7, slot); int32.decode(slot); // -7
 * int32.encode(1.5, slot); // EncodeError: int32 codec: cannot encode 1.5 (not an integer in [-2147483648, 2147483647])
 */
export const int32: FixedCodec<number> = Object.freeze({
  kind: 'int32',
  slotBytes: 4,
  wire: Object.freeze({ kind: 'int32' }),
  encode(value: number, slot: Uint8Array): void {
    if (typeof value !== 'number' || (value | 0) !== value) throw refuse('int32', value, INT32_REASON);
    if (slot.length !== 4) throw badSlot('int32', slot, 4);
    slot[0] = value;
    slot[1] = value >>> 8;
    slot[2] = value >>> 16;
    slot[3] = value >>> 24;
  },
  decode(slot: Uint8Array): number {
    if (slot.length !== 4) throw badSlot('int32', slot, 4);
    return slot[0]! | (slot[1]! << 8) | (slot[2]! << 16) | (slot[3]! << 24);
  },
  encodeAt(value: number, view: DataView, byteOffset: number): void {
    if (typeof value !== 'number' || (value | 0) !== value) throw refuse('int32', value, INT32_REASON);
    view.setInt32(byteOffset, value, true);
  },
  decodeAt(view: DataView, byteOffset: number): number {
    return view.getInt32(byteOffset, true);
  },
});

/** uint32 stores a number that is an integer in [0, 2^32 - 1] in 4 bytes. -0 is stored as 0. */
export const uint32: FixedCodec<number> = Object.freeze({
  kind: 'uint32',
  slotBytes: 4,
  wire: Object.freeze({ kind: 'uint32' }),
  encode(value: number, slot: Uint8Array): void {
    if (typeof value !== 'number' || value >>> 0 !== value) throw refuse('uint32', value, UINT32_REASON);
    if (slot.length !== 4) throw badSlot('uint32', slot, 4);
    slot[0] = value;
    slot[1] = value >>> 8;
    slot[2] = value >>> 16;
    slot[3] = value >>> 24;
  },
  decode(slot: Uint8Array): number {
    if (slot.length !== 4) throw badSlot('uint32', slot, 4);
    return (slot[0]! | (slot[1]! << 8) | (slot[2]! << 16) | (slot[3]! << 24)) >>> 0;
  },
  encodeAt(value: number, view: DataView, byteOffset: number): void {
    if (typeof value !== 'number' || value >>> 0 !== value) throw refuse('uint32', value, UINT32_REASON);
    view.setUint32(byteOffset, value, true);
  },
  decodeAt(view: DataView, byteOffset: number): number {
    return view.getUint32(byteOffset, true);
  },
});

/** float64 stores any number in 8 bytes, bit for bit: -0, NaN and ±Infinity come back as they went. */
export const float64: FixedCodec<number> = Object.freeze({
  kind: 'float64',
  slotBytes: 8,
  wire: Object.freeze({ kind: 'float64' }),
  encode(value: number, slot: Uint8Array): void {
    if (typeof value !== 'number') throw refuse('float64', value, FLOAT64_REASON);
    if (slot.length !== 8) throw badSlot('float64', slot, 8);
    F64[0] = value;
    scratchToSlot(slot);
  },
  decode(slot: Uint8Array): number {
    if (slot.length !== 8) throw badSlot('float64', slot, 8);
    slotToScratch(slot);
    return F64[0]!;
  },
  encodeAt(value: number, view: DataView, byteOffset: number): void {
    if (typeof value !== 'number') throw refuse('float64', value, FLOAT64_REASON);
    view.setFloat64(byteOffset, value, true);
  },
  decodeAt(view: DataView, byteOffset: number): number {
    return view.getFloat64(byteOffset, true);
  },
});

/** bigint64 stores a bigint in [-2^63, 2^63 - 1] in 8 bytes. A number, even an integer, is an EncodeError. */
export const bigint64: FixedCodec<bigint> = Object.freeze({
  kind: 'bigint64',
  slotBytes: 8,
  wire: Object.freeze({ kind: 'bigint64' }),
  encode(value: bigint, slot: Uint8Array): void {
    if (typeof value !== 'bigint' || BigInt.asIntN(64, value) !== value) {
      throw refuse('bigint64', value, BIGINT64_REASON);
    }
    if (slot.length !== 8) throw badSlot('bigint64', slot, 8);
    I64[0] = value;
    scratchToSlot(slot);
  },
  decode(slot: Uint8Array): bigint {
    if (slot.length !== 8) throw badSlot('bigint64', slot, 8);
    slotToScratch(slot);
    return I64[0]!;
  },
  encodeAt(value: bigint, view: DataView, byteOffset: number): void {
    if (typeof value !== 'bigint' || BigInt.asIntN(64, value) !== value) {
      throw refuse('bigint64', value, BIGINT64_REASON);
    }
    I64[0] = value;
    view.setUint32(byteOffset, U32[LO]!, true);
    view.setUint32(byteOffset + 4, U32[HI]!, true);
  },
  decodeAt(view: DataView, byteOffset: number): bigint {
    U32[LO] = view.getUint32(byteOffset, true);
    U32[HI] = view.getUint32(byteOffset + 4, true);
    return I64[0]!;
  },
});

/** bool stores a boolean in 1 byte (0 or 1; any non-zero byte decodes as true). */
export const bool: FixedCodec<boolean> = Object.freeze({
  kind: 'bool',
  slotBytes: 1,
  wire: Object.freeze({ kind: 'bool' }),
  encode(value: boolean, slot: Uint8Array): void {
    if (typeof value !== 'boolean') throw refuse('bool', value, BOOL_REASON);
    if (slot.length !== 1) throw badSlot('bool', slot, 1);
    slot[0] = value ? 1 : 0;
  },
  decode(slot: Uint8Array): boolean {
    if (slot.length !== 1) throw badSlot('bool', slot, 1);
    return slot[0] !== 0;
  },
  encodeAt(value: boolean, view: DataView, byteOffset: number): void {
    if (typeof value !== 'boolean') throw refuse('bool', value, BOOL_REASON);
    view.setUint8(byteOffset, value ? 1 : 0);
  },
  decodeAt(view: DataView, byteOffset: number): boolean {
    return view.getUint8(byteOffset) !== 0;
  },
});

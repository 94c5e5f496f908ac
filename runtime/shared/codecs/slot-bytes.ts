/**
 * The bytes inside one slot, shared by every codec, and little-endian reads and writes of numbers at any byte offset
 * of a Uint8Array. (The channel's own layout of its SharedArrayBuffer, with the slots in it, is ../layout.ts.)
 *
 * A scalar takes its slot whole: int32 and uint32 4 bytes, float64 and bigint64 8 (IEEE 754 and two's complement),
 * bool 1 byte, 0 or 1. A record packs its fields one after the other (record.ts).
 *
 * A variable-size codec (string, bytes, json, structured, and a record's string fields) stores a length prefix, then
 * the payload, in a slot of LENGTH_PREFIX_BYTES + maxBytes bytes:
 *
 * ```
 *   0        4                    4 + n                 4 + maxBytes
 *   +--------+--------------------+---------------------+
 *   | n: u32 | payload (n bytes)  | unused (stale)      |
 *   +--------+--------------------+---------------------+
 * ```
 *
 * Every multi-byte number, prefix included, is little-endian, whatever the platform, so that encode (byte by byte)
 * and encodeAt (DataView with littleEndian = true) write the same bytes.
 *
 * Why bytes and not a DataView over `slot.buffer`: on a view of a SharedArrayBuffer, V8 does not inline the `buffer`
 * and `byteOffset` getters, so a cached DataView costs ten times what four byte stores
 * do. Floats and bigints go through an 8-byte scratch buffer of this thread. None of these functions allocates,
 * except that reading a bigint makes one. The scalar codecs write the same bytes with their own copies of these
 * stores, for speed (scalars.ts says why).
 */

/** LENGTH_PREFIX_BYTES is the size of the u32 length prefix of a variable-size value. */
export const LENGTH_PREFIX_BYTES = 4;

/** MAX_BYTES_LIMIT is the largest maxBytes any codec accepts (64 MiB): a slot is meant for a message, not a file. */
export const MAX_BYTES_LIMIT = 64 * 1024 * 1024;

/** LITTLE_ENDIAN is the platform's byte order, for the scratch-buffer copies. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// The scratch buffer: one 8-byte ArrayBuffer seen as every type that needs it. Per thread (module state), used only
// inside one synchronous call, so nothing can interleave.
const scratch = new ArrayBuffer(8);
const F32 = new Float32Array(scratch);
const F64 = new Float64Array(scratch);
const I64 = new BigInt64Array(scratch);
const U64 = new BigUint64Array(scratch);
const B = new Uint8Array(scratch);

/** writeUint32 stores the low 32 bits of `v` at `slot[at..at+4)`. */
export function writeUint32(slot: Uint8Array, at: number, v: number): void {
  slot[at] = v;
  slot[at + 1] = v >>> 8;
  slot[at + 2] = v >>> 16;
  slot[at + 3] = v >>> 24;
}

/** readInt32 reads a signed 32-bit integer at `slot[at..at+4)`. */
export function readInt32(slot: Uint8Array, at: number): number {
  return slot[at]! | (slot[at + 1]! << 8) | (slot[at + 2]! << 16) | (slot[at + 3]! << 24);
}

/** readUint32 reads an unsigned 32-bit integer at `slot[at..at+4)`. */
export function readUint32(slot: Uint8Array, at: number): number {
  return (slot[at]! | (slot[at + 1]! << 8) | (slot[at + 2]! << 16) | (slot[at + 3]! << 24)) >>> 0;
}

/** writeUint16 stores the low 16 bits of `v` at `slot[at..at+2)`. */
export function writeUint16(slot: Uint8Array, at: number, v: number): void {
  slot[at] = v;
  slot[at + 1] = v >>> 8;
}

/** readUint16 reads an unsigned 16-bit integer at `slot[at..at+2)`. */
export function readUint16(slot: Uint8Array, at: number): number {
  return slot[at]! | (slot[at + 1]! << 8);
}

// Scratch copies, in little-endian order whatever the platform's.
function scratchOut(slot: Uint8Array, at: number, n: 4 | 8): void {
  if (LITTLE_ENDIAN) for (let i = 0; i < n; i++) slot[at + i] = B[i]!;
  else for (let i = 0; i < n; i++) slot[at + i] = B[n - 1 - i]!;
}

function scratchIn(slot: Uint8Array, at: number, n: 4 | 8): void {
  if (LITTLE_ENDIAN) for (let i = 0; i < n; i++) B[i] = slot[at + i]!;
  else for (let i = 0; i < n; i++) B[n - 1 - i] = slot[at + i]!;
}

/** writeFloat32 stores `v` rounded to the nearest float32 at `slot[at..at+4)`. */
export function writeFloat32(slot: Uint8Array, at: number, v: number): void {
  F32[0] = v;
  scratchOut(slot, at, 4);
}

/** readFloat32 reads a float32 at `slot[at..at+4)`. */
export function readFloat32(slot: Uint8Array, at: number): number {
  scratchIn(slot, at, 4);
  return F32[0]!;
}

/** writeFloat64 stores `v` at `slot[at..at+8)`. */
export function writeFloat64(slot: Uint8Array, at: number, v: number): void {
  F64[0] = v;
  scratchOut(slot, at, 8);
}

/** readFloat64 reads a float64 at `slot[at..at+8)`. */
export function readFloat64(slot: Uint8Array, at: number): number {
  scratchIn(slot, at, 8);
  return F64[0]!;
}

/** writeBigInt64 stores `v` modulo 2^64 at `slot[at..at+8)` (so it serves bigint64 and biguint64 alike). */
export function writeBigInt64(slot: Uint8Array, at: number, v: bigint): void {
  I64[0] = v;
  scratchOut(slot, at, 8);
}

/** readBigInt64 reads a signed 64-bit integer at `slot[at..at+8)`. */
export function readBigInt64(slot: Uint8Array, at: number): bigint {
  scratchIn(slot, at, 8);
  return I64[0]!;
}

/** readBigUint64 reads an unsigned 64-bit integer at `slot[at..at+8)`. */
export function readBigUint64(slot: Uint8Array, at: number): bigint {
  scratchIn(slot, at, 8);
  return U64[0]!;
}

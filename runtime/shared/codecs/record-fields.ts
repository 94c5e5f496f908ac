/**
 * The field types of record codecs: for each scalar type its size, its check and the reason an EncodeError gives,
 * and its little-endian read and write at a byte offset of the slot (slot-bytes.ts).
 */
import {
  readBigInt64,
  readBigUint64,
  readFloat32,
  readFloat64,
  readInt32,
  readUint16,
  readUint32,
  writeBigInt64,
  writeFloat32,
  writeFloat64,
  writeUint16,
  writeUint32,
} from './slot-bytes.js';
import { BIGINT64_REASON, BOOL_REASON, FLOAT64_REASON, INT32_REASON, UINT32_REASON } from './scalars.js';

/** RecordScalarType names a fixed-size field type of a record. */
export type RecordScalarType =
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'float32'
  | 'float64'
  | 'bigint64'
  | 'biguint64'
  | 'bool';

/** RecordFieldType is a field's type: a scalar, or `{ string: maxBytes }` for UTF-8 text of at most maxBytes bytes. */
export type RecordFieldType = RecordScalarType | { readonly string: number };

/** RecordFields maps each field name to its type; the slot holds the fields in this order. */
export type RecordFields = { readonly [name: string]: RecordFieldType };

/** RecordFieldValue is the JS type of a field: number, bigint, boolean or string. */
export type RecordFieldValue<T extends RecordFieldType> = T extends 'bigint64' | 'biguint64'
  ? bigint
  : T extends 'bool'
    ? boolean
    : T extends { readonly string: number }
      ? string
      : number;

/** RecordValue is the object a record codec encodes and decodes: exactly the fields, each of its JS type. */
export type RecordValue<F extends RecordFields> = { -readonly [K in keyof F]: RecordFieldValue<F[K]> };

/** ScalarField is how a record reads, writes and checks one scalar type. */
export interface ScalarField {
  readonly size: number;
  readonly reason: string;
  check(v: unknown): boolean;
  write(slot: Uint8Array, at: number, v: unknown): void;
  read(slot: Uint8Array, at: number): unknown;
}

const isNumber = (v: unknown): v is number => typeof v === 'number';

/** SCALAR_FIELDS describes every scalar field type. */
export const SCALAR_FIELDS: Readonly<Record<RecordScalarType, ScalarField>> = Object.freeze({
  int8: {
    size: 1,
    reason: 'not an integer in [-128, 127]',
    check: (v) => isNumber(v) && (v << 24) >> 24 === v,
    write: (slot, at, v) => void (slot[at] = v as number),
    read: (slot, at) => (slot[at]! << 24) >> 24,
  },
  uint8: {
    size: 1,
    reason: 'not an integer in [0, 255]',
    check: (v) => isNumber(v) && (v & 0xff) === v,
    write: (slot, at, v) => void (slot[at] = v as number),
    read: (slot, at) => slot[at]!,
  },
  int16: {
    size: 2,
    reason: 'not an integer in [-32768, 32767]',
    check: (v) => isNumber(v) && (v << 16) >> 16 === v,
    write: (slot, at, v) => writeUint16(slot, at, v as number),
    read: (slot, at) => (readUint16(slot, at) << 16) >> 16,
  },
  uint16: {
    size: 2,
    reason: 'not an integer in [0, 65535]',
    check: (v) => isNumber(v) && (v & 0xffff) === v,
    write: (slot, at, v) => writeUint16(slot, at, v as number),
    read: readUint16,
  },
  int32: {
    size: 4,
    reason: INT32_REASON,
    check: (v) => isNumber(v) && (v | 0) === v,
    write: (slot, at, v) => writeUint32(slot, at, v as number),
    read: readInt32,
  },
  uint32: {
    size: 4,
    reason: UINT32_REASON,
    check: (v) => isNumber(v) && v >>> 0 === v,
    write: (slot, at, v) => writeUint32(slot, at, v as number),
    read: readUint32,
  },
  float32: {
    size: 4,
    reason: FLOAT64_REASON,
    check: isNumber,
    write: (slot, at, v) => writeFloat32(slot, at, v as number),
    read: readFloat32,
  },
  float64: {
    size: 8,
    reason: FLOAT64_REASON,
    check: isNumber,
    write: (slot, at, v) => writeFloat64(slot, at, v as number),
    read: readFloat64,
  },
  bigint64: {
    size: 8,
    reason: BIGINT64_REASON,
    check: (v) => typeof v === 'bigint' && BigInt.asIntN(64, v) === v,
    write: (slot, at, v) => writeBigInt64(slot, at, v as bigint),
    read: readBigInt64,
  },
  biguint64: {
    size: 8,
    reason: 'not a bigint in [0n, 18446744073709551615n]',
    check: (v) => typeof v === 'bigint' && BigInt.asUintN(64, v) === v,
    write: (slot, at, v) => writeBigInt64(slot, at, v as bigint),
    read: readBigUint64,
  },
  bool: {
    size: 1,
    reason: BOOL_REASON,
    check: (v) => typeof v === 'boolean',
    write: (slot, at, v) => void (slot[at] = v ? 1 : 0),
    read: (slot, at) => slot[at] !== 0,
  },
});

/** isScalarType reports whether `t` names a scalar field type. */
export const isScalarType = (t: unknown): t is RecordScalarType =>
  typeof t === 'string' && Object.hasOwn(SCALAR_FIELDS, t);

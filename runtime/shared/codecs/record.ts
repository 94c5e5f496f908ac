/**
 * The record codec: an object with a fixed set of fields, each of a fixed-size type, stored field after field in a
 * slot whose size is the sum of the fields' sizes.
 *
 * Layout: the fields in the order of `Object.keys(fields)` (insertion order, except that names which are array
 * indices, like '0', come first in ascending order, as JavaScript orders keys), packed with no padding, so a field
 * may sit at any byte offset; multi-byte numbers are little-endian (slot-bytes.ts). A string field takes 4 + maxBytes
 * bytes: a length prefix, then its UTF-8 text.
 *
 * ```
 *   record({ fields: { id: 'uint32', ok: 'bool', name: { string: 8 } } })   slotBytes = 4 + 1 + (4 + 8) = 17
 *   0      4    5          9                 17
 *   +------+----+----------+-----------------+
 *   | id   | ok | name: n  | name: n bytes.. |
 *   +------+----+----------+-----------------+
 * ```
 */
import { EncodeError, InvalidArgumentError, ValueTooLargeError } from '../../panics.js';
import { describe } from '../../validate.js';
import type { Codec } from './codec.js';
import { LENGTH_PREFIX_BYTES, MAX_BYTES_LIMIT } from './slot-bytes.js';
import { badSlot, checkMaxBytes, checkOptions, describeValue } from './options.js';
import {
  isScalarType,
  SCALAR_FIELDS,
  type RecordFields,
  type RecordFieldType,
  type RecordValue,
  type ScalarField,
} from './record-fields.js';
import { readUtf8, utf8Overflow, writeUtf8 } from './utf8.js';

export type { RecordFields, RecordFieldType, RecordScalarType, RecordValue } from './record-fields.js';

/** RecordOptions are the options of record(). */
export interface RecordOptions<F extends RecordFields> {
  /** fields maps each field name to its type, in slot order; at least one field. */
  readonly fields: F;
}

// A field of the compiled layout: a scalar (maxBytes 0) or a string (scalar undefined).
interface Field {
  readonly name: string;
  readonly at: number;
  readonly scalar: ScalarField | undefined;
  readonly maxBytes: number;
}

const TYPE_NAMES = `${Object.keys(SCALAR_FIELDS)
  .map((t) => `'${t}'`)
  .join(', ')} or { string: maxBytes }`;

/**
 * record makes a codec for objects with exactly the given fields, stored in a fixed layout (see the file comment;
 * fields are packed, not aligned). decode returns a new plain object with the fields in layout order. A float32
 * field rounds to the nearest float32 (beyond its range, to ±Infinity); every other type is exact.
 *
 * encode checks every field before it writes any, and throws EncodeError for a value that is not an object, a
 * missing or unexpected own field, or a field value outside its type (`record codec: cannot encode field "age" = -1
 * (not an integer in [0, 255])`); ValueTooLargeError for a string field longer than its maxBytes. record() throws
 * InvalidArgumentError for no fields, an unknown field type, a bad string maxBytes or the name `__proto__`.
 *
 * @example
 * const points = record({ fields: { x: 'float64', y: 'float64', label: { string: 16 } } });
 * points.slotBytes; // 36
 * points.encode({ x: 1, y: 2, label: 'A' }, slot);
 * points.decode(slot); // { x: 1, y: 2, label: 'A' }
 */
export function record<const F extends RecordFields>(options: RecordOptions<F>): Codec<RecordValue<F>> {
  const opts = checkOptions('record', options, ['fields']);
  const specs = opts['fields'];
  if (typeof specs !== 'object' || specs === null || Array.isArray(specs)) {
    throw new InvalidArgumentError(`record: fields must be an object of field name -> type, got ${describe(specs)}`);
  }
  const names = Object.keys(specs);
  if (names.length === 0) throw new InvalidArgumentError('record: fields must have at least one field, got {}');

  // pass 1 - compile the layout, checking every type
  const fields: Field[] = [];
  const wireFields: Record<string, RecordFieldType> = {};
  let at = 0;
  for (const name of names) {
    if (name === '__proto__') throw new InvalidArgumentError('record: a field cannot be named "__proto__"');
    const spec: unknown = (specs as Record<string, unknown>)[name];
    const arg = `fields.${name}`;
    if (isScalarType(spec)) {
      fields.push({ name, at, scalar: SCALAR_FIELDS[spec], maxBytes: 0 });
      wireFields[name] = spec;
      at += SCALAR_FIELDS[spec].size;
    } else if (isStringSpec(spec)) {
      const maxBytes = checkMaxBytes('record', `${arg}.string`, spec.string);
      fields.push({ name, at, scalar: undefined, maxBytes });
      wireFields[name] = Object.freeze({ string: maxBytes });
      at += LENGTH_PREFIX_BYTES + maxBytes;
    } else {
      throw new InvalidArgumentError(`record: ${arg} must be ${TYPE_NAMES}, got ${describe(spec)}`);
    }
  }
  const slotBytes = at;
  if (slotBytes > MAX_BYTES_LIMIT) {
    throw new InvalidArgumentError(`record: fields take ${slotBytes} bytes, more than the limit of ${MAX_BYTES_LIMIT}`);
  }
  const fieldNames = new Set(names);
  const n = fields.length;

  return Object.freeze({
    kind: 'record',
    slotBytes,
    wire: Object.freeze({ kind: 'record', fields: Object.freeze(wireFields) }),
    encode(value: RecordValue<F>, slot: Uint8Array): void {
      if (slot.length !== slotBytes) throw badSlot('record', slot, slotBytes);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new EncodeError('record', describeValue(value), 'not an object');
      }
      const obj = value as Record<string, unknown>;
      // pass 1 - read each field once (a getter could answer differently twice) and check it
      const values: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const f = fields[i]!;
        if (!Object.hasOwn(obj, f.name)) {
          throw new EncodeError('record', describeValue(value), `missing field ${JSON.stringify(f.name)}`);
        }
        const v = obj[f.name];
        if (f.scalar !== undefined) {
          if (!f.scalar.check(v)) throw fieldError(f.name, v, f.scalar.reason);
        } else {
          if (typeof v !== 'string') throw fieldError(f.name, v, 'not a string');
          const size = utf8Overflow(v, f.maxBytes);
          if (size !== 0) throw new ValueTooLargeError('record', size, f.maxBytes, `field ${JSON.stringify(f.name)}`);
        }
        values[i] = v;
      }
      for (const key of Object.keys(obj)) {
        if (!fieldNames.has(key)) {
          throw new EncodeError('record', describeValue(value), `unexpected field ${JSON.stringify(key)}`);
        }
      }
      // pass 2 - every field is good: write them all
      for (let i = 0; i < n; i++) {
        const f = fields[i]!;
        if (f.scalar !== undefined) f.scalar.write(slot, f.at, values[i]);
        else writeUtf8(values[i] as string, slot, f.at, f.maxBytes);
      }
    },
    decode(slot: Uint8Array): RecordValue<F> {
      if (slot.length !== slotBytes) throw badSlot('record', slot, slotBytes);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const f = fields[i]!;
        out[f.name] = f.scalar !== undefined ? f.scalar.read(slot, f.at) : readUtf8('record', slot, f.at, f.maxBytes);
      }
      return out as RecordValue<F>;
    },
  });
}

function isStringSpec(spec: unknown): spec is { readonly string: unknown } {
  if (typeof spec !== 'object' || spec === null) return false;
  const keys = Object.keys(spec);
  return keys.length === 1 && keys[0] === 'string';
}

function fieldError(name: string, v: unknown, reason: string): EncodeError {
  return new EncodeError('record', `field ${JSON.stringify(name)} = ${describeValue(v)}`, reason);
}

/**
 * The structured codec: v8.serialize's bytes with a length prefix, in a slot of 4 + maxBytes bytes (slot-bytes.ts).
 */
import { deserialize, serialize } from 'node:v8';
import { DecodeError, EncodeError, ValueTooLargeError } from '../../errors.js';
import type { Codec } from '../codec.js';
import { LENGTH_PREFIX_BYTES, readUint32, writeUint32 } from './slot-bytes.js';
import {
  badLength,
  badSlot,
  checkMaxBytes,
  checkOptions,
  describeValue,
  firstLine,
  type MaxBytesOptions,
} from './options.js';

/** STRUCTURED_MAX_BYTES is the default maxBytes of structured(). */
export const STRUCTURED_MAX_BYTES = 1024;

/**
 * structured makes a codec for structured-clonable values, serialized by node:v8 in at most `maxBytes` bytes
 * (default 1024; the format spends a few bytes of header and tags, so measure `v8.serialize(v).length`). What
 * postMessage can copy round-trips: primitives including undefined, bigint, NaN and -0; plain objects and arrays
 * (with cycles and shared references); Map, Set, Date, RegExp, ArrayBuffer, typed arrays, DataView, Buffer (arrives
 * as a Buffer); Error, with its message, stack and built-in name only (other properties, such as `code`, are lost).
 * A class instance arrives as a plain object with its own enumerable properties: the prototype, its methods and
 * getters are lost. `T` is the type you promise the other side sends; decode does not check it.
 *
 * A decoded typed array is a view into a private copy of the slot's bytes, made afresh for every decode (never
 * shared memory), but like v8.deserialize's own it may not start at byte 0 of its buffer: use its byteOffset.
 *
 * encode throws EncodeError, before writing anything, for what cannot be cloned: a function, a symbol, a
 * SharedArrayBuffer, a WeakMap, a Promise... anywhere in the value (the original error is the `cause`); and
 * ValueTooLargeError for a serialization longer than maxBytes. decode throws DecodeError for bytes that do not
 * deserialize. structured() throws InvalidArgumentError for a bad maxBytes.
 *
 * @example
 * const state = structured<Map<string, Date>>({ maxBytes: 4096 });
 * state.encode(new Map([['start', new Date(0)]]), slot);
 * state.decode(slot); // Map(1) { 'start' => 1970-01-01T00:00:00.000Z }
 */
export function structured<T = unknown>(options?: MaxBytesOptions): Codec<T> {
  const opts = checkOptions('structured', options, ['maxBytes']);
  const maxBytes = checkMaxBytes('structured', 'maxBytes', opts['maxBytes'], STRUCTURED_MAX_BYTES);
  const slotBytes = LENGTH_PREFIX_BYTES + maxBytes;
  return Object.freeze({
    kind: 'structured',
    slotBytes,
    wire: Object.freeze({ kind: 'structured', maxBytes }),
    encode(value: T, slot: Uint8Array): void {
      if (slot.length !== slotBytes) throw badSlot('structured', slot, slotBytes);
      let data: Uint8Array;
      try {
        data = serialize(value);
      } catch (e) {
        throw new EncodeError('structured', describeValue(value), firstLine(e), e);
      }
      if (data.length > maxBytes) throw new ValueTooLargeError('structured', data.length, maxBytes);
      slot.set(data, LENGTH_PREFIX_BYTES);
      writeUint32(slot, 0, data.length);
    },
    decode(slot: Uint8Array): T {
      if (slot.length !== slotBytes) throw badSlot('structured', slot, slotBytes);
      const n = readUint32(slot, 0);
      if (n > maxBytes) throw badLength('structured', n, maxBytes);
      // A private copy: v8.deserialize makes typed arrays that are views of its input, and the slot is shared
      // memory that the next send overwrites. Fresh every time, because the decoded value keeps it.
      const copy = new Uint8Array(n);
      copy.set(slot.subarray(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + n));
      try {
        return deserialize(copy) as T;
      } catch (e) {
        throw new DecodeError('structured', firstLine(e), e);
      }
    },
  });
}

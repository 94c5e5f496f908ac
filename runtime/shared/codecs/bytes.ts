/**
 * The bytes codec: a Uint8Array with a length prefix, in a slot of 4 + maxBytes bytes (slot-bytes.ts).
 */
import { EncodeError, ValueTooLargeError } from '../../panics.js';
import type { Codec, Packed } from './codec.js';
import { LENGTH_PREFIX_BYTES, readUint32, writeUint32 } from './slot-bytes.js';
import { badLength, badSlot, checkMaxBytes, checkOptions, describeValue, type MaxBytesOptions } from './options.js';

/** BYTES_MAX_BYTES is the default maxBytes of bytes(). */
export const BYTES_MAX_BYTES = 256;

/**
 * bytes makes a codec for Uint8Arrays (a Buffer is one). Through a shared channel an array of up to `maxBytes` bytes
 * (default 256) travels in its slot, and a longer one out of line (slower, not refused). decode returns a fresh
 * Uint8Array of its own ArrayBuffer, never a view of shared memory, which the next send overwrites.
 *
 * encode throws EncodeError for anything but a Uint8Array (another typed array, a DataView, an ArrayBuffer: wrap it
 * in a Uint8Array first) and, writing into one slot, ValueTooLargeError for one longer than maxBytes, before writing
 * anything. bytes() throws InvalidArgumentError for a bad maxBytes.
 *
 * @example
 * const frames = bytes({ maxBytes: 1500 });
 * frames.encode(Uint8Array.of(1, 2, 3), slot); frames.decode(slot); // Uint8Array(3) [1, 2, 3]
 */
export function bytes(options?: MaxBytesOptions): Codec<Uint8Array> {
  const opts = checkOptions('bytes', options, ['maxBytes']);
  const maxBytes = checkMaxBytes('bytes', 'maxBytes', opts['maxBytes'], BYTES_MAX_BYTES);
  const slotBytes = LENGTH_PREFIX_BYTES + maxBytes;
  return Object.freeze({
    kind: 'bytes',
    slotBytes,
    wire: Object.freeze({ kind: 'bytes', maxBytes }),
    encode(value: Uint8Array, slot: Uint8Array): void {
      if (!(value instanceof Uint8Array)) throw new EncodeError('bytes', describeValue(value), 'not a Uint8Array');
      if (slot.length !== slotBytes) throw badSlot('bytes', slot, slotBytes);
      if (value.length > maxBytes) throw new ValueTooLargeError('bytes', value.length, maxBytes);
      // set copies correctly even when value is a view of the same shared buffer.
      slot.set(value, LENGTH_PREFIX_BYTES);
      writeUint32(slot, 0, value.length);
    },
    pack(value: Uint8Array, slot: Uint8Array): Packed | null {
      if (!(value instanceof Uint8Array)) throw new EncodeError('bytes', describeValue(value), 'not a Uint8Array');
      if (slot.length !== slotBytes) throw badSlot('bytes', slot, slotBytes);
      if (value.length > maxBytes) return { bytes: value, sabs: null };
      slot.set(value, LENGTH_PREFIX_BYTES);
      writeUint32(slot, 0, value.length);
      return null;
    },
    unpack(bytes: Uint8Array): Uint8Array {
      const out = new Uint8Array(bytes.length);
      out.set(bytes);
      return out;
    },
    decode(slot: Uint8Array): Uint8Array {
      if (slot.length !== slotBytes) throw badSlot('bytes', slot, slotBytes);
      const n = readUint32(slot, 0);
      if (n > maxBytes) throw badLength('bytes', n, maxBytes);
      const out = new Uint8Array(n);
      out.set(slot.subarray(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + n));
      return out;
    },
  });
}

/**
 * The string codec: UTF-8 text with a length prefix, in a slot of 4 + maxBytes bytes (slot-bytes.ts).
 */
import { EncodeError, ValueTooLargeError } from '../../panics.js';
import type { Codec, Packed } from './codec.js';
import { LENGTH_PREFIX_BYTES } from './slot-bytes.js';
import { badSlot, checkMaxBytes, checkOptions, describeValue, type MaxBytesOptions } from './options.js';
import { decodeUtf8, readUtf8, utf8Overflow, writeUtf8 } from './utf8.js';

/** STRING_MAX_BYTES is the default maxBytes of string(). */
export const STRING_MAX_BYTES = 256;

/**
 * string makes a codec for strings. Through a shared channel a string of up to `maxBytes` bytes in UTF-8 (default
 * 256; an emoji is 4 bytes, most accented letters 2) travels in its slot, and a longer one out of line (slower, not
 * refused). A lone surrogate is stored as U+FFFD, as TextEncoder does.
 *
 * encode throws EncodeError for a non-string and, writing into one slot, ValueTooLargeError for a string longer than
 * maxBytes in UTF-8, before writing anything. string() throws InvalidArgumentError for a bad maxBytes.
 *
 * @example
 * const names = string({ maxBytes: 64 });
 * names.slotBytes; // 68
 * names.encode('héllo', slot); names.decode(slot); // 'héllo'
 * names.encode('x'.repeat(65), slot);
 * // ValueTooLargeError: string codec: value encodes to 65 bytes, more than maxBytes 64
 */
export function string(options?: MaxBytesOptions): Codec<string> {
  const opts = checkOptions('string', options, ['maxBytes']);
  const maxBytes = checkMaxBytes('string', 'maxBytes', opts['maxBytes'], STRING_MAX_BYTES);
  const slotBytes = LENGTH_PREFIX_BYTES + maxBytes;
  return Object.freeze({
    kind: 'string',
    slotBytes,
    wire: Object.freeze({ kind: 'string', maxBytes }),
    encode(value: string, slot: Uint8Array): void {
      if (typeof value !== 'string') throw new EncodeError('string', describeValue(value), 'not a string');
      if (slot.length !== slotBytes) throw badSlot('string', slot, slotBytes);
      const size = utf8Overflow(value, maxBytes);
      if (size !== 0) throw new ValueTooLargeError('string', size, maxBytes);
      writeUtf8(value, slot, 0, maxBytes);
    },
    pack(value: string, slot: Uint8Array): Packed | null {
      if (typeof value !== 'string') throw new EncodeError('string', describeValue(value), 'not a string');
      if (slot.length !== slotBytes) throw badSlot('string', slot, slotBytes);
      if (utf8Overflow(value, maxBytes) !== 0) return { bytes: Buffer.from(value, 'utf8'), sabs: null };
      writeUtf8(value, slot, 0, maxBytes);
      return null;
    },
    decode(slot: Uint8Array): string {
      if (slot.length !== slotBytes) throw badSlot('string', slot, slotBytes);
      return readUtf8('string', slot, 0, maxBytes);
    },
    unpack(bytes: Uint8Array): string {
      return decodeUtf8(bytes);
    },
  });
}

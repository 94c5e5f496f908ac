/**
 * UTF-8 text in a length-prefixed area of a slot (see slot-bytes.ts), shared by the string, json and record codecs.
 *
 * The fit is checked before a byte is written: a string of n UTF-16 units takes at most 3n bytes (a surrogate pair
 * is 2 units for 4 bytes; a lone surrogate becomes U+FFFD, 3 bytes), so a short enough string is known to fit
 * without being measured, and TextEncoder.encodeInto writes it straight into the slot. A longer one is measured
 * with Buffer.byteLength, which counts exactly what encodeInto writes.
 */
import { LENGTH_PREFIX_BYTES, readUint32, writeUint32 } from './slot-bytes.js';
import { badLength } from './options.js';

const encoder = new TextEncoder();
// ignoreBOM: a string that starts with U+FEFF must come back with it; the default decoder strips it.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** utf8Overflow returns 0 if `s` encodes to at most `maxBytes` bytes, else its encoded length. */
export function utf8Overflow(s: string, maxBytes: number): number {
  if (s.length * 3 <= maxBytes) return 0;
  const size = Buffer.byteLength(s, 'utf8');
  return size <= maxBytes ? 0 : size;
}

/** writeUtf8 stores `s`, which must fit (utf8Overflow returned 0), with its length prefix at `slot[at..)`. */
export function writeUtf8(s: string, slot: Uint8Array, at: number, maxBytes: number): void {
  const start = at + LENGTH_PREFIX_BYTES;
  const { written } = encoder.encodeInto(s, slot.subarray(start, start + maxBytes));
  writeUint32(slot, at, written);
}

/** decodeUtf8 decodes UTF-8 bytes (a value stored out of line), keeping a leading BOM. */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** readUtf8 reads the length-prefixed text at `slot[at..)`, checking the prefix against `maxBytes`. */
export function readUtf8(codec: string, slot: Uint8Array, at: number, maxBytes: number): string {
  const n = readUint32(slot, at);
  if (n > maxBytes) throw badLength(codec, n, maxBytes);
  const start = at + LENGTH_PREFIX_BYTES;
  return decoder.decode(slot.subarray(start, start + n));
}

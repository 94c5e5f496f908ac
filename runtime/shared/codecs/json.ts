/**
 * The json codec: JSON.stringify's text in UTF-8 with a length prefix, in a slot of 4 + maxBytes bytes (slot-bytes.ts).
 */
import { DecodeError, EncodeError, ValueTooLargeError } from '../../panics.js';
import type { Codec, Packed } from './codec.js';
import { checkJson } from './faithful.js';
import { LENGTH_PREFIX_BYTES } from './slot-bytes.js';
import { badSlot, checkMaxBytes, checkOptions, describeValue, firstLine, type MaxBytesOptions } from './options.js';
import { decodeUtf8, readUtf8, utf8Overflow, writeUtf8 } from './utf8.js';

/** JSON_MAX_BYTES is the default maxBytes of json(). */
export const JSON_MAX_BYTES = 1024;

/**
 * json makes a codec for JSON values: null, booleans, finite numbers, strings, and arrays and plain objects of them
 * (-0 arrives as 0: JSON has one zero). Through a shared channel a value of up to `maxBytes` bytes of UTF-8 JSON
 * text (default 1024) travels in its slot, and a longer one out of line (slower, not refused); the codec's own
 * encode into a slot refuses it with ValueTooLargeError. `T` is the type you promise the other side sends; decode
 * does not check it.
 *
 * Nothing is lost silently: encode throws EncodeError, before writing anything, for a value JSON would not give back
 * as it was, naming where it is: undefined, NaN or ±Infinity, a function or a symbol anywhere; a Date, Map, Set,
 * typed array, class instance, shared channel or any other non-plain object (use structured() for those); a plain
 * object with symbol keys; a bigint and a cycle (JSON.stringify's message); and a value that is itself undefined, a
 * function or a symbol ("JSON.stringify gives no text for it"). decode throws DecodeError for a slot that does not
 * parse. json() throws InvalidArgumentError for a bad maxBytes.
 *
 * @example
 * const events = json<{ id: number; tags: string[] }>({ maxBytes: 512 });
 * events.encode({ id: 1, tags: ['a'] }, slot); events.decode(slot); // { id: 1, tags: ['a'] }
 * events.encode({ id: 1, at: new Date() } as never, slot);
 * // EncodeError: json codec: cannot encode {"id":1,"at":"..."} (.at is a Date: JSON cannot carry it (use codec.structured))
 */
export function json<T = unknown>(options?: MaxBytesOptions): Codec<T> {
  const opts = checkOptions('json', options, ['maxBytes']);
  const maxBytes = checkMaxBytes('json', 'maxBytes', opts['maxBytes'], JSON_MAX_BYTES);
  const slotBytes = LENGTH_PREFIX_BYTES + maxBytes;
  return Object.freeze({
    kind: 'json',
    slotBytes,
    wire: Object.freeze({ kind: 'json', maxBytes }),
    encode(value: T, slot: Uint8Array): void {
      if (slot.length !== slotBytes) throw badSlot('json', slot, slotBytes);
      const text = stringify(value);
      const size = utf8Overflow(text, maxBytes);
      if (size !== 0) throw new ValueTooLargeError('json', size, maxBytes);
      writeUtf8(text, slot, 0, maxBytes);
    },
    pack(value: T, slot: Uint8Array): Packed | null {
      if (slot.length !== slotBytes) throw badSlot('json', slot, slotBytes);
      const text = stringify(value);
      if (utf8Overflow(text, maxBytes) !== 0) return { bytes: Buffer.from(text, 'utf8'), sabs: null };
      writeUtf8(text, slot, 0, maxBytes);
      return null;
    },
    decode(slot: Uint8Array): T {
      if (slot.length !== slotBytes) throw badSlot('json', slot, slotBytes);
      return parse(readUtf8('json', slot, 0, maxBytes));
    },
    unpack(bytes: Uint8Array): T {
      return parse(decodeUtf8(bytes));
    },
  });
}

/** stringify checks that `value` is JSON and returns its text; EncodeError otherwise. */
function stringify(value: unknown): string {
  checkJson(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new EncodeError('json', describeValue(value), firstLine(e), e);
  }
  if (text === undefined) throw new EncodeError('json', describeValue(value), 'JSON.stringify gives no text for it');
  return text;
}

function parse<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new DecodeError('json', firstLine(e), e);
  }
}

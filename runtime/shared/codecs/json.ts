/**
 * The json codec: JSON.stringify's text in UTF-8 with a length prefix, in a slot of 4 + maxBytes bytes (slot-bytes.ts).
 */
import { DecodeError, EncodeError, ValueTooLargeError } from '../../errors.js';
import type { Codec } from '../codec.js';
import { LENGTH_PREFIX_BYTES } from './slot-bytes.js';
import { badSlot, checkMaxBytes, checkOptions, describeValue, firstLine, type MaxBytesOptions } from './options.js';
import { readUtf8, utf8Overflow, writeUtf8 } from './utf8.js';

/** JSON_MAX_BYTES is the default maxBytes of json(). */
export const JSON_MAX_BYTES = 1024;

/**
 * json makes a codec for values that JSON represents, of at most `maxBytes` bytes of UTF-8 JSON text (default
 * 1024). The receiver gets what `JSON.parse(JSON.stringify(value))` gives, with JSON's usual losses, which are not
 * errors: a Date arrives as its ISO string (toJSON), NaN and ±Infinity as null, a property whose value is undefined
 * or a function is dropped (null inside an array), a Map or Set as {}. For exact copies of such values use
 * structured(). `T` is the type you promise the other side sends; decode does not check it.
 *
 * encode throws EncodeError, before writing anything, for a value JSON.stringify refuses or has no text for:
 * undefined, a function or a symbol as the value itself, a bigint anywhere, a cycle, a throwing toJSON (the
 * original error is the EncodeError's `cause`); and ValueTooLargeError for text longer than maxBytes. decode throws
 * DecodeError for a slot that does not parse. json() throws InvalidArgumentError for a bad maxBytes.
 *
 * @example
 * const events = json<{ id: number; tags: string[] }>({ maxBytes: 512 });
 * events.encode({ id: 1, tags: ['a'] }, slot); events.decode(slot); // { id: 1, tags: ['a'] }
 * events.encode({ id: 1n } as never, slot);
 * // EncodeError: json codec: cannot encode [object Object] (Do not know how to serialize a BigInt)
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
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (e) {
        throw new EncodeError('json', describeValue(value), firstLine(e), e);
      }
      if (text === undefined) {
        throw new EncodeError('json', describeValue(value), 'JSON.stringify gives no text for it');
      }
      const size = utf8Overflow(text, maxBytes);
      if (size !== 0) throw new ValueTooLargeError('json', size, maxBytes);
      writeUtf8(text, slot, 0, maxBytes);
    },
    decode(slot: Uint8Array): T {
      if (slot.length !== slotBytes) throw badSlot('json', slot, slotBytes);
      const text = readUtf8('json', slot, 0, maxBytes);
      try {
        return JSON.parse(text) as T;
      } catch (e) {
        throw new DecodeError('json', firstLine(e), e);
      }
    },
  });
}

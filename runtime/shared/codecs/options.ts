/**
 * Argument checks of the codec factories and of encode/decode. Option errors are InvalidArgumentError naming the
 * factory, the option and the bad value (`string: maxBytes must be an integer in [1, 67108864], got 0`), thrown
 * when the codec is built, so a channel never starts with a codec that cannot work.
 */
import { DecodeError, InvalidArgumentError } from '../../panics.js';
import { checkIntegerIn, describe } from '../../validate.js';
import { MAX_BYTES_LIMIT } from './slot-bytes.js';

/** MaxBytesOptions are the options of the variable-size codecs. */
export interface MaxBytesOptions {
  /**
   * maxBytes is the size of a slot's value area in bytes, length prefix not included: an integer in [1, 64 Mi].
   * Default: 256 for string and bytes, 1024 for json and structured. The slot takes 4 + maxBytes bytes whatever the
   * value. Through a shared channel it is a performance hint: a value up to maxBytes travels in the slot, a longer
   * one out of line (slower); a codec's own encode into one slot refuses a longer value (ValueTooLargeError).
   */
  readonly maxBytes?: number;
}

/** describeValue renders a value for an error message, cut to 80 characters: a message should not hold a payload. */
export function describeValue(v: unknown): string {
  const s = describe(v);
  return s.length <= 80 ? s : `${s.slice(0, 77)}...`;
}

/** firstLine is the first line of an error's message, cut to 120 characters (V8's cycle report is multi-line). */
export function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const line = message.split('\n', 1)[0] ?? '';
  return line.length <= 120 ? line : `${line.slice(0, 117)}...`;
}

/** checkOptions is the one options check of every public API (runtime/validate.ts), used by every factory. */
export { checkOptions } from '../../validate.js';

/** checkMaxBytes requires an integer in [1, MAX_BYTES_LIMIT]; undefined means `fallback` if there is one. */
export function checkMaxBytes(fn: string, arg: string, v: unknown, fallback?: number): number {
  return v === undefined && fallback !== undefined ? fallback : checkIntegerIn(fn, arg, v, 1, MAX_BYTES_LIMIT);
}

/** badSlot is the error for a slot view of the wrong size: a bug in the channel, not in the value. */
export function badSlot(codec: string, slot: Uint8Array, slotBytes: number): InvalidArgumentError {
  return new InvalidArgumentError(`${codec} codec: slot must be ${slotBytes} bytes, got ${slot.length}`);
}

/** badLength is the DecodeError of a length prefix beyond maxBytes. */
export function badLength(codec: string, n: number, maxBytes: number): DecodeError {
  return new DecodeError(
    codec,
    `length prefix ${n} is more than maxBytes ${maxBytes}: corrupted memory or a different codec on the other side`,
  );
}

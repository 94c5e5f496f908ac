/**
 * The structured codec: v8.serialize's bytes with a length prefix, in a slot of 4 + maxBytes bytes (slot-bytes.ts).
 * A value holding shared memory travels through a shared channel only, out of line (faithful.ts, ../out-of-line.ts).
 */
import { deserialize, serialize } from 'node:v8';
import { DecodeError, EncodeError, ValueTooLargeError } from '../../panics.js';
import type { Codec, Packed } from './codec.js';
import { checkStructured, fromRefs, toRefs } from './faithful.js';
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
// A shared sync object in a value is rebuilt by fromWire: its kind must be registered on the receiving thread.
import '../sync/kinds.js';

/** STRUCTURED_MAX_BYTES is the default maxBytes of structured(). */
export const STRUCTURED_MAX_BYTES = 1024;

/**
 * structured makes a codec for what structured clone carries, and shared objects. Through a shared channel a value
 * whose v8.serialize form takes up to `maxBytes` bytes (default 1024) travels in its slot, and a longer one, or one
 * holding shared memory, out of line (slower, not refused); the codec's own encode into a slot refuses those.
 *
 * Carried faithfully: primitives including undefined, bigint, NaN and -0; arrays, plain objects, Map and Set (with
 * cycles and shared references); Date, RegExp, ArrayBuffer, typed arrays, DataView, Buffer (arrives as a Buffer),
 * boxed primitives; Error, with its message, stack and built-in name only (other properties, such as `code`, are
 * lost); and shared memory: a SharedArrayBuffer or a view of one arrives bound to the same memory, and a shared
 * object (a shared channel, SharedMutex, SharedRWMutex, SharedWaitGroup, SharedSemaphore, SharedOnce) arrives as
 * this thread's working object for it, also inside a select. `T` is the type you promise the other side sends;
 * decode does not check it. A decoded typed array over unshared memory is a view into a private copy of the bytes,
 * made afresh for every decode, but like v8.deserialize's own it may not start at byte 0 of its buffer.
 *
 * Nothing is lost silently: encode throws EncodeError, before writing anything, naming where in the value it is, for
 * a function, a symbol, a local channel (use a shared one), an instance of any other class (its prototype would be
 * lost), a plain object with symbol keys, or what v8.serialize refuses (the original error is the `cause`). The
 * codec's own encode also refuses shared memory (only a shared channel carries it) and a serialization longer than
 * maxBytes (ValueTooLargeError). decode throws DecodeError for bytes that do not deserialize. structured() throws
 * InvalidArgumentError for a bad maxBytes.
 *
 * @example
 * const requests = sharedChan(structured<{ n: number; reply: SharedChan<number> }>(), 16);
 * const reply = sharedChan(codec.int32, 1);
 * await requests.send({ n: 21, reply }); // the server, on any thread, gets `reply` bound to the same channel
 * await reply.recv(); // 42
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
      if (checkStructured(value)) {
        throw new EncodeError(
          'structured',
          describeValue(value),
          'it holds shared memory, which only a shared channel carries',
        );
      }
      const data = serializeChecked(value, value);
      if (data.length > maxBytes) throw new ValueTooLargeError('structured', data.length, maxBytes);
      write(data, slot);
    },
    pack(value: T, slot: Uint8Array): Packed | null {
      if (slot.length !== slotBytes) throw badSlot('structured', slot, slotBytes);
      if (checkStructured(value)) {
        const refs = toRefs(value);
        return { bytes: serializeChecked(refs.value, value), sabs: refs.sabs };
      }
      const data = serializeChecked(value, value);
      if (data.length > maxBytes) return { bytes: data, sabs: null };
      write(data, slot);
      return null;
    },
    decode(slot: Uint8Array): T {
      if (slot.length !== slotBytes) throw badSlot('structured', slot, slotBytes);
      const n = readUint32(slot, 0);
      if (n > maxBytes) throw badLength('structured', n, maxBytes);
      return deserializeCopy(slot.subarray(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + n)) as T;
    },
    unpack(bytes: Uint8Array, sabs: readonly SharedArrayBuffer[] | null): T {
      const v = deserializeCopy(bytes);
      return (sabs === null ? v : fromRefs(v, sabs)) as T;
    },
  });
}

/** serializeChecked serializes `v` (`shown`, the value as the caller sent it, names it in the EncodeError). */
function serializeChecked(v: unknown, shown: unknown): Uint8Array {
  try {
    return serialize(v);
  } catch (e) {
    throw new EncodeError('structured', describeValue(shown), firstLine(e), e);
  }
}

function write(data: Uint8Array, slot: Uint8Array): void {
  slot.set(data, LENGTH_PREFIX_BYTES);
  writeUint32(slot, 0, data.length);
}

/**
 * deserializeCopy deserializes a private copy of `bytes`: v8.deserialize makes typed arrays that are views of its
 * input, and `bytes` is shared memory that the next send overwrites. Fresh every time: the decoded value keeps it.
 */
function deserializeCopy(bytes: Uint8Array): unknown {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  try {
    return deserialize(copy);
  } catch (e) {
    throw new DecodeError('structured', firstLine(e), e);
  }
}

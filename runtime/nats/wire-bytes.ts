/**
 * WireBytes turns a shared-channel codec into the bytes of one NATS message and back.
 *
 * A variable-size codec (string, bytes, json, structured) sends its payload alone, without the slot's length prefix
 * and without the slot's unused tail: pack() either hands the payload over (a value longer than maxBytes) or writes
 * it into a scratch slot, whose prefix says how much of it to send. unpack() reads it back. A fixed-size codec
 * (int32, uint32, float64, bigint64, bool, record, or a codec of your own) sends its whole slot, encode()d.
 *
 * Shared memory cannot cross the network: a structured value holding a SharedArrayBuffer or a shared object is an
 * EncodeError at the send, before anything is published.
 */
import { DecodeError, EncodeError } from '../panics.js';
import type { Codec } from '../internal.js';

/** WireBytes encodes a value into a message payload and decodes it back. */
export interface WireBytes<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

/** wireBytes makes the WireBytes of `codec` (checked by the caller with checkCodec). */
export function wireBytes<T>(codec: Codec<T>): WireBytes<T> {
  const { pack, unpack } = codec;
  if (pack !== undefined && unpack !== undefined) {
    // One scratch slot per channel, allocated on the first send: encode copies out of it before returning.
    let scratch: Uint8Array | null = null;
    return {
      encode(value: T): Uint8Array {
        scratch ??= new Uint8Array(codec.slotBytes);
        const packed = pack.call(codec, value, scratch);
        if (packed === null) {
          const n = scratch[0]! | (scratch[1]! << 8) | (scratch[2]! << 16) | (scratch[3]! * 2 ** 24);
          return scratch.slice(4, 4 + n);
        }
        if (packed.sabs !== null) {
          throw new EncodeError(codec.kind, 'the value', 'it holds shared memory, which cannot cross the network');
        }
        return packed.bytes;
      },
      decode(bytes: Uint8Array): T {
        return unpack.call(codec, bytes, null);
      },
    };
  }
  return {
    encode(value: T): Uint8Array {
      const slot = new Uint8Array(codec.slotBytes);
      codec.encode(value, slot);
      return slot;
    },
    decode(bytes: Uint8Array): T {
      if (bytes.length !== codec.slotBytes) {
        throw new DecodeError(
          codec.kind,
          `a message of ${bytes.length} bytes for a slot of ${codec.slotBytes}: a different codec on the other side`,
        );
      }
      return codec.decode(bytes);
    },
  };
}

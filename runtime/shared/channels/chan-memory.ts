/**
 * A shared channel's buffer, sized and stamped when the channel is made, and checked against the codec of every
 * thread that binds to it (fromWire).
 *
 * The buffer's header holds what never changes once the channel is made (layout.ts): CAP, SLOT_BYTES, and CODEC, a
 * 32-bit stamp of the codec's wire. A wire carries the buffer and a codec description, and either may be wrong: a
 * worker that rebuilds an int32 channel with bigint64 would write 8-byte values into 4-byte slots, over the next
 * slot's sequence word, and a receiver would then read a ring that no longer makes sense. So before a thread binds
 * to a buffer, checkChanMemory requires the header to describe a channel that fits the buffer exactly, and the codec
 * to have the header's slot size and stamp; anything else is an InvalidArgumentError at fromWire, and nothing is
 * written.
 *
 * Invariant: a SharedChan is only ever constructed over a buffer that allocateChan made or checkChanMemory passed.
 */
import { InvalidArgumentError } from '../../panics.js';
import { describe } from '../../validate.js';
import type { Codec } from '../codecs/codec.js';
import { MAX_SLOT_BYTES } from '../codecs/check-codec.js';
import { CAP, CODEC, geometry, OFFERS, SLOT_BYTES } from './layout.js';
import { MAX_RING_CAP } from './ring.js';

/**
 * MAX_CHAN_BYTES is the largest buffer of one shared channel, 4 GiB: a Uint8Array (which a channel keeps over its
 * whole buffer) holds at most 2^32 bytes in Node 20.
 */
export const MAX_CHAN_BYTES = 2 ** 32;

const HEADER_BYTES = OFFERS * 4;

/**
 * codecStamp is a 32-bit FNV-1a hash of the text of `codec.wire`: equal for the same codec kind and options on every
 * thread (a codec rebuilt by codecFromWire has the same wire), different for different ones but by a 2^-32 chance.
 *
 * @example
 * codecStamp(codec.int32) === codecStamp(codecFromWire(codec.int32.wire)); // true
 */
export function codecStamp(codec: Codec<unknown>): number {
  let text: string;
  try {
    text = JSON.stringify(codec.wire) ?? describe(codec.wire);
  } catch {
    text = describe(codec.wire);
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * allocateChan makes the buffer of a new channel of capacity `cap` for `codec` (already checked by checkCodec) and
 * stamps the codec into its header. It throws InvalidArgumentError, naming `fn`, for a channel larger than
 * MAX_CHAN_BYTES or a buffer the machine cannot allocate.
 *
 * @example
 * const sab = allocateChan('sharedChan', codec.int32, 1024); // then new SharedChan(sab, codec.int32, { cap: 1024 })
 */
export function allocateChan(fn: string, codec: Codec<unknown>, cap: number): SharedArrayBuffer {
  const bytes = geometry(cap, codec.slotBytes).totalBytes;
  if (bytes > MAX_CHAN_BYTES) {
    throw new InvalidArgumentError(
      `${fn}: a channel of capacity ${cap} with ${codec.slotBytes}-byte slots takes ${bytes} bytes, more than the ` +
        `limit of ${MAX_CHAN_BYTES} (4 GiB) for one shared channel`,
    );
  }
  let sab: SharedArrayBuffer;
  try {
    sab = new SharedArrayBuffer(bytes);
  } catch (e) {
    throw new InvalidArgumentError(
      `${fn}: cannot allocate the ${bytes} bytes of a channel of capacity ${cap} with ${codec.slotBytes}-byte slots ` +
        `(${e instanceof Error ? e.message : String(e)})`,
    );
  }
  new Int32Array(sab, 0, OFFERS)[CODEC] = codecStamp(codec);
  return sab;
}

/**
 * checkChanMemory requires `sab` to be the buffer of a shared channel made with `codec` (see the file comment) and
 * returns it. `fn` names the caller in the InvalidArgumentError.
 *
 * @example
 * checkChanMemory('fromWire', toWire(sharedChan(int32, 4))['sab'], bigint64);
 * // InvalidArgumentError: fromWire: codec bigint64 has 8-byte slots, but the channel was made with a codec of
 * // 4-byte slots
 */
export function checkChanMemory(fn: string, sab: unknown, codec: Codec<unknown>): SharedArrayBuffer {
  if (!(sab instanceof SharedArrayBuffer)) {
    throw new InvalidArgumentError(`${fn}: sab must be the SharedArrayBuffer of a shared channel, got ${describe(sab)}`);
  }
  const notChan = (why: string): InvalidArgumentError =>
    new InvalidArgumentError(`${fn}: not the shared memory of a shared channel: ${why}`);
  if (sab.byteLength < HEADER_BYTES) {
    throw notChan(`its ${sab.byteLength} bytes are fewer than the ${HEADER_BYTES} of a channel's header`);
  }
  const header = new Int32Array(sab, 0, OFFERS);
  const cap = header[CAP]!;
  const slotBytes = header[SLOT_BYTES]!;
  if (cap < 0 || cap > MAX_RING_CAP) throw notChan(`its capacity word is ${cap}, outside [0, ${MAX_RING_CAP}]`);
  if (slotBytes < 1 || slotBytes > MAX_SLOT_BYTES) {
    throw notChan(`its slot size word is ${slotBytes}, outside [1, ${MAX_SLOT_BYTES}]`);
  }
  const bytes = geometry(cap, slotBytes).totalBytes;
  if (sab.byteLength !== bytes) {
    throw notChan(
      `a channel of capacity ${cap} with ${slotBytes}-byte slots takes ${bytes} bytes, the buffer has ${sab.byteLength}`,
    );
  }
  if (codec.slotBytes !== slotBytes) {
    throw new InvalidArgumentError(
      `${fn}: codec ${codec.kind} has ${codec.slotBytes}-byte slots, but the channel was made with a codec of ` +
        `${slotBytes}-byte slots`,
    );
  }
  if (codecStamp(codec) !== header[CODEC]) {
    throw new InvalidArgumentError(
      `${fn}: codec ${describe(codec.wire)} is not the codec the channel was made with (the same slot size, but ` +
        'another kind or other options)',
    );
  }
  return sab;
}

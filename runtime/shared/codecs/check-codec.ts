/**
 * checkCodec: what sharedChan requires of a codec, built-in or written by a user (the Codec interface, codec.ts),
 * checked field by field before a byte of shared memory exists. A slot size that is NaN or missing would make a
 * channel whose values vanish (a slot of no bytes), a negative one a RangeError deep in an allocation: each is an
 * InvalidArgumentError naming the field and its value (`sharedChan: codec.slotBytes must be an integer in [1,
 * 67108868], got NaN`).
 *
 * A codec is an object with methods, not an options bag: members beyond the interface are allowed.
 */
import { InvalidArgumentError } from '../../panics.js';
import { describe } from '../../validate.js';
import type { Codec } from './codec.js';
import { LENGTH_PREFIX_BYTES, MAX_BYTES_LIMIT } from './slot-bytes.js';

/** MAX_SLOT_BYTES is the largest slot a codec may ask for: a length prefix and MAX_BYTES_LIMIT bytes (64 MiB + 4). */
export const MAX_SLOT_BYTES = LENGTH_PREFIX_BYTES + MAX_BYTES_LIMIT;

/**
 * checkCodec requires `codec` to be a Codec (see codec.ts): a non-empty string kind, an integer slotBytes in
 * [1, MAX_SLOT_BYTES], encode and decode functions, encodeAt and decodeAt both functions or both absent, and a wire
 * that is an object with a string kind. `fn` names the caller in the InvalidArgumentError.
 *
 * @example
 * checkCodec('sharedChan', { ...codec.int32, slotBytes: NaN });
 * // InvalidArgumentError: sharedChan: codec.slotBytes must be an integer in [1, 67108868], got NaN
 */
export function checkCodec<T>(fn: string, codec: Codec<T>): Codec<T> {
  if (typeof codec !== 'object' || codec === null) {
    throw new InvalidArgumentError(`${fn}: codec must be a gocsp codec (int32, string(), json(), ...), got ${describe(codec)}`);
  }
  const c = codec as unknown as Record<string, unknown>;
  const bad = (field: string, want: string): InvalidArgumentError =>
    new InvalidArgumentError(`${fn}: codec.${field} must be ${want}, got ${describe(c[field])}`);
  if (typeof c['kind'] !== 'string' || c['kind'] === '') throw bad('kind', 'a non-empty string');
  const slotBytes = c['slotBytes'];
  if (typeof slotBytes !== 'number' || !Number.isInteger(slotBytes) || slotBytes < 1 || slotBytes > MAX_SLOT_BYTES) {
    throw bad('slotBytes', `an integer in [1, ${MAX_SLOT_BYTES}]`);
  }
  for (const m of ['encode', 'decode']) if (typeof c[m] !== 'function') throw bad(m, 'a function');
  const fast = (c['encodeAt'] === undefined ? 0 : 1) + (c['decodeAt'] === undefined ? 0 : 1);
  if (fast === 1) {
    const missing = c['encodeAt'] === undefined ? 'encodeAt' : 'decodeAt';
    throw bad(missing, 'a function when the other of encodeAt and decodeAt is given');
  }
  if (fast === 2) for (const m of ['encodeAt', 'decodeAt']) if (typeof c[m] !== 'function') throw bad(m, 'a function');
  const wire = c['wire'];
  if (typeof wire !== 'object' || wire === null || typeof (wire as { kind?: unknown }).kind !== 'string') {
    throw bad('wire', 'an object with a string kind (what codecFromWire rebuilds the codec from)');
  }
  return codec;
}

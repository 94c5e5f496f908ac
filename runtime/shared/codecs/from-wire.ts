/**
 * codecFromWire: a codec rebuilt on another thread from its `wire`.
 */
import { InvalidArgumentError } from '../../panics.js';
import { describe } from '../../validate.js';
import type { Codec, CodecWire } from './codec.js';
import { bytes } from './bytes.js';
import { json } from './json.js';
import { record } from './record.js';
import type { RecordFields } from './record-fields.js';
import { bigint64, bool, float64, int32, uint32 } from './scalars.js';
import { string } from './string.js';
import { structured } from './structured.js';

/**
 * codecFromWire rebuilds a codec from the plain-data `wire` of a codec made on any thread (a wire survives
 * postMessage and structured clone). The scalar codecs come back as the same singletons; the others as new codecs
 * with the same options, so the same slot layout.
 *
 * It throws InvalidArgumentError for a wire that is not an object with a known `kind`, and the factory's
 * InvalidArgumentError for bad options in it.
 *
 * @example
 * // main thread
 * worker.postMessage({ sab, codec: string({ maxBytes: 64 }).wire });
 * // worker
 * const codec = codecFromWire(msg.codec) as Codec<string>;
 */
export function codecFromWire(wire: CodecWire): Codec<unknown> {
  if (typeof wire !== 'object' || wire === null || typeof wire.kind !== 'string') {
    throw new InvalidArgumentError(`codecFromWire: wire must be an object with a string kind, got ${describe(wire)}`);
  }
  switch (wire.kind) {
    case 'int32':
      return int32;
    case 'uint32':
      return uint32;
    case 'float64':
      return float64;
    case 'bigint64':
      return bigint64;
    case 'bool':
      return bool;
    case 'string':
      return string(maxBytesOf(wire));
    case 'bytes':
      return bytes(maxBytesOf(wire));
    case 'json':
      return json(maxBytesOf(wire));
    case 'structured':
      return structured(maxBytesOf(wire));
    case 'record':
      return record({ fields: wire['fields'] as RecordFields }) as Codec<unknown>;
    default:
      throw new InvalidArgumentError(`codecFromWire: unknown codec kind ${JSON.stringify(wire.kind)}`);
  }
}

// The wire of a variable-size codec always carries maxBytes. A missing one must not fall back to the default, which
// could differ from the sender's slot size; a bad one is the factory's InvalidArgumentError.
function maxBytesOf(wire: CodecWire): { maxBytes: number } {
  const maxBytes = wire['maxBytes'];
  if (maxBytes === undefined) {
    throw new InvalidArgumentError(`codecFromWire: a ${wire.kind} wire must have maxBytes, got ${describe(wire)}`);
  }
  return { maxBytes: maxBytes as number };
}

/**
 * codec groups the codecs of shared channels, so a channel reads `sharedChan(codec.int32, 1024)` or
 * `sharedChan(codec.json<Job>({ maxBytes: 4096 }))`. See runtime/shared/codecs/codec.ts for what a codec is.
 *
 * - int32, uint32, float64, bigint64, bool: fixed-size numbers, written straight into their slot.
 * - string({ maxBytes }), bytes({ maxBytes }): UTF-8 text and Uint8Array, length-prefixed.
 * - json({ maxBytes }), structured({ maxBytes }): JSON values, and what structured clone carries (Map, Date, ...)
 *   plus shared objects (a reply channel, a SharedMutex...). Through a shared channel, a value of these four longer
 *   than maxBytes is stored out of line: maxBytes is a performance hint.
 * - record({ fields }): a fixed layout of named numeric, boolean and bounded string fields.
 */
import { bytes } from './bytes.js';
import { json } from './json.js';
import { record } from './record.js';
import { bigint64, bool, float64, int32, uint32 } from './scalars.js';
import { string } from './string.js';
import { structured } from './structured.js';

/**
 * codec holds the codecs a shared channel stores its values with: int32, uint32, float64, bigint64 and bool
 * (fixed-size numbers), string, bytes, json and structured (length-prefixed, `{ maxBytes }` a performance hint), and
 * record (a fixed layout of named fields).
 *
 * @example
 * const jobs = sharedChan(codec.json<Job>({ maxBytes: 4096 }), 128);
 * const points = sharedChan(codec.record({ fields: { x: 'float64', y: 'float64' } }), 1024);
 */
export const codec = Object.freeze({ int32, uint32, float64, bigint64, bool, string, bytes, json, structured, record });

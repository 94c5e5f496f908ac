/**
 * fromReadable: a Node Readable pumped into a channel by a goroutine, with the stream's own backpressure: while the
 * channel is full the stream is not read, its buffer fills to its highWaterMark and Node stops calling `_read`.
 */
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../panics.js';
import { checkCount, describe } from '../validate.js';
import { type CancelOptions, checkOptions } from './cancel-options.js';
import { isReadable } from './readable-iterator.js';
import { PumpChan, type SourceChan } from './source-chan.js';

/**
 * fromReadable starts a goroutine that reads `readable` (with read(), on demand) and sends each chunk on a new
 * channel of `capacity` (default 0), awaiting each send. In object mode a chunk is one object; in byte mode it is
 * every byte buffered when the pump reads, as a Buffer (a string after `readable.setEncoding(...)`), so chunk
 * boundaries are the stream's, not lines. Memory is bounded: capacity chunks in the channel, one in the pump's hand,
 * and the stream's highWaterMark.
 *
 * The channel is closed at the stream's end. The stream's 'error' (or ERR_STREAM_PREMATURE_CLOSE if it is destroyed
 * before its end) closes it too, after the chunks already sent, and is what `err()` returns and what `for await`
 * over the channel throws. `stop()`, `options.ctx` and `options.signal` destroy the stream at once (err() null for
 * stop, the cause otherwise). The pump listens to the stream from this call on, so an early 'error' is not lost;
 * do not read the stream elsewhere meanwhile.
 *
 * Throws InvalidArgumentError if `readable` is not a Readable, `capacity` is not a non-negative safe integer, or an
 * option is not what it should be.
 *
 * @example
 * const chunks = fromReadable<Buffer>(createReadStream('data.csv'), 4, { ctx });
 * for await (const chunk of chunks) bytes += chunk.length; // throws ENOENT if the file is missing
 */
export function fromReadable<T = Buffer>(readable: Readable, capacity = 0, options?: CancelOptions): SourceChan<T> {
  if (!isReadable(readable)) {
    throw new InvalidArgumentError(`fromReadable: readable must be a stream.Readable, got ${describe(readable)}`);
  }
  checkCount('fromReadable', 'capacity', capacity);
  return new PumpChan<T>(readable, capacity, checkOptions('fromReadable', options));
}

/**
 * Codec is how a shared-memory channel stores its values: every value lives in a fixed-size slot of a
 * SharedArrayBuffer, so a codec says how many bytes a slot has and how to encode into and decode from one.
 *
 * Fixed-size numbers go straight into their slot. Variable-size values (strings, bytes, JSON, structured clones) are
 * encoded with a length prefix into a slot of 4 + `maxBytes` bytes. Through a shared channel, a longer value, or one
 * that holds shared memory, is stored out of line instead (pack, and runtime/shared/channels/out-of-line.ts), so
 * maxBytes is the size up to which values travel in the slot itself, a performance hint; a codec's own encode, which
 * writes one slot, throws ValueTooLargeError for it. A value the codec cannot carry faithfully is an EncodeError,
 * before anything is written. A slot is never left half-written.
 *
 * A codec crosses threads as its `wire` description (plain data) and is rebuilt there by codecFromWire.
 *
 * The codecs live in runtime/shared/codecs/, one file per family: scalars.ts (int32, uint32, float64, bigint64,
 * bool), string.ts, bytes.ts, json.ts, structured.ts, record.ts, and from-wire.ts (codecFromWire). Their byte layout,
 * little-endian throughout, is drawn in codecs/slot-bytes.ts. A slot view may start at any byte offset: codecs assume no
 * alignment.
 */

/**
 * CodecWire is the plain-data description of a codec, enough to rebuild it on another thread.
 *
 * @example
 * const w: CodecWire = codec.string({ maxBytes: 64 }).wire;
 * w.kind; // 'string'
 * JSON.stringify(w); // plain data, so it crosses threads in a postMessage
 */
export interface CodecWire {
  readonly kind: string;
  readonly [option: string]: unknown;
}

/**
 * Codec is how a shared channel stores values of type T in fixed-size slots of shared memory: slotBytes, encode
 * (which throws EncodeError or ValueTooLargeError before writing anything) and decode, plus `wire`, the plain data
 * that rebuilds it on another thread. Use the ones in `codec`; write one only for a layout of your own.
 *
 * @example
 * const c: Codec<number> = codec.int32;
 * const slot = new Uint8Array(c.slotBytes);
 * c.encode(42, slot);
 * c.decode(slot); // 42
 */
export interface Codec<T> {
  /** kind names the codec: 'int32', 'uint32', 'float64', 'bigint64', 'bool', 'string', 'bytes', 'json', 'structured', 'record'. */
  readonly kind: string;
  /** slotBytes is the fixed size of one slot, length prefix included. */
  readonly slotBytes: number;
  /**
   * encode writes `value` into `slot` (a view of exactly slotBytes bytes). It throws ValueTooLargeError or
   * EncodeError without writing anything, so a failed send corrupts nothing.
   */
  encode(value: T, slot: Uint8Array): void;
  /** decode reads the value from `slot`. */
  decode(slot: Uint8Array): T;
  /**
   * encodeAt, when present, is the fast path of encode: it writes `value` into the slotBytes bytes of `view` that
   * start at `byteOffset` (any offset, aligned or not), with the same checks and the same bytes as encode. The
   * scalar codecs (int32, uint32, float64, bigint64, bool) offer it; a channel that holds one DataView over its
   * data area should prefer it, because building a Uint8Array per slot costs more than the encode itself.
   */
  encodeAt?(value: T, view: DataView, byteOffset: number): void;
  /** decodeAt, present together with encodeAt, reads the value at `byteOffset` of `view`. */
  decodeAt?(view: DataView, byteOffset: number): T;
  /** wire describes the codec as plain data for codecFromWire on another thread. */
  readonly wire: CodecWire;
  /**
   * pack, on the variable-size codecs, is what a shared channel calls instead of encode: the same checks
   * (EncodeError, before anything is written), then, if the value fits `slot` and holds no shared memory, it writes
   * it there as encode does and returns null; otherwise it writes nothing and returns the value packed, for the
   * channel to store out of line. It never throws ValueTooLargeError.
   */
  pack?(value: T, slot: Uint8Array): Packed | null;
  /** unpack decodes what pack returned (`bytes` may be a view of shared memory: it copies what it keeps). */
  unpack?(bytes: Uint8Array, sabs: readonly SharedArrayBuffer[] | null): T;
}

/**
 * Packed is a value as a variable-size codec packs it for storage out of its slot: its payload bytes and the
 * SharedArrayBuffers it holds (structured only; null: none).
 *
 * @example
 * const c = codec.string({ maxBytes: 4 });
 * const slot = new Uint8Array(c.slotBytes);
 * const p: Packed | null | undefined = c.pack?.('longer than four bytes', slot); // too long for the slot: packed
 * if (p) c.unpack?.(p.bytes, p.sabs); // 'longer than four bytes'
 */
export interface Packed {
  readonly bytes: Uint8Array;
  readonly sabs: readonly SharedArrayBuffer[] | null;
}

/**
 * FixedCodec is a codec with the DataView fast path: encode and decode allocate nothing (bigint64's decode excepted:
 * a bigint is a heap object), and encodeAt/decodeAt skip building a view of the slot.
 */
export interface FixedCodec<T> extends Codec<T> {
  encodeAt(value: T, view: DataView, byteOffset: number): void;
  decodeAt(view: DataView, byteOffset: number): T;
}

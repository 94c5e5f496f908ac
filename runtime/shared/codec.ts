/**
 * Codec is how a shared-memory channel stores its values: every value lives in a fixed-size slot of a
 * SharedArrayBuffer, so a codec says how many bytes a slot has and how to encode into and decode from one.
 *
 * Fixed-size numbers go straight into their slot. Variable-size values (strings, bytes, JSON, structured clones)
 * are encoded with a length prefix into a slot of `maxBytes`; a value that does not fit is a ValueTooLargeError at
 * the send, before anything is written, and a value the codec cannot encode is an EncodeError. A slot is never left
 * half-written.
 *
 * A codec crosses threads as its `wire` description (plain data) and is rebuilt there by codecFromWire.
 */

/** CodecWire is the plain-data description of a codec, enough to rebuild it on another thread. */
export interface CodecWire {
  readonly kind: string;
  readonly [option: string]: unknown;
}

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
  /** wire describes the codec as plain data for codecFromWire on another thread. */
  readonly wire: CodecWire;
}

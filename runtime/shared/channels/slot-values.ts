/**
 * SlotValues moves a shared channel's values into and out of its slots (ring positions and offers, layout.ts), for
 * both flavors (ring-flavor.ts, offer-flavor.ts): a codec with the scalar fast path writes straight into shared
 * memory, other codecs go through a scratch buffer, and a value the slot cannot carry (too long, or holding shared
 * memory) is stored out of line (out-of-line.ts) with a reference in the slot.
 *
 * Checking comes first: check(value) encodes into the scratch (or packs a value for out of line) and throws for a bad
 * value before anything shared changes; put() then writes what check() prepared.
 */
import type { Codec, Packed } from '../codecs/codec.js';
import { discard, isOutOfLine, load, refAt, store, writeRef } from './out-of-line.js';

/** Pending is a reference to a value out of line, taken under a lock and loaded once it is released. */
export class Pending {
  constructor(readonly ref: number) {}
}

export class SlotValues<T> {
  readonly codec: Codec<T>;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  /** fixed: the codec has the DataView fast path (scalars), so values are written in place, never via scratch. */
  readonly fixed: boolean;
  /** packs: the codec can store values out of line (codec.pack), so a slot may hold a reference. */
  readonly packs: boolean;
  /** packed is the value check() packed for out of line (null: check() wrote it into the scratch). */
  packed: Packed | null = null;
  readonly #slotBytes: number;
  readonly #scratch: Uint8Array;
  readonly #scratchView: DataView;
  /** Views of the slots decoded so far, by byte offset (decode needs a view; making one per value allocates). */
  readonly #views = new Map<number, Uint8Array>();

  constructor(sab: SharedArrayBuffer, codec: Codec<T>, slotBytes: number) {
    this.codec = codec;
    this.u8 = new Uint8Array(sab);
    this.dv = new DataView(sab);
    this.#slotBytes = slotBytes;
    this.#scratch = new Uint8Array(slotBytes);
    this.#scratchView = new DataView(new ArrayBuffer(slotBytes));
    this.fixed = typeof codec.encodeAt === 'function' && typeof codec.decodeAt === 'function';
    this.packs = !this.fixed && typeof codec.pack === 'function' && typeof codec.unpack === 'function';
  }

  /**
   * check encodes `value` into the scratch: it throws for a bad value before anything shared changes. A value to go
   * out of line is left in `packed` instead, for the caller to store (storePacked) or drop (set `packed` to null).
   */
  check(value: T): void {
    if (this.fixed) this.codec.encodeAt!(value, this.#scratchView, 0);
    else if (this.packs) this.packed = this.codec.pack!(value, this.#scratch);
    else this.codec.encode(value, this.#scratch);
  }

  /**
   * put writes `value`, which check() just encoded, at byte `offset` (scalars straight, others from the scratch, a
   * value out of line stored now: only where the caller can undo its step if storing throws).
   */
  put(value: T, offset: number): void {
    if (this.fixed) this.codec.encodeAt!(value, this.dv, offset);
    else if (this.packed !== null) writeRef(this.u8, offset, this.storePacked());
    else this.u8.set(this.#scratch, offset);
  }

  /** storePacked stores the value check() packed out of line and returns its reference (it throws if it cannot). */
  storePacked(): number {
    const packed = this.packed!;
    this.packed = null;
    return store(packed, this.codec.kind);
  }

  /**
   * prepare stores `value` out of line if its slot cannot carry it, and returns the reference (undefined: nothing
   * stored, the value goes into the slot when it is sent).
   */
  prepare(value: T): number | undefined {
    if (!this.packs) return undefined;
    this.check(value);
    return this.packed === null ? undefined : this.storePacked();
  }

  /** writeRef writes reference `ref` of a value out of line at byte `offset`. */
  writeRef(offset: number, ref: number): void {
    writeRef(this.u8, offset, ref);
  }

  /** isRef reports whether the slot at byte `offset` holds a reference to a value out of line. */
  isRef(offset: number): boolean {
    return this.packs && isOutOfLine(this.u8, offset);
  }

  /** refAt is the reference held by the slot at byte `offset` (isRef). */
  refAt(offset: number): number {
    return refAt(this.u8, offset);
  }

  /** grab reads the value at byte `offset` under a lock: decoded, or a Pending reference to load after it. */
  grab(offset: number): unknown {
    if (this.isRef(offset)) return new Pending(refAt(this.u8, offset));
    return this.decodeAt(offset);
  }

  /** load loads the value of reference `ref` out of line (and lets its block go). */
  load(ref: number): T {
    return load(ref, this.codec);
  }

  /** discard lets go of reference `ref`: its value will never be received. */
  discard(ref: number): void {
    discard(ref, this.codec.kind);
  }

  /** discardAt lets go of the value at byte `offset` if it is out of line (it will never be received). */
  discardAt(offset: number): void {
    if (this.isRef(offset)) discard(refAt(this.u8, offset), this.codec.kind);
  }

  decodeAt(offset: number): T {
    if (this.fixed) return this.codec.decodeAt!(this.dv, offset);
    let view = this.#views.get(offset);
    if (view === undefined) {
      view = this.u8.subarray(offset, offset + this.#slotBytes);
      this.#views.set(offset, view);
    }
    return this.codec.decode(view);
  }
}

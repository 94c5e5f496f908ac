/**
 * Ring is the buffer of a buffered shared channel: a bounded multi-producer multi-consumer queue in shared memory
 * that takes no lock (after Dmitry Vyukov's bounded MPMC queue: every slot carries a sequence word that says whose
 * turn it is).
 *
 *   TAIL word   the next position to send into, plus CLOSED_BIT once the channel is closed   (own cache line)
 *   HEAD word   the next position to receive from                                            (own cache line)
 *   slot i      SEQ (Int32) then the value's slotBytes, padded to 4 bytes
 *
 * SEQ counts in half steps: 2p while the slot is free for position p, 2p + 1 once p's value is in it (whole steps,
 * as in Vyukov's queue, cannot tell "full" from "free" when cap is 1). A sender reads TAIL = p, checks that slot
 * p % cap has SEQ = 2p, claims p with a CAS on TAIL, writes the value and publishes it with SEQ = 2p + 1. A receiver
 * reads HEAD = h, checks SEQ = 2h + 1, claims h with a CAS on HEAD, reads the value and frees the slot for the next
 * lap with SEQ = 2(h + cap). A sender and
 * a receiver so share only the slots they pass over, never a lock: one thread can send while another receives,
 * each on its own cache lines.
 *
 * Positions count modulo LIMIT, a multiple of cap up to 2^29 (SEQ modulo 2 LIMIT), so they fit an Int32 beside
 * CLOSED_BIT and p % cap is the slot. Closing sets CLOSED_BIT in TAIL: a sender's claim is a CAS on the TAIL word it read without the bit, so no
 * value can enter after the close, and a send that claimed its position before the close still completes (its
 * value is received before the receivers see the close, as in Go: a channel is drained before it reports closed).
 *
 * Ordering: a position is claimed by an Atomics CAS and a value published or freed by an Atomics store of SEQ, both
 * sequentially consistent and full barriers: a value's bytes are written after the claim and before the publishing
 * store, and read after the claim, which follows the load that saw the value published. The first reads of TAIL,
 * HEAD and SEQ in reservePush/reservePop are plain reads (an Atomics.load costs ~8 ns here, as much as the CAS): a
 * stale one can only show an older state, which the CAS rejects, and "full" and "empty" are confirmed with Atomics
 * loads before they are reported.
 */

/** The results of reservePush / reservePop that are not a position. */
export const RING_FULL = -1;
export const RING_EMPTY = -1;
export const RING_CLOSED = -2;

const CLOSED_BIT = 1 << 30;
const POS_MASK = CLOSED_BIT - 1;

/** MAX_RING_CAP is the largest capacity a ring takes: positions must leave room for at least 4 laps below 2^29. */
export const MAX_RING_CAP = 1 << 27;

/** slotStride is the bytes one slot of a ring takes: its SEQ word and a value of `slotBytes`, 4-byte aligned. */
export function slotStride(slotBytes: number): number {
  return 4 + ((slotBytes + 3) & ~3);
}

export class Ring {
  readonly #w: Int32Array;
  readonly #cap: number;
  /** #mask is cap - 1 when cap is a power of two (slot = p & mask), else -1 (slot = p % cap). */
  readonly #mask: number;
  /** #limit: positions count modulo #limit, SEQ values modulo 2 * #limit. */
  readonly #limit: number;
  readonly #tail: number;
  readonly #head: number;
  /** #base is the word index of slot 0's SEQ; #strideWords the words from one slot to the next. */
  readonly #base: number;
  readonly #strideWords: number;

  /**
   * A ring over `words` (the channel's buffer): TAIL at word `tail`, HEAD at word `head`, `cap` slots of `slotBytes`
   * starting at byte `ringOffset`. `init` lays out a new ring (every SEQ = its slot index). `limit` (tests only:
   * every thread must use the same) is where positions wrap, a multiple of cap of at least 2 cap.
   */
  constructor(
    words: Int32Array,
    tail: number,
    head: number,
    ringOffset: number,
    cap: number,
    slotBytes: number,
    init: boolean,
    limit = cap * Math.floor((1 << 29) / cap),
  ) {
    this.#w = words;
    this.#cap = cap;
    this.#mask = (cap & (cap - 1)) === 0 ? cap - 1 : -1;
    this.#limit = limit;
    this.#tail = tail;
    this.#head = head;
    this.#base = ringOffset / 4;
    this.#strideWords = slotStride(slotBytes) / 4;
    if (init) for (let i = 0; i < cap; i++) words[this.#base + i * this.#strideWords] = 2 * i;
  }

  /** valueOffset is the byte offset of the value of position `p`. */
  valueOffset(p: number): number {
    return this.#seqIndex(p) * 4 + 4;
  }

  /**
   * reservePush claims the next position to send into and returns it (write the value at valueOffset, then
   * publishPush); RING_FULL if the buffer is full, RING_CLOSED if the channel is closed.
   */
  reservePush(): number {
    const w = this.#w;
    for (;;) {
      const t = w[this.#tail]!;
      if (t >= CLOSED_BIT) return RING_CLOSED;
      const i = this.#seqIndex(t);
      const d = this.#diff(w[i]!, 2 * t);
      if (d === 0) {
        // A CAS on the word without CLOSED_BIT: it fails if the channel closed meanwhile.
        if (Atomics.compareExchange(w, this.#tail, t, this.#next(t)) === t) return t;
      } else if (d < 0) {
        // The slot still holds the value of the previous lap: full, unless TAIL moved on (or closed) meanwhile.
        if (Atomics.load(w, this.#tail) === t && this.#diff(Atomics.load(w, i), 2 * t) < 0) return RING_FULL;
      }
      // d > 0, a lost CAS or a moved TAIL: another sender took position t; try the next.
    }
  }

  /** publishPush makes the value written for position `p` visible to receivers. */
  publishPush(p: number): void {
    Atomics.store(this.#w, this.#seqIndex(p), 2 * p + 1);
  }

  /**
   * reservePop claims the oldest published position and returns it (read the value at valueOffset, then
   * releasePop); RING_EMPTY if nothing is there, RING_CLOSED if the channel is closed and drained.
   */
  reservePop(): number {
    const w = this.#w;
    for (;;) {
      const h = w[this.#head]!;
      const i = this.#seqIndex(h);
      const d = this.#diff(w[i]!, 2 * h + 1);
      if (d === 0) {
        if (Atomics.compareExchange(w, this.#head, h, this.#next(h)) === h) return h;
      } else if (d < 0) {
        if (Atomics.load(w, this.#head) !== h || this.#diff(Atomics.load(w, i), 2 * h + 1) === 0) continue;
        // Nothing published at h. Closed and drained only if no sender holds a position at or after h either (a
        // sender that claimed one before the close is still writing: its value comes first).
        const t = Atomics.load(w, this.#tail);
        return t >= CLOSED_BIT && (t & POS_MASK) === h ? RING_CLOSED : RING_EMPTY;
      }
    }
  }

  /** releasePop frees the slot of position `h` (its value read) for the sender of the next lap. */
  releasePop(h: number): void {
    const p = h + this.#cap;
    Atomics.store(this.#w, this.#seqIndex(h), 2 * (p >= this.#limit ? p - this.#limit : p));
  }

  /** canPop reports whether a value is published at HEAD (a hint: another receiver may take it first). */
  canPop(): boolean {
    const h = Atomics.load(this.#w, this.#head);
    return Atomics.load(this.#w, this.#seqIndex(h)) === 2 * h + 1;
  }

  /** canPush reports whether the slot at TAIL is free (a hint: another sender may take it first). */
  canPush(): boolean {
    const t = Atomics.load(this.#w, this.#tail);
    return t < CLOSED_BIT && Atomics.load(this.#w, this.#seqIndex(t)) === 2 * t;
  }

  /** close marks the ring closed; false if it already was. */
  close(): boolean {
    return (Atomics.or(this.#w, this.#tail, CLOSED_BIT) & CLOSED_BIT) === 0;
  }

  get closed(): boolean {
    return Atomics.load(this.#w, this.#tail) >= CLOSED_BIT;
  }

  /** length is the number of positions sent into and not yet received from (Go's len). */
  get length(): number {
    // HEAD first: it never passes TAIL, so TAIL read after it is at or past it (modulo the wrap).
    const h = Atomics.load(this.#w, this.#head);
    let n = (Atomics.load(this.#w, this.#tail) & POS_MASK) - h;
    if (n < 0) n += this.#limit;
    return n > this.#cap ? this.#cap : n;
  }

  #seqIndex(p: number): number {
    return this.#base + (this.#mask >= 0 ? p & this.#mask : p % this.#cap) * this.#strideWords;
  }

  #next(p: number): number {
    return p + 1 === this.#limit ? 0 : p + 1;
  }

  /** #diff is a - b between SEQ values (modulo 2 LIMIT), taking the wrap into account. */
  #diff(a: number, b: number): number {
    const d = a - b;
    return d > this.#limit ? d - 2 * this.#limit : d < -this.#limit ? d + 2 * this.#limit : d;
  }
}

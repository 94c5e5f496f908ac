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
 * lap with SEQ = 2(h + cap). A sender and a receiver so share only the slots they pass over, never a lock: one
 * thread can send while another receives, each on its own cache lines.
 *
 * Positions count modulo LIMIT, a multiple of cap up to 2^29 (SEQ modulo 2 LIMIT), so they fit an Int32 beside
 * CLOSED_BIT and p % cap is the slot. Closing sets CLOSED_BIT in TAIL, then a closed flag that receivers read (so
 * that they never poll TAIL, the sender's line): a sender's claim is a CAS on the TAIL word it read without the bit,
 * so no value can enter after the close, and a send that claimed its position before the close still completes (its
 * value is received before the receivers see the close, as in Go: a channel is drained before it reports closed).
 *
 * A thread that dies between claiming a position and finishing with it (worker.terminate(), out of memory) would
 * stop the ring there for good: every thread keeps a record in the channel of the position it holds (RECORD_WORDS
 * per thread: PUSH and POP, position + 1 or 0, and TOKEN, its registry owner token), written with plain stores right
 * after the claim and cleared after the publish or free. recover() finishes what dead threads held: a claimed
 * send is published as skipped (SEQ = (2p + 1) | SKIP: receivers step over it, as the send never completed), a
 * claimed receive is freed (the value went with its receiver, as when a goroutine dies right after a receive).
 *
 * Ordering: a position is claimed by an Atomics CAS and a value published or freed by an Atomics store of SEQ, both
 * sequentially consistent and full barriers: a value's bytes are written after the claim and before the publishing
 * store, and read after the claim, which follows the load that saw the value published. The first reads of TAIL,
 * HEAD and SEQ in reservePush/reservePop are plain reads (an Atomics.load costs about what the CAS does, see
 * bench/RESULTS.md): a stale one can only show an older state, which the CAS rejects, and "full" and "empty" are
 * confirmed with Atomics loads before they are reported.
 */

import { SharedMemoryError } from '../../panics.js';
import { isOwnerAlive, MAX_THREADS } from '../memory/registry.js';
import { SPIN_CHECK_EVERY, spinCheck } from '../memory/spin-limit.js';

/** The results of reservePush / reservePop that are not a position. */
export const RING_FULL = -1;
export const RING_EMPTY = -1;
export const RING_CLOSED = -2;

const CLOSED_BIT = 1 << 30;
const POS_MASK = CLOSED_BIT - 1;
/** SKIP marks the SEQ of a position whose sender died before publishing it (SEQ values stay below 2^30). */
const SKIP = 1 << 30;

/**
 * RECORD_WORDS: a thread's record of what it holds (see above): PUSH, POP, TOKEN, padded to a cache line, since a
 * sending and a receiving thread write theirs at every value.
 */
export const RECORD_WORDS = 16;
const PUSH = 0;
const POP = 1;
const TOKEN = 2;

/** RingLayout says where a ring's words are in its channel's buffer. */
export interface RingLayout {
  /** tail and head are the word indexes of TAIL and HEAD. */
  readonly tail: number;
  readonly head: number;
  /**
   * closed is the word index of a flag set once the ring is closed (after CLOSED_BIT), which receivers read instead
   * of TAIL: a receiver that polled TAIL would take its cache line away from the sender at every value.
   */
  readonly closed: number;
  /** records is the word index of thread 0's record; thread s's is RECORD_WORDS * s words further. */
  readonly records: number;
  /** ringOffset is the byte offset of slot 0. */
  readonly ringOffset: number;
  readonly cap: number;
  readonly slotBytes: number;
  /** limit (tests only: every thread must use the same) is where positions wrap, a multiple of cap >= 2 cap. */
  readonly limit?: number;
}

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
  readonly #closed: number;
  /** #base is the word index of slot 0's SEQ; #strideWords the words from one slot to the next. */
  readonly #base: number;
  readonly #strideWords: number;
  readonly #records: number;
  /** #mine is the word index of this thread's record. */
  readonly #mine: number;

  /**
   * A ring over `words` (the channel's buffer) as `layout` places it, used by this thread (registry slot `me`, owner
   * token `token`). `init` lays out a new ring (every SEQ = 2 * its slot index).
   */
  constructor(words: Int32Array, layout: RingLayout, me: number, token: number, init: boolean) {
    const cap = layout.cap;
    this.#w = words;
    this.#cap = cap;
    this.#mask = (cap & (cap - 1)) === 0 ? cap - 1 : -1;
    this.#limit = layout.limit ?? cap * Math.floor((1 << 29) / cap);
    this.#tail = layout.tail;
    this.#head = layout.head;
    this.#closed = layout.closed;
    this.#base = layout.ringOffset / 4;
    this.#strideWords = slotStride(layout.slotBytes) / 4;
    this.#records = layout.records;
    this.#mine = layout.records + me * RECORD_WORDS;
    if (init) for (let i = 0; i < cap; i++) words[this.#base + i * this.#strideWords] = 2 * i;
    // A record left in this slot by a thread that had it before and died: finish it before reusing the record.
    if ((words[this.#mine + PUSH]! | words[this.#mine + POP]!) !== 0) this.#recoverRecord(this.#mine);
    words[this.#mine + TOKEN] = token;
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
    // Bounds (spin-limit.ts): a round that saw a slot ahead of TAIL is repeated only after TAIL moved, so seeing the
    // same stale slot twice means corrupted memory; and the clock bounds a loop on memory that keeps changing.
    let staleT = -1;
    let staleSeq = 0;
    let start = 0;
    for (let retry = false, rounds = 1; ; retry = true, rounds++) {
      // Plain reads the first time round only: a retry must see the other threads' progress, and a compiler may
      // reuse a plain read across iterations that contain no atomic operation.
      const t = retry ? Atomics.load(w, this.#tail) : w[this.#tail]!;
      if (t >= CLOSED_BIT) return RING_CLOSED;
      if (t < 0 || t >= this.#limit) throw this.#corrupt(`TAIL holds position ${t}, outside [0, ${this.#limit})`);
      const i = this.#seqIndex(t);
      const seq = retry ? Atomics.load(w, i) : w[i]!;
      const d = this.#sendable(seq, t);
      if (d === 0) {
        // A CAS on the word without CLOSED_BIT: it fails if the channel closed meanwhile.
        if (Atomics.compareExchange(w, this.#tail, t, this.#next(t)) === t) {
          w[this.#mine + PUSH] = t + 1;
          return t;
        }
      } else if (d < 0) {
        // The slot still holds the value of the previous lap: full, unless TAIL moved on (or closed) meanwhile.
        if (Atomics.load(w, this.#tail) === t && this.#sendable(Atomics.load(w, i), t) < 0) return RING_FULL;
      } else {
        // d > 0: the slot is past position t, so another sender took t and TAIL moved on; try the next.
        if (retry) {
          // Two atomic rounds, the same position and the same stale slot: nothing moved, nothing will.
          if (t === staleT && seq === staleSeq) throw this.#corrupt(`slot of position ${t} holds SEQ ${seq}`);
          staleT = t;
          staleSeq = seq;
        }
      }
      // A lost CAS or a moved TAIL: another sender took position t; try the next.
      if ((rounds & (SPIN_CHECK_EVERY - 1)) === 0) start = spinCheck(start, 'shared channel: a send');
    }
  }

  /**
   * skipPush gives up position `p` (its value could not be written): TAIL moves back if no sender claimed a later
   * position meanwhile, so the send leaves no trace; otherwise the position is published as skipped, like a dead
   * sender's (receivers step over it; until one does, len counts it).
   */
  skipPush(p: number): void {
    const w = this.#w;
    if (Atomics.compareExchange(w, this.#tail, this.#next(p), p) !== this.#next(p)) {
      Atomics.store(w, this.#seqIndex(p), (2 * p + 1) | SKIP);
    }
    w[this.#mine + PUSH] = 0;
  }

  /** publishPush makes the value written for position `p` visible to receivers. */
  publishPush(p: number): void {
    Atomics.store(this.#w, this.#seqIndex(p), 2 * p + 1);
    this.#w[this.#mine + PUSH] = 0;
  }

  /**
   * reservePop claims the oldest published position and returns it (read the value at valueOffset, then
   * releasePop); RING_EMPTY if nothing is there, RING_CLOSED if the channel is closed and drained.
   */
  reservePop(): number {
    const w = this.#w;
    // Bounds: as in reservePush, a stale slot (ahead of HEAD, or skipped for another position) seen twice over an
    // unmoved HEAD is corrupted memory, and the clock bounds the rest.
    let staleH = -1;
    let staleSeq = 0;
    let start = 0;
    for (let retry = false, rounds = 1; ; retry = true, rounds++) {
      if ((rounds & (SPIN_CHECK_EVERY - 1)) === 0) start = spinCheck(start, 'shared channel: a receive');
      const h = retry ? Atomics.load(w, this.#head) : w[this.#head]!; // plain the first time only: see reservePush
      if (h < 0 || h >= this.#limit) throw this.#corrupt(`HEAD holds position ${h}, outside [0, ${this.#limit})`);
      const i = this.#seqIndex(h);
      const seq = retry ? Atomics.load(w, i) : w[i]!;
      if (seq >= SKIP) {
        // A dead sender's position (recover): step over it, freeing its slot for the next lap.
        if (seq - SKIP === 2 * h + 1) {
          if (Atomics.compareExchange(w, this.#head, h, this.#next(h)) === h) {
            w[this.#mine + POP] = h + 1;
            this.#free(h);
            w[this.#mine + POP] = 0;
          }
        } else {
          if (retry) {
            if (h === staleH && seq === staleSeq) throw this.#corrupt(`slot of position ${h} holds SEQ ${seq}`);
            staleH = h;
            staleSeq = seq;
          }
        }
        continue;
      }
      const d = this.#diff(seq, 2 * h + 1);
      if (d === 0) {
        if (Atomics.compareExchange(w, this.#head, h, this.#next(h)) === h) {
          w[this.#mine + POP] = h + 1;
          return h;
        }
      } else if (d > 0) {
        // The slot is past position h: another receiver took h and HEAD moved on.
        if (retry) {
          // Two atomic rounds, the same position and the same stale slot: nothing moved, nothing will.
          if (h === staleH && seq === staleSeq) throw this.#corrupt(`slot of position ${h} holds SEQ ${seq}`);
          staleH = h;
          staleSeq = seq;
        }
      } else {
        if (Atomics.load(w, this.#head) !== h || this.#diff(Atomics.load(w, i), 2 * h + 1) === 0) continue;
        // Nothing published at h. Closed and drained only if no sender holds a position at or after h either (a
        // sender that claimed one before the close is still writing: its value comes first). The flag is set
        // after CLOSED_BIT: until it is, the receive is one that came before the close.
        if (Atomics.load(w, this.#closed) === 0) return RING_EMPTY;
        return (Atomics.load(w, this.#tail) & POS_MASK) === h ? RING_CLOSED : RING_EMPTY;
      }
    }
  }

  /** releasePop frees the slot of position `h` (its value read) for the sender of the next lap. */
  releasePop(h: number): void {
    this.#free(h);
    this.#w[this.#mine + POP] = 0;
  }

  /** canPop reports whether a value is published at HEAD (a hint: another receiver may take it first). */
  canPop(ahead = 0): boolean {
    const h0 = Atomics.load(this.#w, this.#head);
    if (h0 < 0 || h0 >= this.#limit) return true; // corrupted: reservePop reports it
    const h = this.#plus(h0, Math.min(ahead, this.#cap - 1));
    return (Atomics.load(this.#w, this.#seqIndex(h)) & ~SKIP) === 2 * h + 1;
  }

  /**
   * recover finishes the positions that dead threads held (see the top of this file); it reports whether it found
   * any. Call it when the ring looks stuck: a receiver sees nothing published though something was sent, or a
   * sender sees no room. `lost`, if given, is called with the value offset of each position whose value a dead
   * receiver had claimed and never read, once, before the slot is freed (the channel lets go of what it holds).
   */
  recover(lost?: (valueOffset: number) => void): boolean {
    const w = this.#w;
    let found = false;
    for (let rec = this.#records, end = rec + MAX_THREADS * RECORD_WORDS; rec < end; rec += RECORD_WORDS) {
      if ((w[rec + PUSH]! | w[rec + POP]!) === 0) continue;
      const token = w[rec + TOKEN]!;
      if (token === 0 || isOwnerAlive(token)) continue;
      this.#recoverRecord(rec, lost);
      found = true;
    }
    return found;
  }

  /** canPush reports whether the slot at TAIL is free (a hint: another sender may take it first). */
  canPush(ahead = 0): boolean {
    const t0 = Atomics.load(this.#w, this.#tail);
    if (t0 >= CLOSED_BIT) return false;
    if (t0 < 0 || t0 >= this.#limit) return true; // corrupted: reservePush reports it
    const t = this.#plus(t0, Math.min(ahead, this.#cap - 1));
    return Atomics.load(this.#w, this.#seqIndex(t)) === 2 * t;
  }

  /** #plus is position p + n (n <= cap), modulo the wrap. */
  #plus(p: number, n: number): number {
    const q = p + n;
    return q >= this.#limit ? q - this.#limit : q;
  }

  /** close marks the ring closed; false if it already was. */
  close(): boolean {
    if ((Atomics.or(this.#w, this.#tail, CLOSED_BIT) & CLOSED_BIT) !== 0) return false;
    Atomics.store(this.#w, this.#closed, 1);
    return true;
  }

  /** closed reports whether the ring was closed (read from the flag, not TAIL: see RingLayout.closed). */
  get closed(): boolean {
    return Atomics.load(this.#w, this.#closed) !== 0;
  }

  /** length is the number of positions sent into and not yet received from (Go's len). */
  get length(): number {
    // HEAD first: it never passes TAIL, so TAIL read after it is at or past it (modulo the wrap).
    const h = Atomics.load(this.#w, this.#head);
    const n = this.#ahead(Atomics.load(this.#w, this.#tail) & POS_MASK, h);
    return n > this.#cap ? this.#cap : n < 0 ? 0 : n; // clamped: corrupted positions must not give a negative len
  }

  /**
   * #recoverRecord finishes what the dead thread of record `rec` held. Each step is a CAS from the exact state the
   * dead thread left (and only while the position is still inside the claimed range), so two threads recovering at
   * once, or a record that is older than it looks, change nothing twice.
   */
  #recoverRecord(rec: number, lost?: (valueOffset: number) => void): void {
    const w = this.#w;
    const push = Atomics.load(w, rec + PUSH);
    if (push !== 0) {
      const p = push - 1;
      // Claimed (TAIL past p) and not received yet (HEAD at or before p), and still unpublished. A position outside
      // the ring (corrupted memory) was never claimed: the record is only cleared.
      const claimed = p < 0 || p >= this.#limit ? 0 : this.#ahead(Atomics.load(w, this.#tail) & POS_MASK, p);
      if (claimed >= 1 && claimed <= this.#cap && this.#ahead(p, Atomics.load(w, this.#head)) < this.#cap) {
        Atomics.compareExchange(w, this.#seqIndex(p), 2 * p, (2 * p + 1) | SKIP);
      }
      Atomics.compareExchange(w, rec + PUSH, push, 0);
    }
    const pop = Atomics.load(w, rec + POP);
    // The record first: the one recoverer that clears it finishes the position, so `lost` runs once per value.
    if (pop !== 0 && Atomics.compareExchange(w, rec + POP, pop, 0) === pop) {
      const h = pop - 1;
      const taken = h < 0 || h >= this.#limit ? 0 : this.#ahead(Atomics.load(w, this.#head), h);
      const seq = taken >= 1 && taken <= this.#cap ? Atomics.load(w, this.#seqIndex(h)) : 0;
      if (taken >= 1 && taken <= this.#cap && (seq & ~SKIP) === 2 * h + 1) {
        if (lost !== undefined && seq < SKIP) lost(this.valueOffset(h));
        Atomics.compareExchange(w, this.#seqIndex(h), seq, 2 * this.#plus(h, this.#cap));
      }
    }
  }

  /** #free makes the slot of position `h` free for position h + cap. */
  #free(h: number): void {
    Atomics.store(this.#w, this.#seqIndex(h), 2 * this.#plus(h, this.#cap));
  }

  /** #sendable compares SEQ `seq` with position `t`: 0 free for t, < 0 still full (or a skipped value), > 0 stale. */
  #sendable(seq: number, t: number): number {
    return seq >= SKIP ? -1 : this.#diff(seq, 2 * t);
  }

  /** #ahead is how many positions `a` is past `b` (modulo the wrap), in [0, limit). */
  #ahead(a: number, b: number): number {
    const n = a - b;
    return n < 0 ? n + this.#limit : n;
  }

  /** #corrupt is the error of a ring whose words contradict each other. */
  #corrupt(what: string): SharedMemoryError {
    return new SharedMemoryError(
      `shared channel: ring corrupted (${what}): something other than its codec wrote into the channel's memory`,
    );
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

/**
 * The memory layout of a shared channel: one SharedArrayBuffer, shared by every thread that uses the channel.
 *
 *   +-----------------------------------------------------------------------------------------------+
 *   | control (cache line 0): LOCK  CLOSED  CAP  SLOT_BYTES  SEQ  ID  RECV_MASK[2]  SEND_MASK[2]     |
 *   |                         ... CODEC (word 15)                                                   |
 *   | TAIL (cache line 1), HEAD (cache line 2): the buffered ring's positions (ring.ts)              |
 *   +-----------------------------------------------------------------------------------------------+
 *   | unbuffered: offers, MAX_THREADS x 2 records of OFFER_WORDS Int32                              |
 *   |   STATE  TICKET  GEN  SEQ          record (slot, dir) at OFFERS + (slot*2 + dir) * OFFER_WORDS |
 *   | buffered: the ring's per-thread records (ring.ts), at OFFERS + slot * RECORD_WORDS            |
 *   +-----------------------------------------------------------------------------------------------+
 *   | ring: CAP slots of a SEQ word + SLOT_BYTES value bytes, 4-byte aligned (buffered channels)     |
 *   +-----------------------------------------------------------------------------------------------+
 *   | offer values: MAX_THREADS x 2 slots of SLOT_BYTES (unbuffered channels of values over 48 bytes; |
 *   | smaller ones live in the offer record's cache line)                                           |
 *   +-----------------------------------------------------------------------------------------------+
 *
 * A buffered channel takes no lock: its ring is a lock-free queue (ring.ts), and TAIL and HEAD have a cache line each,
 * so a sending thread and a receiving thread do not write the same line. An unbuffered channel's offers and SEQ are
 * read and written under LOCK. RECV_MASK / SEND_MASK have bit `slot` set while that thread has goroutines parked
 * receiving / sending; they change by Atomics.or/and, and wakers read them after their change.
 *
 * CAP, SLOT_BYTES and CODEC (a stamp of the codec the channel was made with, chan-memory.ts) never change after the
 * channel is made: a thread rebuilding the channel from a wire checks its codec and the buffer's size against them.
 *
 * An offer is how a parked operation of an unbuffered channel is visible to other threads (Go's sudog in a wait
 * queue): a thread publishes at most one offer per direction, for the oldest of its parked operations, naming that
 * operation's ticket. A partner claims the ticket, then moves the value through the offer's value slot.
 */
import { MAX_THREADS } from '../memory/registry.js';
import { RECORD_WORDS, slotStride } from './ring.js';

export const LOCK = 0;
export const CLOSED = 1;
export const CAP = 2;
export const SLOT_BYTES = 3;
export const SEQ = 4;
export const ID = 5;
export const RECV_MASK = 6;
export const SEND_MASK = 8;
/** CODEC: the last word of the control line, the stamp of the channel's codec (chan-memory.ts codecStamp). */
export const CODEC = 15;
/** TAIL and HEAD: 16 words (64 bytes, one cache line) apart from the control words and from each other. */
export const TAIL = 16;
export const HEAD = 32;
export const OFFERS = 48;

/**
 * OFFER_WORDS: an offer record takes a cache line (a pinger's and a ponger's offers are written in turn), and a value
 * of up to INLINE_VALUE_BYTES lives in the record's line, after its 4 words, instead of in the offer values area.
 */
export const OFFER_WORDS = 16;
const OFFER_HEADER_WORDS = 4;
const INLINE_VALUE_BYTES = (OFFER_WORDS - OFFER_HEADER_WORDS) * 4;
export const O_STATE = 0;
export const O_TICKET = 1;
export const O_GEN = 2;
export const O_SEQ = 3;

/** Offer states. */
export const NONE = 0;
export const WAITING = 1;
/** FILLED: a sender claimed this receive offer's ticket and wrote the value into the offer's value slot. */
export const FILLED = 2;
/** TAKEN: a receiver claimed this send offer's ticket and copied its value out. */
export const TAKEN = 3;

export const DIR_RECV = 0;
export const DIR_SEND = 1;

/** The bytes before the ring: control lines, then offers (unbuffered) or the ring's records (buffered). */
const OFFERS_BYTES = (OFFERS + MAX_THREADS * 2 * OFFER_WORDS) * 4;
const RECORDS_BYTES = (OFFERS + MAX_THREADS * RECORD_WORDS) * 4;

/** offerIndex is the control word index of the offer record of thread `slot` in direction `dir`. */
export function offerIndex(slot: number, dir: number): number {
  return OFFERS + (slot * 2 + dir) * OFFER_WORDS;
}

/** Geometry is where the byte areas of a channel of capacity `cap` and slot size `slotBytes` start. */
export interface Geometry {
  readonly ringOffset: number;
  /** offerValuesOffset is the byte offset of the offer values area, or -1 if offer values live in their records. */
  readonly offerValuesOffset: number;
  readonly totalBytes: number;
}

export function geometry(cap: number, slotBytes: number): Geometry {
  const ringOffset = cap === 0 ? OFFERS_BYTES : RECORDS_BYTES;
  const end = ringOffset + cap * slotStride(slotBytes);
  if (cap > 0 || slotBytes <= INLINE_VALUE_BYTES) return { ringOffset, offerValuesOffset: -1, totalBytes: end };
  return { ringOffset, offerValuesOffset: end, totalBytes: end + MAX_THREADS * 2 * slotBytes };
}

/** offerValueOffset is the byte offset of the value slot of thread `slot`'s offer in direction `dir`. */
export function offerValueOffset(g: Geometry, slotBytes: number, slot: number, dir: number): number {
  if (g.offerValuesOffset < 0) return (offerIndex(slot, dir) + OFFER_HEADER_WORDS) * 4;
  return g.offerValuesOffset + (slot * 2 + dir) * slotBytes;
}

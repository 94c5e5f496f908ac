/**
 * The arena: memory shared by every thread of a program for values stored out of line, those a shared channel's
 * slot cannot hold (out-of-line.ts). It is the tail of the registry's buffer (registry.ts), a growable
 * SharedArrayBuffer that every thread already has, so a block written on one thread is readable on any other
 * without handing anything over.
 *
 *   header (registry words ARENA_HEADER ..):  LOCK  TOP  HEADS[CLASSES]
 *   blocks (from byte ARENA_BYTES, 64-byte aligned, each 2^k bytes, k in [MIN_CLASS, MAX_CLASS]):
 *
 *     0        4         8         12        16                         2^k
 *     +--------+---------+---------+---------+--------------------------+
 *     | STATE  | LENGTH  | TOKEN   | SENDER  | payload (LENGTH bytes)   |    allocated
 *     | STATE  | NEXT    |                                              |    free: NEXT is the next free block
 *     +--------+---------+---------+---------+--------------------------+
 *
 *   STATE   MAGIC | k << 1 | 1 while allocated (| 0 once free): a block's size class, and a check that a reference
 *           read from a slot points at a live block (a stale or corrupted one is a DecodeError, never a silent read);
 *           | PINNED for the runtime's own blocks (ticket.ts), which are never freed and never hold a value
 *   TOKEN   the SAB directory token of the value's SharedArrayBuffers (0: none), and SENDER the owner token of the
 *           thread that deposited them (registry.ownerToken), both written by the block's owner
 *
 * A block is named by its reference: its byte offset / 8, below 2^29 (the buffer is at most 4 GiB).
 *
 * Allocation: a block of the smallest class that holds the payload comes from that class's free list, else from
 * TOP, growing the buffer when TOP passes its end (by at least an eighth, in whole MiB: committed memory follows the
 * high-water mark of what is in flight at once, and stays). Freed blocks go back to their class's list; classes never
 * merge (a power-of-two class wastes less than half a block). LOCK (lock.ts: a dead holder's lock is taken over) guards
 * TOP, HEADS and every STATE; a critical section only moves a few words. Payload bytes are written by the block's
 * owner before the reference is published (an Atomics store of the slot's sequence word or offer state), and read
 * after the receiver saw it published, so they need no lock.
 */
import { DecodeError, ValueTooLargeError } from '../../panics.js';
import { lock, unlock } from './lock.js';
import { ARENA_BYTES, ARENA_HEADER, registry, registryWords, REGISTRY_MAX_BYTES } from './registry.js';

const LOCK = ARENA_HEADER;
const TOP = ARENA_HEADER + 1;
const HEADS = ARENA_HEADER + 2;
const MIN_CLASS = 6;
const MAX_CLASS = 31;
/** BLOCK_HEADER_BYTES: STATE, LENGTH, TOKEN, SENDER (the payload stays 16-byte aligned). */
export const BLOCK_HEADER_BYTES = 16;
/**
 * MAX_OUT_OF_LINE_BYTES is the largest payload the arena takes (1 GiB less its header): a hard limit on a value sent
 * through a shared channel, beyond which the send throws ValueTooLargeError.
 */
export const MAX_OUT_OF_LINE_BYTES = 2 ** 30 - BLOCK_HEADER_BYTES;
const MAGIC = 0x5a000000;
const MAGIC_MASK = 0x7f000000;
const ALLOCATED = 1;
/** PINNED marks a block of the runtime's own (tickets): no reference read from a slot may name it. */
const PINNED = 0x80;
const GROW_STEP = 1 << 20;

/** The arena as this thread sees it: views that track the buffer's growth. */
let sab: SharedArrayBuffer | null = null;
let u8: Uint8Array = new Uint8Array(0);
let i32: Int32Array = new Int32Array(0);

function views(): void {
  const r = registry();
  if (sab !== r) {
    sab = r;
    // Length-tracking views (no length given): they follow the buffer as any thread grows it.
    u8 = new Uint8Array(r);
    i32 = new Int32Array(r);
  }
}

/** classOf is the size class of a block holding `n` payload bytes. */
function classOf(n: number): number {
  const need = n + BLOCK_HEADER_BYTES;
  let k = MIN_CLASS;
  while (2 ** k < need) k++;
  return k;
}

/**
 * alloc takes a block for `n` payload bytes and returns its reference. It throws ValueTooLargeError (naming `codec`)
 * if `n` is over MAX_OUT_OF_LINE_BYTES or the arena cannot grow that far: the registry's buffer is at most 4 GiB,
 * shared by everything in flight out of line at once. A `pinned` block is the runtime's own, kept for good: block()
 * and free() refuse it, and arenaStats does not count it.
 */
export function alloc(n: number, codec: string, pinned = false): number {
  if (n > MAX_OUT_OF_LINE_BYTES) {
    throw new ValueTooLargeError(codec, n, MAX_OUT_OF_LINE_BYTES, 'value', 'the out-of-line limit');
  }
  views();
  const w = registryWords();
  const k = classOf(n);
  const size = 2 ** k;
  let at: number;
  lock(w, LOCK);
  try {
    const head = w[HEADS + k - MIN_CLASS]!;
    if (head !== 0) {
      at = head * 8;
      w[HEADS + k - MIN_CLASS] = i32[at / 4 + 1]!;
    } else {
      at = w[TOP] === 0 ? ARENA_BYTES : w[TOP]! * 8;
      const end = at + size;
      if (end > sab!.byteLength) grow(end, n, codec);
      w[TOP] = end / 8;
    }
    i32[at / 4] = MAGIC | (pinned ? PINNED : 0) | (k << 1) | ALLOCATED;
    i32[at / 4 + 1] = n;
    i32[at / 4 + 2] = 0;
  } finally {
    unlock(w, LOCK);
  }
  return at / 8;
}

/** grow makes the buffer at least `end` bytes long (under the arena's lock). */
function grow(end: number, n: number, codec: string): void {
  const r = sab!;
  const want = Math.max(end, r.byteLength + Math.floor(r.byteLength / 8));
  const len = Math.min(REGISTRY_MAX_BYTES, Math.ceil(want / GROW_STEP) * GROW_STEP);
  if (end > len) {
    throw new ValueTooLargeError(codec, n, REGISTRY_MAX_BYTES - r.byteLength, 'value', 'the free out-of-line memory');
  }
  try {
    r.grow(len);
  } catch {
    // Out of memory: the reservation is there, the commit is not.
    throw new ValueTooLargeError(codec, n, len - r.byteLength, 'value', 'the free out-of-line memory');
  }
}

/** Block is an allocated block as read from the arena. */
export interface Block {
  /** payload is a view of the block's payload, in shared memory (copy what must outlive the block). */
  readonly payload: Uint8Array;
  readonly token: number;
  readonly sender: number;
}

/** payloadAt is the byte offset of block `ref`'s payload (for writing it). */
export function payloadAt(ref: number): number {
  return ref * 8 + BLOCK_HEADER_BYTES;
}

/** arenaBytes is this thread's view of the whole arena (for writing a payload at payloadAt). */
export function arenaBytes(): Uint8Array {
  views();
  return u8;
}

/** block reads block `ref`, checking that it is a live block; `codec` names the reader in the DecodeError. */
export function block(ref: number, codec: string): Block {
  views();
  const at = check(ref, codec);
  const n = i32[at / 4 + 1]!;
  const payload = u8.subarray(at + BLOCK_HEADER_BYTES, at + BLOCK_HEADER_BYTES + n);
  return { payload, token: i32[at / 4 + 2]!, sender: i32[at / 4 + 3]! };
}

/**
 * setToken records the directory token of block `ref`'s SharedArrayBuffers and the owner token of the thread that
 * deposited them (by the block's owner, before publishing it).
 */
export function setToken(ref: number, token: number, sender: number): void {
  i32[(ref * 8) / 4 + 2] = token;
  i32[(ref * 8) / 4 + 3] = sender;
}

/** free gives block `ref` back; it throws DecodeError for a reference that is not a live block (freed twice). */
export function free(ref: number, codec: string): void {
  views();
  const w = registryWords();
  lock(w, LOCK);
  try {
    const at = check(ref, codec);
    const k = (i32[at / 4]! >>> 1) & 0x3f;
    i32[at / 4] = MAGIC | (k << 1);
    i32[at / 4 + 1] = w[HEADS + k - MIN_CLASS]!;
    w[HEADS + k - MIN_CLASS] = ref;
  } finally {
    unlock(w, LOCK);
  }
}

function check(ref: number, codec: string): number {
  const at = ref * 8;
  const state = at >= ARENA_BYTES && at + BLOCK_HEADER_BYTES <= sab!.byteLength ? i32[at / 4]! : 0;
  if ((state & MAGIC_MASK) !== MAGIC || (state & ALLOCATED) === 0 || (state & PINNED) !== 0) {
    throw new DecodeError(codec, `out-of-line reference ${ref} is not a live block: corrupted memory`);
  }
  return at;
}

/**
 * arenaStats reports the arena's use (tests and diagnostics): blocks allocated now for values (pinned blocks are not
 * counted), and the bytes it spans.
 */
export function arenaStats(): { live: number; bytes: number } {
  views();
  const w = registryWords();
  let live = 0;
  lock(w, LOCK);
  try {
    const top = w[TOP] === 0 ? ARENA_BYTES : w[TOP]! * 8;
    for (let at = ARENA_BYTES; at < top; ) {
      const state = i32[at / 4]!;
      if ((state & (ALLOCATED | PINNED)) === ALLOCATED) live++;
      at += 2 ** ((state >>> 1) & 0x3f);
    }
    return { live, bytes: top - ARENA_BYTES };
  } finally {
    unlock(w, LOCK);
  }
}

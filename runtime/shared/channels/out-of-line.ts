/**
 * Values out of line: a value of a variable-size codec that its slot cannot carry (longer than maxBytes, or holding
 * shared memory: codec.pack says which) is stored in an arena block (arena.ts), its SharedArrayBuffers deposited in
 * the SAB directory (directory.ts) under a token kept in the block, and the slot holds a reference to the block:
 *
 *   0                                 4
 *   +---------------------------------+- - - - - - - - - - - -+
 *   | 1 | ref: 31 bits (block / 8)    | rest of the slot: unused |
 *   +---------------------------------+- - - - - - - - - - - -+
 *
 * An inline value's u32 length prefix never has the top bit set (maxBytes is at most 64 MiB), so one byte read tells
 * the two forms apart; a slot of the smallest size (5 bytes) still holds a reference.
 *
 * Ownership, so that each value's block and token are let go exactly once: the sender owns the reference from store()
 * until it publishes the slot; then the slot owns it (a ring position, an offer); the receiver owns it from the moment
 * it claims the slot. The owner either loads it (load: decode, then free the block and consume the token) or, if the
 * value will never be received, discards it (discard: free and consume without decoding): a send that claimed
 * nothing, an offer withdrawn from a dead thread, a claimed position whose receiver died.
 */
import { alloc, arenaBytes, block, free, payloadAt, setToken } from '../memory/arena.js';
import type { Codec, Packed } from '../codecs/codec.js';
import { deposit, release, take } from '../memory/directory.js';
import { ownerToken } from '../memory/registry.js';

/** OOL_BIT marks a slot's first word as an out-of-line reference. */
const OOL_BIT = 0x80000000;

/** isOutOfLine reports whether the slot at byte `at` of `u8` holds a reference (reads one byte). */
export function isOutOfLine(u8: Uint8Array, at: number): boolean {
  return (u8[at + 3]! & 0x80) !== 0;
}

/** refAt reads the reference held by the slot at byte `at` of `u8`. */
export function refAt(u8: Uint8Array, at: number): number {
  return (u8[at]! | (u8[at + 1]! << 8) | (u8[at + 2]! << 16) | (u8[at + 3]! << 24)) & 0x7fffffff;
}

/** writeRef makes the slot at byte `at` of `u8` hold reference `ref` (little-endian, as every prefix). */
export function writeRef(u8: Uint8Array, at: number, ref: number): void {
  const w = (ref | OOL_BIT) >>> 0;
  u8[at] = w;
  u8[at + 1] = w >>> 8;
  u8[at + 2] = w >>> 16;
  u8[at + 3] = w >>> 24;
}

/**
 * store puts a packed value out of line and returns its reference, owned by the caller. It throws
 * ValueTooLargeError (arena.alloc) before anything is kept.
 */
export function store(p: Packed, codec: string): number {
  const ref = alloc(p.bytes.length, codec);
  arenaBytes().set(p.bytes, payloadAt(ref));
  if (p.sabs !== null) setToken(ref, deposit(p.sabs), ownerToken());
  return ref;
}

/** load decodes the value of reference `ref` with `codec`, then lets its block and token go (even if it throws). */
export function load<T>(ref: number, codec: Codec<T>): T {
  const b = block(ref, codec.kind);
  try {
    return codec.unpack!(b.payload, b.token !== 0 ? take(b.token, b.sender, codec.kind) : null);
  } finally {
    free(ref, codec.kind);
  }
}

/** discard lets the block and token of reference `ref` go without decoding the value (it will never be received). */
export function discard(ref: number, codec: string): void {
  const b = block(ref, codec);
  if (b.token !== 0) release(b.token);
  free(ref, codec);
}

/**
 * SyncObject is the SharedObject (../objects/shared-object.ts) of a shared sync object (SharedMutex, SharedRWMutex,
 * SharedWaitGroup, SharedSemaphore, SharedOnce, SharedCond): each primitive owns one and keeps only its state
 * machine. On top of the identity, wire and parking that SharedObject gives every shared object, it owns the sync
 * buffer's header and spin lock, and the way a user's `new` and a rebuild from a wire reach the same constructor.
 *
 *   +------------------------------------------------------------------------------------------+
 *   | words (Int32)    LOCK  ID  KIND  | the primitive's own words (see its file)              |
 *   +------------------------------------------------------------------------------------------+
 *   | numbers (Float64, 8-byte aligned): counters and weights that may exceed 32 bits           |
 *   +------------------------------------------------------------------------------------------+
 *
 *   LOCK   the object's spin lock (lock.ts): every word and number below is read and written
 *          under it, except where a file says a word is also read with Atomics.load outside it
 *   ID     program-wide id (registry.nextObjectId), the key of this thread's object for the buffer
 *   KIND   which primitive the buffer holds, checked when a buffer is attached
 *
 * Critical sections under LOCK never run user code and never wake anything: what to wake is collected (wakeLater)
 * and done once the lock is released (flushWakes), so a promise reaction or a re-entrant call can never spin on a
 * lock its own thread holds. What a thread that died held is the primitive's to take back (its owner words,
 * line.ts, holds.ts); SharedObject makes sure every waiting thread re-polls when one dies.
 *
 * @example
 * const KIND: SyncKind = { name: 'SharedThing', wire: 'gocsp.sharedThing', code: THING };
 * class SharedThing {
 *   readonly #o = new SyncObject(this, KIND, WORDS, 0); // a new buffer, or the one fromWire is rebuilding
 *   [TO_WIRE](): Wire { return this.#o.wire(); }
 * }
 * registerSyncKind(KIND, () => new SharedThing());
 */
import { InvalidArgumentError } from '../../panics.js';
import { describe } from '../../validate.js';
import type { Source } from '../memory/parker.js';
import { nextObjectId, ownerToken, slot, wake } from '../memory/registry.js';
import { registerSharedKind, SharedObject } from '../objects/shared-object.js';
import type { Wire } from '../objects/wire.js';

export const LOCK = 0;
export const ID = 1;
export const KIND = 2;
/** HEADER is the first word a primitive can use for itself. */
export const HEADER = 3;

/** Kind codes, as stored in KIND: one per primitive, so that a buffer is never bound as another primitive. */
export const MUTEX = 1;
export const RW_MUTEX = 2;
export const WAIT_GROUP = 3;
export const SEMAPHORE = 4;
export const ONCE = 5;
export const COND = 6;

/** SyncKind describes a primitive: its class name (for errors), its wire kind and its KIND code. */
export interface SyncKind {
  readonly name: string;
  readonly wire: string;
  readonly code: number;
}

/** Words gives the primitive's word count, from the buffer being rebuilt (`existing`) or, for a new one, null. */
export type Words = number | ((existing: unknown) => number);

export class SyncObject extends SharedObject {
  readonly w: Int32Array;
  readonly f: Float64Array;
  /** fresh: the buffer was made by this constructor (a user's `new`), not rebuilt from a wire: initialise it. */
  readonly fresh: boolean;

  /**
   * SyncObject binds `source` to the buffer that fromWire is rebuilding, if `source` is being rebuilt, or else to a
   * new buffer of `words` Int32 words and `numbers` Float64 numbers with a new id. It throws InvalidArgumentError if
   * the buffer being rebuilt is not the memory of a `kind.name`.
   */
  constructor(source: Source, kind: SyncKind, words: Words, numbers: number) {
    const sab = rebuilding();
    const n = typeof words === 'number' ? words : words(sab);
    const m = sab === null ? allocate(kind, n, numbers) : attach(sab, kind, n, numbers);
    super(source, kind.wire, m.sab, m.w[ID]!);
    this.w = m.w;
    this.f = m.f;
    this.fresh = sab === null;
  }
}

interface Memory {
  readonly sab: SharedArrayBuffer;
  readonly w: Int32Array;
  readonly f: Float64Array;
}

function views(sab: SharedArrayBuffer, words: number, numbers: number): Memory {
  const numbersAt = Math.ceil(words / 2) * 8;
  return { sab, w: new Int32Array(sab, 0, words), f: new Float64Array(sab, numbersAt, numbers) };
}

function bytes(words: number, numbers: number): number {
  return Math.ceil(words / 2) * 8 + numbers * 8;
}

function allocate(kind: SyncKind, words: number, numbers: number): Memory {
  const m = views(new SharedArrayBuffer(bytes(words, numbers)), words, numbers);
  m.w[ID] = nextObjectId();
  m.w[KIND] = kind.code;
  return m;
}

function attach(sab: unknown, kind: SyncKind, words: number, numbers: number): Memory {
  if (!(sab instanceof SharedArrayBuffer) || sab.byteLength !== bytes(words, numbers) || header(sab, kind) < 0) {
    throw notMemoryOf(kind, sab);
  }
  return views(sab, words, numbers);
}

/** header returns the id in `sab`'s header if `sab` is long enough and its KIND is `kind`'s, else -1. */
function header(sab: SharedArrayBuffer, kind: SyncKind): number {
  if (sab.byteLength < HEADER * 4) return -1;
  const h = new Int32Array(sab, 0, HEADER);
  return h[KIND] === kind.code ? h[ID]! : -1;
}

function notMemoryOf(kind: SyncKind, sab: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`${kind.name}: not the shared memory of a ${kind.name}, got ${describe(sab)}`);
}

/** attaching is the buffer that the object being rebuilt binds to (set around `make` by registerSyncKind). */
let attaching: unknown = null;

/**
 * rebuilding returns the buffer of the shared object being rebuilt, if the caller is a constructor that fromWire
 * called (then the object binds to it), or null for a user's `new` (then it allocates).
 */
function rebuilding(): unknown {
  const sab = attaching;
  attaching = null;
  return sab;
}

/**
 * registerSyncKind tells fromWire how to rebuild objects of `kind`: check the wire's buffer, join the registry the
 * wire carries, then return this thread's object for the buffer's id, or construct one with `make(wire)`, whose
 * SyncObject binds to the buffer. `make` may rebuild other shared objects from the wire (a SharedCond's locker)
 * before it constructs its own: each rebuild restores the buffer of the one around it.
 */
export function registerSyncKind(kind: SyncKind, make: (w: Wire) => object): void {
  registerSharedKind(
    kind.wire,
    (w) => {
      const sab = w['sab'];
      const id = sab instanceof SharedArrayBuffer ? header(sab, kind) : -1;
      if (id < 0) throw notMemoryOf(kind, sab);
      return { sab: sab as SharedArrayBuffer, id };
    },
    (o, w) => {
      const outer = attaching;
      attaching = o.sab;
      try {
        return make(w);
      } finally {
        attaching = outer;
      }
    },
  );
}

// This thread.

let token = 0;

/** myToken is this thread's owner token (registry.ownerToken), what it writes into lock and record words. */
export function myToken(): number {
  return token !== 0 ? token : (token = ownerToken());
}

/** me is this thread's registry slot. */
export const me = slot;

/** tokenSlot is the slot of the thread that wrote owner token `t` (registry.ts: (incarnation << 7) | (slot + 1)). */
export function tokenSlot(t: number): number {
  return (t & 127) - 1;
}

// Wake-ups collected under a lock and done after it (no thread has more than 64 slots: two mask words).

let pending0 = 0;
let pending1 = 0;

/** wakeLater notes that thread `s` must re-poll once the lock is released; this thread's slot is ignored. */
export function wakeLater(s: number): void {
  if (s === slot()) return;
  if (s < 32) pending0 |= 1 << s;
  else pending1 |= 1 << (s - 32);
}

/** wakeBitsLater notes every thread of a two-word mask (mask words as read under the lock). */
export function wakeBitsLater(m0: number, m1: number): void {
  const bit = 1 << (slot() & 31);
  if (slot() < 32) m0 &= ~bit;
  else m1 &= ~bit;
  pending0 |= m0;
  pending1 |= m1;
}

/** flushWakes wakes the threads noted since the last flush. Call it with no lock held. */
export function flushWakes(): void {
  for (let m = 0; m < 2; m++) {
    let bits = m === 0 ? pending0 : pending1;
    if (m === 0) pending0 = 0;
    else pending1 = 0;
    while (bits !== 0) {
      const b = 31 - Math.clz32(bits);
      bits &= ~(1 << b);
      wake(m * 32 + b);
    }
  }
}

/** setBit sets or clears this thread's bit in the two-word mask at `words[at]`. */
export function setBit(words: Int32Array, at: number, on: boolean): void {
  const s = slot();
  const i = at + (s >> 5);
  const bit = 1 << (s & 31);
  if (on) words[i] = words[i]! | bit;
  else words[i] = words[i]! & ~bit;
}

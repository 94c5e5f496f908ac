/**
 * What every shared sync object (SharedMutex, SharedRWMutex, SharedWaitGroup, SharedSemaphore, SharedOnce,
 * SharedCond) has in common: the header of its SharedArrayBuffer, how this thread finds its one object for a shared
 * object id, and how it crosses threads.
 *
 *   +------------------------------------------------------------------------------------------+
 *   | words (Int32)    LOCK  ID  KIND  | the primitive's own words (see its file)              |
 *   +------------------------------------------------------------------------------------------+
 *   | numbers (Float64, 8-byte aligned): counters and weights that may exceed 32 bits           |
 *   +------------------------------------------------------------------------------------------+
 *
 *   LOCK   the object's spin lock (lock.ts): every word and number below is read and written under it, except
 *          where a file says a word is also read with Atomics.load outside it
 *   ID     program-wide id (registry.nextObjectId), the key of this thread's object for the buffer
 *   KIND   which primitive the buffer holds, checked when a buffer is attached
 *
 * Critical sections under LOCK never run user code and never wake anything: what to wake is collected (wakeLater)
 * and done once the lock is released (flushWakes), so a promise reaction or a re-entrant call can never spin on a
 * lock its own thread holds.
 */
import { InvalidArgumentError } from '../../panics.js';
import { describe } from '../../validate.js';
import { adopt, nextObjectId, ownerToken, registry, slot, wake } from '../registry.js';
import { registerWireKind, WIRE_KIND, type Wire } from '../wire.js';

export const LOCK = 0;
export const ID = 1;
export const KIND = 2;
/** HEADER is the first word a primitive can use for itself. */
export const HEADER = 3;

/** Kinds, as stored in KIND. */
export const MUTEX = 1;
export const RW_MUTEX = 2;
export const WAIT_GROUP = 3;
export const SEMAPHORE = 4;
export const ONCE = 5;
export const COND = 6;

/** Memory is an object's views of its buffer. */
export interface Memory {
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

/** allocate makes the buffer of a new object of `kind` with `words` Int32 words and `numbers` Float64 numbers. */
export function allocate(kind: number, words: number, numbers: number): Memory {
  const m = views(new SharedArrayBuffer(bytes(words, numbers)), words, numbers);
  m.w[ID] = nextObjectId();
  m.w[KIND] = kind;
  return m;
}

/**
 * attach binds to the buffer of an existing object of `kind` (rebuilt from its wire). `api` names the class for the
 * InvalidArgumentError thrown when `sab` is not such a buffer.
 */
export function attach(sab: unknown, kind: number, words: number, numbers: number, api: string): Memory {
  if (
    !(sab instanceof SharedArrayBuffer) ||
    sab.byteLength !== bytes(words, numbers) ||
    new Int32Array(sab, 0, HEADER)[KIND] !== kind
  ) {
    throw new InvalidArgumentError(`${api}: not the shared memory of a ${api}, got ${describe(sab)}`);
  }
  return views(sab, words, numbers);
}

// One object per shared object id per thread: parked goroutines of this thread queue in that object.

const instances = new Map<number, WeakRef<object>>();
const forget = new FinalizationRegistry<number>((id) => {
  if (instances.get(id)?.deref() === undefined) instances.delete(id);
});

/** remember records `obj` as this thread's object for shared object `id`. */
export function remember(id: number, obj: object): void {
  instances.set(id, new WeakRef(obj));
  forget.register(obj, id);
}

/** attaching is the buffer that the object being rebuilt binds to (set around `make` by registerSyncKind). */
let attaching: unknown = null;

/**
 * rebuilding returns the buffer of the shared object being rebuilt, if the caller is a constructor that fromWire
 * called (then the object binds to it, see attach), or null for a user's `new` (then it allocates).
 */
export function rebuilding(): unknown {
  const sab = attaching;
  attaching = null;
  return sab;
}

/**
 * registerSyncKind tells fromWire how to rebuild objects of wire kind `kind`: join the registry the wire carries,
 * then return this thread's object for the buffer's id, or construct one with `make(wire)`, bound to the buffer
 * (whose KIND must be `code`). `make` may rebuild other shared objects from the wire (a SharedCond's locker) before
 * it constructs its own: each rebuild restores the buffer of the one around it.
 */
export function registerSyncKind(kind: string, code: number, make: (w: Wire) => object): void {
  registerWireKind(kind, (w) => {
    adopt(w['registry'] as SharedArrayBuffer);
    const sab = w['sab'];
    if (sab instanceof SharedArrayBuffer && sab.byteLength >= HEADER * 4) {
      const header = new Int32Array(sab, 0, HEADER);
      const known = header[KIND] === code ? instances.get(header[ID]!)?.deref() : undefined;
      if (known !== undefined) return known;
    }
    const outer = attaching;
    attaching = sab ?? undefined;
    try {
      return make(w);
    } finally {
      attaching = outer;
    }
  });
}

/** wireOf describes an object of wire kind `kind` for another thread. */
export function wireOf(kind: string, sab: SharedArrayBuffer): Wire {
  return { [WIRE_KIND]: kind, sab, registry: registry() };
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

/**
 * The thread registry: one SharedArrayBuffer that every thread of a gocsp program shares, holding what threads
 * need to know of each other to park and wake across threads.
 *
 *   word 0                     reserved (the header takes a cache line: words 0-15)
 *   word 1                     NEXT_ID: ids handed out to shared objects (one object per id per thread)
 *   words 2-3                  KEY: a random stamp telling this registry apart (a posted SharedArrayBuffer arrives
 *                              as a new object, so identity cannot)
 *   word 4                     NEXT_TOKEN: tokens handed out by the SAB directory (directory.ts)
 *   per slot s (SLOT_WORDS, one 64-byte line each):
 *                              SLEEP  1 while the thread sleeps in Atomics.waitAsync, else 0
 *                              STATE  FREE (0) never used, ALIVE (1) in use, DEAD (2) its thread exited (set by
 *                                     whoever saw it exit: the scheduler); a DEAD slot is reused by the next thread
 *                              INC    incarnation: how many threads have had this slot
 *                              IDLE, EPOCH, WATCH  the thread's idleness, for deadlock detection (idle.ts)
 *   per slot s (TICKET_BLOCKS words): the ticket table: word b is where block b of the thread's tickets starts (a
 *                              word index into the arena; 0 until the thread first needs that block, ticket.ts)
 *   ARENA_WORDS                the header of the out-of-line arena (arena.ts)
 *   from ARENA_BYTES on        the arena's blocks: the buffer is a growable SharedArrayBuffer, and only the arena
 *                              grows it (every thread sees the growth: a SharedArrayBuffer's length is shared)
 *
 * Wake protocol (DESIGN.md: the sleeper waits on its own flag word, the waker clears it with compareExchange before
 * notifying): a waker changes shared state, then `wake(slot)` does CAS(SLEEP, 1 -> 0) and notifies only if that
 * succeeded, so a thread that is awake costs its wakers one CAS and no syscall. A sleeper stores SLEEP = 1, re-checks
 * everything it waits on, then waits on SLEEP while it is 1. Atomics are sequentially consistent, so either the
 * re-check sees the change or the waker sees SLEEP = 1.
 *
 * Tickets: a parked operation that involves a shared channel owns a ticket word of its thread. Whoever completes the
 * operation, on any thread, first claims the ticket with CAS(gen*2 -> gen*2+1); the one that succeeds owns the
 * completion, so a select parked on several channels (local and shared) completes exactly once. A ticket is reused
 * with the next generation, so a stale reference to its previous use can never claim it. The ticket words live in
 * blocks of the arena that each thread allocates as it needs them (ticket.ts); this buffer holds only their table.
 */
import { InvalidArgumentError } from '../../panics.js';
import { describe } from '../../validate.js';

/** MAX_THREADS is how many threads a program's registry can hold at once (a dead thread's slot is reused). */
export const MAX_THREADS = 64;
/** TICKET_BLOCKS is how many blocks of tickets one thread can have (ticketBlockSize: they grow to 2^20 - 4 each). */
export const TICKET_BLOCKS = 32;

const NEXT_ID = 1;
const KEY = 2;
const NEXT_TOKEN = 4;
const HEADER = 16;
/** SLOT_WORDS: 16 words, a cache line per thread, so a thread's SLEEP word shares its line with no other thread's. */
const SLOT_WORDS = 16;
const SLEEP = 0;
const STATE = 1;
/** INC counts the threads that have had the slot, so a lock held by a dead thread stays recognisable after reuse. */
const INC = 2;
/** IDLE, EPOCH and WATCH are the slot's words kept by idle.ts (deadlock detection across threads). */
export const IDLE = 3;
export const EPOCH = 4;
export const WATCH = 5;
const FREE = 0;
const ALIVE = 1;
const DEAD = 2;
/** TICKET_TABLE is the word index of slot 0's ticket table (TICKET_BLOCKS words per slot). */
export const TICKET_TABLE = HEADER + MAX_THREADS * SLOT_WORDS;
/** ARENA_HEADER is the word index of the arena's header (arena.ts), ARENA_HEADER_WORDS long. */
export const ARENA_HEADER = TICKET_TABLE + MAX_THREADS * TICKET_BLOCKS;
export const ARENA_HEADER_WORDS = 32;
const WORDS = ARENA_HEADER + ARENA_HEADER_WORDS;
/** ARENA_BYTES is the byte offset of the arena's first block (64-byte aligned). */
export const ARENA_BYTES = Math.ceil((WORDS * 4) / 64) * 64;
/**
 * REGISTRY_MAX_BYTES is the most the registry can grow to, arena included: 4 GiB, the largest growable
 * SharedArrayBuffer Node 20 makes. Only address space is reserved; memory is committed as the arena grows.
 */
export const REGISTRY_MAX_BYTES = 2 ** 32;

let buffer: SharedArrayBuffer | null = null;
let words: Int32Array = new Int32Array(0);
let mySlot = -1;

/** registry returns this thread's registry buffer, creating it (as slot 0) if this thread has none yet. */
export function registry(): SharedArrayBuffer {
  if (buffer === null) adopt(new SharedArrayBuffer(ARENA_BYTES, { maxByteLength: REGISTRY_MAX_BYTES }), true);
  return buffer!;
}

/** slot is this thread's slot (joining the registry if needed). */
export function slot(): number {
  if (mySlot < 0) registry();
  return mySlot;
}

/** registryWords is the registry as an Int32Array (for tests and diagnostics). */
export function registryWords(): Int32Array {
  registry();
  return words;
}

/**
 * adopt makes `sab` this thread's registry: a thread gets it from the scheduler's workerData or from the first
 * shared object it receives. The creator takes slot 0; every other thread takes the next free slot.
 */
export function adopt(sab: SharedArrayBuffer, creator = false, reserved = -1): void {
  if (buffer === sab) return;
  if (!(sab instanceof SharedArrayBuffer) || sab.byteLength < WORDS * 4) {
    throw new InvalidArgumentError(
      `gocsp: registry must be the thread registry of a gocsp runtime (a SharedArrayBuffer of ${WORDS * 4} bytes), ` +
        `got ${describe(sab)}`,
    );
  }
  // A fixed-length view: over a growable buffer, a view without a length would track the arena's growth, and V8
  // compiles accesses through such views less well.
  const w = new Int32Array(sab, 0, WORDS);
  if (creator) {
    w[KEY] = (Math.random() * 2 ** 31) | 0;
    w[KEY + 1] = (Math.random() * 2 ** 31) | 0;
  }
  if (buffer !== null && words[KEY] === w[KEY] && words[KEY + 1] === w[KEY + 1]) return;
  if (buffer !== null) {
    throw new InvalidArgumentError(
      'gocsp: this thread already belongs to another gocsp runtime (shared objects from two separate registries met)',
    );
  }
  const s = creator ? 0 : reserved > 0 ? reserved : takeSlot(w);
  buffer = sab;
  words = w;
  mySlot = s;
  Atomics.store(words, HEADER + s * SLOT_WORDS + STATE, ALIVE);
  joined();
}

/**
 * reserveSlot claims a slot for a thread about to start (the scheduler hands it over in workerData, and marks it dead
 * when the thread exits).
 */
export function reserveSlot(): number {
  registry();
  return takeSlot(words);
}

/**
 * ticketBlockSize is how many tickets block `b` of a thread holds: 1020, 2044, ... doubling up to 2^20 - 4 (each
 * block with the arena's header fills a power-of-two block exactly).
 */
export function ticketBlockSize(b: number): number {
  return (b < 10 ? 1024 << b : 1 << 20) - 4;
}

/** nextGeneration moves every ticket of slot `s` (the blocks its threads allocated) to a new generation. */
function nextGeneration(w: Int32Array, s: number): void {
  // The blocks are in the arena, past the fixed view `w`: a length-tracking view reaches them.
  const all = new Int32Array(w.buffer);
  for (let b = 0; b < TICKET_BLOCKS; b++) {
    const base = Atomics.load(w, TICKET_TABLE + s * TICKET_BLOCKS + b);
    if (base === 0) return;
    for (let t = base; t < base + ticketBlockSize(b); t++) Atomics.store(all, t, (Atomics.load(all, t) | 1) + 1);
  }
}

/**
 * takeSlot claims a free slot, or the slot of a thread that exited. Reusing a slot first moves every ticket of it to
 * a new generation, so an offer its previous thread left in some channel can never claim the new thread's tickets.
 */
function takeSlot(w: Int32Array): number {
  for (let s = 1; s < MAX_THREADS; s++) {
    const i = HEADER + s * SLOT_WORDS + STATE;
    if (Atomics.compareExchange(w, i, FREE, ALIVE) === FREE) return s;
    if (Atomics.compareExchange(w, i, DEAD, ALIVE) === DEAD) {
      Atomics.add(w, HEADER + s * SLOT_WORDS + INC, 1);
      nextGeneration(w, s);
      return s;
    }
  }
  throw new InvalidArgumentError(`gocsp: more than ${MAX_THREADS} threads at once in one runtime`);
}

/** joinHooks run once this thread has its slot (the lock module records its owner value then, the directory opens). */
const joinHooks: (() => void)[] = [];
function joined(): void {
  for (const f of joinHooks) f();
}

/** onJoin runs `f` once this thread has joined a registry (at once if it already has). */
export function onJoin(f: () => void): void {
  joinHooks.push(f);
  if (mySlot >= 0) f();
}

/** registryKey names this thread's registry (its random stamp), for what must be told apart per runtime. */
export function registryKey(): string {
  registry();
  return `${words[KEY]! >>> 0}-${words[KEY + 1]! >>> 0}`;
}

/** nextObjectId hands out a program-wide id for a new shared object. */
export function nextObjectId(): number {
  registry();
  return Atomics.add(words, NEXT_ID, 1) + 1;
}

/** nextToken hands out a program-wide non-zero token (for the SAB directory). */
export function nextToken(): number {
  registry();
  for (;;) {
    const t = (Atomics.add(words, NEXT_TOKEN, 1) + 1) | 0;
    if (t !== 0) return t;
  }
}

/**
 * ownerToken is what this thread writes into a lock word it holds: its slot and the slot's incarnation, so that a
 * lock left by a dead thread is still seen as dead once another thread reuses the slot.
 */
export function ownerToken(): number {
  const s = slot();
  return ((Atomics.load(words, HEADER + s * SLOT_WORDS + INC) & 0xffffff) << 7) | (s + 1);
}

/** isOwnerAlive reports whether the thread that wrote lock token `token` still runs. */
export function isOwnerAlive(token: number): boolean {
  const s = (token & 127) - 1;
  const base = HEADER + s * SLOT_WORDS;
  return Atomics.load(words, base + STATE) === ALIVE && (Atomics.load(words, base + INC) & 0xffffff) === token >>> 7;
}

/** joinedRegistry reports whether this thread has a registry (no shared object or worker thread: none). */
export function joinedRegistry(): boolean {
  return mySlot >= 0;
}

/** slotIndex is the index in registryWords() of word `word` (IDLE, EPOCH, WATCH, SLEEP_WORD) of slot `s`. */
export function slotIndex(s: number, word: number): number {
  return HEADER + s * SLOT_WORDS + word;
}

/** SLEEP_WORD is the parker's SLEEP word of a slot, for slotIndex. */
export const SLEEP_WORD = SLEEP;

/** isAlive reports whether thread `s` is still running. */
export function isAlive(s: number): boolean {
  return Atomics.load(words, HEADER + s * SLOT_WORDS + STATE) === ALIVE;
}

/** markDead records that thread `s` exited (the scheduler calls it on a worker's exit). */
export function markDead(s: number): void {
  registry();
  if (s <= 0) return;
  // A dead thread is not asleep: the next thread in the slot starts awake (idle.ts).
  Atomics.store(words, HEADER + s * SLOT_WORDS + IDLE, 0);
  Atomics.compareExchange(words, HEADER + s * SLOT_WORDS + STATE, ALIVE, DEAD);
}

/** wake makes thread `s` re-check what it waits on; it costs a syscall only if the thread sleeps. */
export function wake(s: number): void {
  const i = HEADER + s * SLOT_WORDS + SLEEP;
  // Read first: a busy partner is woken by every value sent to it, and a load keeps the line shared where a failed
  // CAS would take it away from the partner's core.
  if (Atomics.load(words, i) === 1 && Atomics.compareExchange(words, i, 1, 0) === 1) Atomics.notify(words, i);
}

/** sleepIndex is the word this thread sleeps on. */
export function sleepIndex(): number {
  return HEADER + slot() * SLOT_WORDS + SLEEP;
}

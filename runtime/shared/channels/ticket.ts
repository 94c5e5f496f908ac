/**
 * Ticket is a parked operation's claim word (see registry.ts): whoever completes the operation, on whatever thread,
 * first claims it, so the operation completes exactly once. A select's ticket is one of these, made through
 * chan/select-ticket.ts (installed at the bottom of this file): the select does not import shared memory.
 *
 * Where tickets live: a thread takes its tickets from blocks that it allocates in the arena (arena.ts) as it needs
 * them, block b holding ticketBlockSize(b) words (1020, 2044, ... doubling up to 2^20 - 4), and records each block in
 * its slot's ticket table in the registry, so that any thread finds a ticket from its id:
 *
 *   id = slot << 25 | b << 20 | i        ticket i of block b of the thread in `slot` (slot < 64, b < 32, i < 2^20)
 *
 *   ticket word: gen*2 while waiting, gen*2+1 once claimed; a block starts zeroed (generation 0, waiting)
 *
 * So a parked operation costs a word of memory, not one of a fixed number of slots: a thread can park
 * MAX_PARKED_PER_THREAD operations at once (about 24 million), fewer if the registry's 4 GiB run out first. A block
 * is never freed: a thread keeps its high-water mark of tickets (4 bytes each), and the next thread in its slot takes
 * them over (registry.takeSlot moves them to a new generation). Past either bound, taking a ticket throws
 * TooManyParkedError before the caller changed anything.
 */
import { setSelectTickets } from '../../chan/select-ticket.js';
import { TooManyParkedError, isValueTooLargeError } from '../../panics.js';
import { alloc, payloadAt } from '../memory/arena.js';
import {
  MAX_THREADS,
  registry,
  registryWords,
  slot,
  TICKET_BLOCKS,
  TICKET_TABLE,
  ticketBlockSize,
} from '../memory/registry.js';

const BLOCK_SHIFT = 20;
const SLOT_SHIFT = 25;
const INDEX_MASK = (1 << BLOCK_SHIFT) - 1;

/** MAX_PARKED_PER_THREAD is how many operations one thread can have parked on shared channels at once. */
export const MAX_PARKED_PER_THREAD = (() => {
  let n = 0;
  for (let b = 0; b < TICKET_BLOCKS; b++) n += ticketBlockSize(b);
  return n;
})();

/** all is the registry as a length-tracking view: the blocks are in the arena, which grows. */
let all: Int32Array = new Int32Array(0);
/** This thread's blocks (word index of each, by block number), its next fresh ticket, and its released ones. */
const blocks: number[] = [];
let block = 0;
let index = 0;
const free: number[] = [];
let inUse = 0;
let limit = MAX_PARKED_PER_THREAD;

/** view makes `all` a view of this thread's registry (once: a thread keeps its registry). */
function view(): void {
  const r = registry();
  if (all.buffer !== r) all = new Int32Array(r);
}

/** take hands out a ticket id of this thread, or throws TooManyParkedError. */
function take(): number {
  if (inUse >= limit) {
    throw new TooManyParkedError(`gocsp: more than ${limit} operations parked on shared channels in one thread`);
  }
  let id = free.pop();
  if (id === undefined) {
    if (index === ticketBlockSize(block)) {
      block++;
      index = 0;
    }
    if (blocks[block] === undefined) open(block);
    id = (slot() << SLOT_SHIFT) | (block << BLOCK_SHIFT) | index++;
  }
  inUse++;
  return id;
}

/** open finds block `b` of this thread (left by the previous thread in its slot), or allocates it. */
function open(b: number): void {
  view();
  const entry = TICKET_TABLE + slot() * TICKET_BLOCKS + b;
  const words = registryWords();
  let base = Atomics.load(words, entry);
  if (base === 0) {
    const size = ticketBlockSize(b);
    try {
      base = payloadAt(alloc(size * 4, 'tickets', true)) / 4;
    } catch (e) {
      if (!isValueTooLargeError(e)) throw e;
      throw new TooManyParkedError(
        'gocsp: no shared memory left for another operation parked on shared channels ' +
          `(the thread registry is at most 4 GiB; this thread has ${inUse} parked)`,
      );
    }
    all.fill(0, base, base + size);
    // Published before any id of the block can be: partners read the table once they saw an offer naming one.
    Atomics.store(words, entry, base);
  }
  blocks[b] = base;
}

/** wordOf is the word of ticket `id` read from shared memory, or -1 if `id` names no ticket (corrupted memory). */
function wordOf(id: number): number {
  const s = id >>> SLOT_SHIFT;
  const b = (id >>> BLOCK_SHIFT) & (TICKET_BLOCKS - 1);
  const i = id & INDEX_MASK;
  if (s >= MAX_THREADS || i >= ticketBlockSize(b)) return -1;
  const base = Atomics.load(registryWords(), TICKET_TABLE + s * TICKET_BLOCKS + b);
  return base === 0 ? -1 : base + i;
}

export class Ticket {
  /** t is the ticket's id (what an offer names); gen its waiting value for this use. */
  readonly t: number;
  readonly gen: number;
  readonly #at: number;

  /** Ticket takes one of this thread's tickets; it throws TooManyParkedError past the limit (see the top). */
  constructor() {
    this.t = take();
    this.#at = blocks[(this.t >>> BLOCK_SHIFT) & (TICKET_BLOCKS - 1)]! + (this.t & INDEX_MASK);
    this.gen = Atomics.load(all, this.#at);
  }

  /** claim takes the ticket for the caller; false if someone (on any thread) already did. */
  claim(): boolean {
    return Atomics.compareExchange(all, this.#at, this.gen, this.gen + 1) === this.gen;
  }

  /** unclaim gives back a ticket this thread claimed but could not use. */
  unclaim(): void {
    Atomics.store(all, this.#at, this.gen);
  }

  /** claimed reports whether the ticket has been claimed. */
  get claimed(): boolean {
    return Atomics.load(all, this.#at) !== this.gen;
  }

  /** release returns the ticket to its thread's pool once the operation is over (a new generation). */
  release(): void {
    Atomics.store(all, this.#at, (Atomics.load(all, this.#at) | 1) + 1);
    free.push(this.t);
    inUse--;
  }
}

/** claimTicket claims ticket `t` in generation `gen` (a partner's ticket read from an offer); true if it did. */
export function claimTicket(t: number, gen: number): boolean {
  // t comes from shared memory (an offer): an id that names no ticket is corruption, never a ticket.
  const at = wordOf(t);
  if (at < 0) return false;
  view();
  return Atomics.compareExchange(all, at, gen, gen + 1) === gen;
}

/**
 * ticketsInUse is how many tickets this thread has out (tests and diagnostics).
 * @internal
 */
export function ticketsInUse(): number {
  return inUse;
}

/**
 * limitParked lowers this thread's limit of parked operations to `n` (tests: the refusal at the limit is the same
 * code whatever the limit), and returns what restores it.
 * @internal
 */
export function limitParked(n: number): () => void {
  limit = n;
  return () => {
    limit = MAX_PARKED_PER_THREAD;
  };
}

setSelectTickets(() => new Ticket());

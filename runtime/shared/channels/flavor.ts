/**
 * Flavor is what the shared channel's shell (shared-chan.ts) asks of a channel's algorithm, as crossbeam-channel's
 * channel.rs asks of its flavors: the lock-free ring of a buffered channel (ring-flavor.ts) or the rendezvous through
 * offers of an unbuffered one (offer-flavor.ts). The shell owns the public API, the one path by which a plain
 * operation parks, and the re-poll loop; a flavor moves values and completes the waiters of ParkedOps (parked-ops.ts).
 */
import type { Waiter } from '../../chan/waiter.js';
import type { Spinnable } from '../memory/parker.js';
import type { Ticket } from './ticket.js';

/** Deferred is a completion decided under a lock and run after it is released (waking runs promise reactions). */
export type Deferred = () => void;

/** Admission is what an unbuffered channel takes for a plain operation before it parks (Flavor.admit). */
export interface Admission {
  readonly ticket: Ticket;
  /** ref is the reference of a send's value stored out of line (undefined: the value goes into the slot). */
  readonly ref: number | undefined;
}

export interface Flavor extends Spinnable {
  /** pollSend sends at once if it can (Selectable.pollSend); it throws for a bad value or a closed channel. */
  pollSend(value: unknown): boolean;
  /** pollRecv receives at once if it can: a value, EMPTY or CLOSED (Selectable.pollRecv). */
  pollRecv(): unknown;
  /** close closes the channel; it throws CloseOfClosedChannelError if it already was (the shell then wakes all). */
  close(): void;
  len(): number;
  /** spin spins before a plain operation parks, once woken from another thread; true if it may proceed now. */
  spin(dir: number): boolean;
  /**
   * admit takes what a plain operation needs to park, before anything changes: it throws (TooManyParkedError, a
   * value that cannot be stored) having changed nothing. Null: nothing needed.
   */
  admit(send: boolean, value: unknown): Admission | null;
  /** enter announces plain waiter `wt`, just pushed into its queue, with what admit gave it. */
  enter(wt: Waiter, a: Admission | null): void;
  /** spinParked spins after a plain operation parked and re-checked, once woken from another thread. */
  spinParked(dir: number): boolean;
  /** enqueue queues and announces select waiter `wt` (Selectable.enqueueRecv / enqueueSend), or throws unchanged. */
  enqueue(wt: Waiter, send: boolean): void;
  /** dequeue removes select waiter `wt`, which lost (Selectable.dequeue). */
  dequeue(wt: Waiter): void;
  /** repollInto completes the parked local operations that can now proceed, collecting completions into `done`. */
  repollInto(done: Deferred[]): void;
}

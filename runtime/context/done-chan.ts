/**
 * DoneChan is the done channel of a cancelable context: a channel of `never` that is closed once and never carries a
 * value (Go's `chan struct{}` closed by cancel).
 *
 *   closed   set once by close; then every receive completes at once with the zero value (ok = false)
 *   recvq    FIFO of parked receivers (plain receives, for-await iterations and select registrations)
 *
 * Invariant: closed implies recvq is empty.
 *
 * It tells its owner when the first receiver parks and when the last one leaves, so that a deadline timer keeps the
 * process alive only while someone waits. A poll on an open channel first asks the owner to expire a deadline that
 * has passed but whose timer has not fired yet, so a receive, a select and err() always agree.
 */
import { CLOSED, EMPTY, type Selectable } from '../chan/selectable.js';
import type { RecvChan, RecvResult } from '../chan/types.js';
import { ITER, RECV, RECV_OK, type Mode, Waiter } from '../chan/waiter.js';
import { WaitQueue } from '../sched/wait-queue.js';
import { InvalidArgumentError } from '../panics.js';
import { parkStart } from '../sched/park.js';

/** DoneOwner is the context behind a DoneChan. */
export interface DoneOwner {
  /** expireIfDue cancels the context at once if a deadline it depends on has passed. */
  expireIfDue(): void;
  /** waiting is called with true when the first receiver parks, with false when the last one leaves. */
  waiting(on: boolean): void;
}

const RESOLVED: Promise<undefined> = Promise.resolve(undefined);
const CLOSED_RESULT: RecvResult<never> = Object.freeze({ value: undefined, ok: false });
const CLOSED_PROMISE: Promise<RecvResult<never>> = Promise.resolve(CLOSED_RESULT);
const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true });
const DONE_PROMISE: Promise<IteratorResult<never>> = Promise.resolve(DONE);

export class DoneChan implements RecvChan<never>, Selectable {
  readonly #owner: DoneOwner | null;
  #closed = false;
  readonly #recvq = new WaitQueue<Waiter>();

  constructor(owner: DoneOwner | null) {
    this.#owner = owner;
  }

  /** closed reports whether close has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** close closes the channel and wakes every parked receiver; only the owning context calls it, once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const had = this.#recvq.size > 0;
    // Shift one at a time: waking a select removes its other registrations, possibly from this same queue.
    for (let w = this.#recvq.shift(); w !== null; w = this.#recvq.shift()) {
      if (w.claim()) w.wake(undefined, false);
    }
    if (had) this.#owner?.waiting(false);
  }

  recv(): Promise<undefined> {
    return this.pollRecv() === CLOSED ? RESOLVED : this.#park(RECV);
  }

  recvOk(): Promise<RecvResult<never>> {
    return this.pollRecv() === CLOSED ? CLOSED_PROMISE : this.#park(RECV_OK);
  }

  tryRecv(): RecvResult<never> | undefined {
    return this.pollRecv() === CLOSED ? CLOSED_RESULT : undefined;
  }

  len(): number {
    return 0;
  }

  cap(): number {
    return 0;
  }

  [Symbol.asyncIterator](): AsyncIterator<never> {
    return {
      next: (): Promise<IteratorResult<never>> => (this.pollRecv() === CLOSED ? DONE_PROMISE : this.#park(ITER)),
    };
  }

  // Selectable protocol.

  pollRecv(): unknown {
    if (!this.#closed) this.#owner?.expireIfDue();
    return this.#closed ? CLOSED : EMPTY;
  }

  pollSend(): boolean {
    throw new InvalidArgumentError('select: cannot send to a context done channel');
  }

  enqueueRecv(w: Waiter): void {
    this.#recvq.push(w);
    if (this.#recvq.size === 1) this.#owner?.waiting(true);
  }

  enqueueSend(): void {
    throw new InvalidArgumentError('select: cannot send to a context done channel');
  }

  dequeue(w: Waiter): void {
    if (w.queue !== this.#recvq) return;
    this.#recvq.remove(w);
    if (this.#recvq.size === 0) this.#owner?.waiting(false);
  }

  // Internals.

  #park<R>(mode: Mode): Promise<R> {
    const w = new Waiter(mode, undefined, parkStart('chan receive'));
    const p = w.promise<R>();
    this.enqueueRecv(w);
    return p;
  }
}

/** CLOSED_DONE is the shared done channel of contexts canceled before anyone asked for their channel. */
export const CLOSED_DONE: DoneChan = new DoneChan(null);
CLOSED_DONE.close();

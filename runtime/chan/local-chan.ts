/**
 * LocalChan is a channel of one thread: Go's hchan as a small state machine.
 *
 *   buffer   a ring of `cap` slots (grown on demand up to `cap`), `count` values from `head`
 *   recvq    FIFO of parked receivers
 *   sendq    FIFO of parked senders
 *   closed   set once by close
 *
 * Invariants (from Go's runtime/chan.go):
 * - At least one of recvq and sendq is empty, except for a select parked on both directions of this channel (its
 *   own registrations never pair with each other).
 * - For a buffered channel, count > 0 implies recvq is empty, and count < cap implies sendq is empty.
 * - closed implies sendq is empty (close wakes every sender with the panic).
 *
 * Every operation that can complete at once does so synchronously, with no promise allocated for trySend/tryRecv and
 * one settled promise for send/recv. Only a parking operation allocates a waiter and a pending promise.
 *
 * send, recv, recvOk and iteration return promises and never throw: a send on a closed channel is a rejected promise
 * (the sender's panic once awaited), so `ch.send(v).catch(...)` sees it. trySend and close throw at the call.
 */
import { ChannelClosedError, CloseOfClosedChannelError } from '../panics.js';
import { parkStart } from '../sched/park.js';
import { WaitQueue } from '../sched/wait-queue.js';
import { checkCount } from '../validate.js';
import { CLOSED, EMPTY, type Selectable } from './selectable.js';
import type { Chan, RecvResult } from './types.js';
import { ITER, RECV, RECV_OK, SEND, type Mode, Waiter } from './waiter.js';

const RESOLVED: Promise<void> = Promise.resolve();
const CLOSED_RESULT: RecvResult<never> = Object.freeze({ value: undefined, ok: false });
const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true });

export class LocalChan<T> implements Chan<T>, Selectable {
  readonly #cap: number;
  #buf: (T | undefined)[];
  #head = 0;
  #count = 0;
  #closed = false;
  readonly #recvq = new WaitQueue<Waiter>();
  readonly #sendq = new WaitQueue<Waiter>();

  constructor(capacity: number) {
    this.#cap = capacity;
    this.#buf = capacity === 0 ? [] : new Array<T | undefined>(Math.min(capacity, 8));
  }

  send(value: T): Promise<void> {
    // Checked here, not left to pollSend's throw: a promise-returning call reports the panic as a rejection.
    if (this.#closed) return Promise.reject(new ChannelClosedError());
    if (this.pollSend(value)) return RESOLVED;
    return this.#parkSend(value);
  }

  trySend(value: T): boolean {
    return this.pollSend(value);
  }

  recv(): Promise<T | undefined> {
    const v = this.pollRecv();
    if (v === EMPTY) return this.#parkRecv(RECV) as Promise<T | undefined>;
    return Promise.resolve(v === CLOSED ? undefined : (v as T));
  }

  recvOk(): Promise<RecvResult<T>> {
    const v = this.pollRecv();
    if (v === EMPTY) return this.#parkRecv(RECV_OK) as Promise<RecvResult<T>>;
    return Promise.resolve(v === CLOSED ? CLOSED_RESULT : { value: v as T, ok: true });
  }

  tryRecv(): RecvResult<T> | undefined {
    const v = this.pollRecv();
    if (v === EMPTY) return undefined;
    return v === CLOSED ? CLOSED_RESULT : { value: v as T, ok: true };
  }

  close(): void {
    if (this.#closed) throw new CloseOfClosedChannelError();
    this.#closed = true;
    // Shift one at a time: waking a select removes its other registrations, possibly from these same queues.
    for (let w = this.#recvq.shift(); w !== null; w = this.#recvq.shift()) {
      if (w.claim()) w.wake(undefined, false);
    }
    for (let w = this.#sendq.shift(); w !== null; w = this.#sendq.shift()) {
      if (w.claim()) w.fail(new ChannelClosedError());
    }
  }

  len(): number {
    return this.#count;
  }

  cap(): number {
    return this.#cap;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: (): Promise<IteratorResult<T>> => {
        const v = this.pollRecv();
        if (v === EMPTY) return this.#parkRecv(ITER) as Promise<IteratorResult<T>>;
        return Promise.resolve(v === CLOSED ? DONE : { value: v as T, done: false });
      },
    };
  }

  // Selectable protocol.

  pollSend(value: unknown): boolean {
    if (this.#closed) throw new ChannelClosedError();
    // pass 1 - a parked receiver takes the value directly (the buffer is empty then).
    for (let r = this.#recvq.shift(); r !== null; r = this.#recvq.shift()) {
      if (r.claim()) {
        r.wake(value, true);
        return true;
      }
    }
    // pass 2 - room in the buffer.
    if (this.#count < this.#cap) {
      this.#push(value as T);
      return true;
    }
    return false;
  }

  pollRecv(): unknown {
    if (this.#count > 0) {
      const v = this.#shift();
      // A parked sender refills the slot just freed, keeping FIFO order across buffer and sendq.
      const s = this.#claimSender();
      if (s !== null) {
        this.#push(s.value as T);
        s.wake(undefined, true);
      }
      return v;
    }
    const s = this.#claimSender();
    if (s !== null) {
      const v = s.value;
      s.wake(undefined, true);
      return v;
    }
    return this.#closed ? CLOSED : EMPTY;
  }

  enqueueRecv(w: Waiter): void {
    this.#recvq.push(w);
  }

  enqueueSend(w: Waiter): void {
    this.#sendq.push(w);
  }

  dequeue(w: Waiter): void {
    w.queue?.remove(w);
  }

  // Internals.

  #parkSend(value: T): Promise<void> {
    const w = new Waiter(SEND, value, parkStart('chan send'));
    this.#sendq.push(w);
    return w.promise<void>();
  }

  #parkRecv(mode: Mode): Promise<unknown> {
    const w = new Waiter(mode, undefined, parkStart('chan receive'));
    this.#recvq.push(w);
    return w.promise();
  }

  /** #claimSender takes the first parked sender whose operation is still to be completed. */
  #claimSender(): Waiter | null {
    for (let s = this.#sendq.shift(); s !== null; s = this.#sendq.shift()) if (s.claim()) return s;
    return null;
  }

  #push(v: T): void {
    let buf = this.#buf;
    if (this.#count === buf.length) buf = this.#grow();
    buf[(this.#head + this.#count) % buf.length] = v;
    this.#count++;
  }

  #shift(): T | undefined {
    const buf = this.#buf;
    const v = buf[this.#head];
    buf[this.#head] = undefined;
    this.#head = this.#head + 1 === buf.length ? 0 : this.#head + 1;
    this.#count--;
    return v;
  }

  #grow(): (T | undefined)[] {
    const old = this.#buf;
    const next = new Array<T | undefined>(Math.min(this.#cap, old.length * 2));
    for (let i = 0; i < this.#count; i++) next[i] = old[(this.#head + i) % old.length];
    this.#head = 0;
    this.#buf = next;
    return next;
  }
}

/**
 * chan makes a channel with room for `capacity` buffered values (0, the default, makes an unbuffered channel whose
 * sends complete only when a receiver takes the value). Go's `make(chan T, capacity)`.
 *
 * Throws InvalidArgumentError for a capacity that is not a non-negative safe integer.
 *
 * @example
 * const jobs = chan<string>(100);
 * await jobs.send('a');
 * jobs.close();
 * for await (const j of jobs) console.log(j);
 */
export function chan<T>(capacity = 0): Chan<T> {
  return new LocalChan<T>(checkCount('chan', 'capacity', capacity));
}

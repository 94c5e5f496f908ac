/**
 * TimerChan is the channel of a Timer or Ticker, with Go 1.23's semantics: it is unbuffered (len and cap are 0), a
 * value is produced only when a receiver takes it, and after stop or reset no stale value is ever received.
 *
 * The timer is in its clock's heap only while a goroutine is parked on the channel (then it keeps the process alive).
 * Otherwise a receive computes lazily whether the deadline has passed. So a timer that nobody waits on costs nothing,
 * never keeps the process alive and is garbage-collected with its channel, and a select that loses against
 * `after(1 hour)` leaves no timer behind.
 *
 * Times (`when`, `period`) are whole nanoseconds of the clock's nanotime. The value is the time the tick was due (a
 * Date). A ticker whose receiver is slow delivers the earliest missed tick and drops the others, then resumes on its
 * original phase, as Go's ticker does.
 */
import { parkStart } from '../sched/park.js';
import { EMPTY, type Selectable } from '../chan/selectable.js';
import type { RecvChan, RecvResult } from '../chan/types.js';
import { ITER, RECV, RECV_OK, type Mode, Waiter } from '../chan/waiter.js';
import { WaitQueue } from '../sched/wait-queue.js';
import { InvalidArgumentError } from '../panics.js';
import { type Clock, unixMillis } from './clock.js';
import { newEntry, type TimerEntry } from '../sched/timer-heap.js';

export class TimerChan implements RecvChan<Date>, Selectable {
  readonly #clock: Clock;
  /** #when is the next due time (a nanotime), or -1 while stopped or after a one-shot timer delivered. */
  #when: number;
  /** #period is the ticker's period in ns, 0 for a one-shot timer. */
  #period: number;
  readonly #recvq = new WaitQueue<Waiter>();
  readonly #entry: TimerEntry;

  constructor(clock: Clock, when: number, period: number) {
    this.#clock = clock;
    this.#when = when;
    this.#period = period;
    this.#entry = newEntry((now) => this.#fire(now), true);
  }

  /** active reports whether a value is still to come. */
  get active(): boolean {
    return this.#when >= 0;
  }

  /** stop disarms the timer; it reports whether it was armed. */
  stop(): boolean {
    const was = this.#when >= 0;
    this.#when = -1;
    this.#clock.timers.remove(this.#entry);
    return was;
  }

  /** rearm arms the next due time `delay` ns from now, period `period` ns (0: one-shot); it reports if it was armed. */
  rearm(delay: number, period: number): boolean {
    const was = this.#when >= 0;
    this.#when = this.#clock.nanotime() + delay;
    this.#period = period;
    if (this.#recvq.size > 0) this.#clock.timers.add(this.#entry, this.#when);
    return was;
  }

  recv(): Promise<Date | undefined> {
    const v = this.pollRecv();
    return v === EMPTY ? this.#park(RECV) : Promise.resolve(v as Date);
  }

  recvOk(): Promise<RecvResult<Date>> {
    const v = this.pollRecv();
    return v === EMPTY ? this.#park(RECV_OK) : Promise.resolve({ value: v as Date, ok: true });
  }

  tryRecv(): RecvResult<Date> | undefined {
    const v = this.pollRecv();
    return v === EMPTY ? undefined : { value: v as Date, ok: true };
  }

  len(): number {
    return 0;
  }

  cap(): number {
    return 0;
  }

  [Symbol.asyncIterator](): AsyncIterator<Date> {
    return {
      next: (): Promise<IteratorResult<Date>> => {
        const v = this.pollRecv();
        return v === EMPTY ? this.#park(ITER) : Promise.resolve({ value: v as Date, done: false });
      },
    };
  }

  // Selectable protocol.

  pollRecv(): unknown {
    if (this.#when < 0) return EMPTY;
    const now = this.#clock.nanotime();
    return now >= this.#when ? this.#take(now) : EMPTY;
  }

  pollSend(): boolean {
    throw new InvalidArgumentError('select: cannot send to a timer channel');
  }

  enqueueRecv(w: Waiter): void {
    this.#recvq.push(w);
    if (this.#when >= 0 && this.#recvq.size === 1) this.#clock.timers.add(this.#entry, this.#when);
  }

  enqueueSend(): void {
    throw new InvalidArgumentError('select: cannot send to a timer channel');
  }

  dequeue(w: Waiter): void {
    this.#recvq.remove(w);
    if (this.#recvq.size === 0) this.#clock.timers.remove(this.#entry);
  }

  // Internals.

  #park<R>(mode: Mode): Promise<R> {
    const w = new Waiter(mode, undefined, parkStart('chan receive'));
    const p = w.promise<R>();
    this.enqueueRecv(w);
    return p;
  }

  /** #take produces the due value and advances (ticker) or disarms (timer). */
  #take(now: number): Date {
    const due = this.#when;
    if (this.#period > 0) {
      this.#when = due + this.#period * (1 + Math.floor((now - due) / this.#period));
    } else {
      this.#when = -1;
    }
    return new Date(unixMillis(this.#clock, due));
  }

  #fire(now: number): void {
    if (this.#when < 0) return;
    let w = this.#recvq.shift();
    // A select registration may already be claimed through a shared channel on another thread: skip it.
    while (w !== null && !w.claim()) w = this.#recvq.shift();
    if (w === null) return;
    const v = this.#take(now);
    if (this.#recvq.size > 0 && this.#when >= 0) this.#clock.timers.add(this.#entry, this.#when);
    w.wake(v, true);
  }
}

/**
 * SyncWaiter is one goroutine parked on a sync primitive (a Mutex locker, a queued RWMutex writer, a Semaphore
 * acquirer), and WaitList a FIFO of them: the sync counterpart of a channel's Waiter and WaitQueue.
 *
 * A waiter is parked (parkStart) when it is made and unparked (parkEnd) exactly once, by wake or fail, right
 * before its promise settles: the synctest bubble and the deadlock report see the wait from its first to its last
 * synchronous step. Whoever wakes a waiter has already handed it what it waited for (the lock, the weight), so the
 * woken goroutine never has to re-check and nobody can barge in between.
 *
 * Invariant: `w.list` is the list that holds `w`, or null; a list holds each waiter at most once.
 */
import { hold, unhold, type Holder } from '../sched/held.js';
import { parkEnd, parkStart, type Park } from '../sched/park.js';

export class SyncWaiter implements Holder {
  prev: SyncWaiter | null = null;
  next: SyncWaiter | null = null;
  list: WaitList<SyncWaiter> | null = null;
  readonly park: Park;
  /** weight is what the waiter asks for (a Semaphore's n); 0 where there is nothing to count. */
  readonly weight: number;
  /** promise settles when the waiter is woken (resolved) or failed (rejected). */
  readonly promise: Promise<void>;
  /** gocspWait is the wait reason a goroutine dump shows for whoever awaits `promise` (see sched/heap-walk.ts). */
  readonly gocspWait: string;
  heldPrev: Holder | null = null;
  heldNext: Holder | null = null;
  #resolve!: () => void;
  #reject!: (e: unknown) => void;

  constructor(reason: string, weight = 0) {
    this.park = parkStart(reason);
    this.gocspWait = reason;
    this.weight = weight;
    this.promise = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    hold(this);
  }

  /** wake ends the wait successfully: the waiter now owns what it asked for. */
  wake(): void {
    parkEnd(this.park);
    unhold(this);
    this.#resolve();
  }

  /** fail ends the wait with `err` (a canceled context). */
  fail(err: unknown): void {
    parkEnd(this.park);
    unhold(this);
    this.#reject(err);
  }
}

export class WaitList<W extends SyncWaiter = SyncWaiter> {
  head: W | null = null;
  tail: W | null = null;
  size = 0;

  /** park parks the calling goroutine at the back of the list for `reason` and returns its promise. */
  park(reason: string): Promise<void> {
    const w = new SyncWaiter(reason);
    this.push(w as W);
    return w.promise;
  }

  push(w: W): void {
    w.list = this as WaitList<SyncWaiter>;
    w.prev = this.tail;
    w.next = null;
    if (this.tail === null) this.head = w;
    else this.tail.next = w;
    this.tail = w;
    this.size++;
  }

  /** shift removes and returns the first waiter, or null when the list is empty. */
  shift(): W | null {
    const w = this.head;
    if (w !== null) this.remove(w);
    return w;
  }

  /** remove takes `w` out of the list; it does nothing if `w` is not in this list. */
  remove(w: W): void {
    if (w.list !== (this as WaitList<SyncWaiter>)) return;
    if (w.prev === null) this.head = w.next as W | null;
    else w.prev.next = w.next;
    if (w.next === null) this.tail = w.prev as W | null;
    else w.next.prev = w.prev;
    w.prev = w.next = null;
    w.list = null;
    this.size--;
  }
}

/**
 * WaitQueue is the one intrusive FIFO of parked operations in the runtime (Go's waitq of sudogs): channels queue
 * their parked sends and receives in it (chan/waiter.ts Waiter), sync primitives their parked lockers, acquirers and
 * waiters (sync/sync-waiter.ts SyncWaiter), shared objects their goroutines of this thread.
 *
 * Intrusive: the links live in the parked record itself, so queueing allocates nothing and removing a record from
 * the middle (a select whose other case won, a canceled acquire) is O(1).
 *
 * Invariant: `w.queue` is the queue that holds `w`, or null; a queue holds each record at most once, and `size` is
 * the number of records linked from `head`.
 *
 * @example
 * const q = new WaitQueue<Waiter>();
 * q.push(w);
 * q.remove(w); // a no-op if w has already left q
 */

/**
 * Queued is a record that a WaitQueue can link: the fields are the queue's, nobody else writes them (a record class
 * declares them with its own type, `prev: Waiter | null`, `queue: WaitQueue<Waiter> | null`).
 */
export interface Queued {
  prev: Queued | null;
  next: Queued | null;
  queue: object | null;
}

export class WaitQueue<W extends Queued> {
  head: W | null = null;
  tail: W | null = null;
  size = 0;

  /** push links `w` (in no queue) at the back. */
  push(w: W): void {
    w.queue = this;
    w.prev = this.tail;
    w.next = null;
    if (this.tail === null) this.head = w;
    else this.tail.next = w;
    this.tail = w;
    this.size++;
  }

  /** shift removes and returns the first record, or null when the queue is empty. */
  shift(): W | null {
    const w = this.head;
    if (w !== null) this.remove(w);
    return w;
  }

  /** remove unlinks `w`; it does nothing if `w` is not in this queue. */
  remove(w: W): void {
    if (w.queue !== this) return;
    if (w.prev === null) this.head = w.next as W | null;
    else w.prev.next = w.next;
    if (w.next === null) this.tail = w.prev as W | null;
    else w.next.prev = w.prev;
    w.prev = w.next = null;
    w.queue = null;
    this.size--;
  }
}

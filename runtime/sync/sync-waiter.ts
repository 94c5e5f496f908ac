/**
 * SyncWaiter is one goroutine parked on a sync primitive (a Mutex locker, a queued RWMutex writer, a Semaphore
 * acquirer, a Cond waiter): the sync counterpart of a channel's Waiter, queued in the same WaitQueue
 * (sched/wait-queue.ts).
 *
 * A waiter is parked (parkStart) when it is made and unparked (parkEnd) exactly once, by wake or fail, right
 * before its promise settles: the synctest bubble and the deadlock report see the wait from its first to its last
 * synchronous step. Whoever wakes a waiter has already handed it what it waited for (the lock, the weight), so the
 * woken goroutine never has to re-check and nobody can barge in between.
 *
 * @example
 * const q = new WaitQueue<SyncWaiter>();
 * const w = new SyncWaiter('sync.Mutex.Lock');
 * q.push(w);
 * return w.promise; // an unlock does q.shift()!.wake()
 */
import { hold, unhold, type Holder } from '../sched/held.js';
import { parkEnd, parkStart, type Park } from '../sched/park.js';
import type { Queued, WaitQueue } from '../sched/wait-queue.js';

export class SyncWaiter implements Holder, Queued {
  prev: SyncWaiter | null = null;
  next: SyncWaiter | null = null;
  queue: WaitQueue<SyncWaiter> | null = null;
  readonly park: Park;
  /** weight is what the waiter asks for (a Semaphore's n); 0 where there is nothing to count. */
  readonly weight: number;
  /** promise settles when the waiter is woken (resolved) or failed (rejected). */
  readonly promise: Promise<void>;
  /** gocspWait is the wait reason a goroutine dump shows for whoever awaits `promise` (see sched/heap-walk.ts). */
  readonly gocspWait: string;
  heldIndex = -1;
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

/** park parks the calling goroutine at the back of `q` for `reason` and returns its promise. */
export function park(q: WaitQueue<SyncWaiter>, reason: string): Promise<void> {
  const w = new SyncWaiter(reason);
  q.push(w);
  return w.promise;
}

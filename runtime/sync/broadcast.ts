/**
 * Broadcast is a group of goroutines parked until one event releases them all at once: the waiters of a
 * WaitGroup, the callers that wait for a running Once, the readers queued behind an RWMutex writer.
 *
 * They share one promise (one allocation per group, not per waiter), but each keeps its own Park, so the synctest
 * bubble counts every one of them and the deadlock report lists each with its wait reason. release unparks them
 * all in the same synchronous step, before their shared promise resolves.
 */
import { hold, unhold, type Holder } from '../sched/held.js';
import { parkEnd, parkStart, type Park } from '../sched/park.js';

export class Broadcast implements Holder {
  #parks: Park[] = [];
  #promise: Promise<void> | null = null;
  #resolve: () => void = noop;
  /** gocspWait is the wait reason a goroutine dump shows for the goroutines parked here (see sched/heap-walk.ts). */
  gocspWait: string | null = null;
  heldIndex = -1;

  /** size is the number of goroutines parked now. */
  get size(): number {
    return this.#parks.length;
  }

  /** wait parks the caller for `reason` until the next release; every waiter of a group gets the same promise. */
  wait(reason: string): Promise<void> {
    this.#parks.push(parkStart(reason));
    this.gocspWait = reason;
    if (this.heldIndex < 0) hold(this);
    return (this.#promise ??= new Promise<void>((resolve) => {
      this.#resolve = resolve;
    }));
  }

  /** release wakes every parked goroutine; later waits start a new group. */
  release(): void {
    const parks = this.#parks;
    if (parks.length === 0) return;
    const resolve = this.#resolve;
    this.#parks = [];
    this.#promise = null;
    this.#resolve = noop;
    for (const p of parks) parkEnd(p);
    unhold(this);
    resolve();
  }
}

function noop(): void {}

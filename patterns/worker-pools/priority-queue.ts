/**
 * PriorityJobQueue is a pool's queue when the pool is made with `priorities: true`: a binary heap of queued jobs
 * and a feeder goroutine that hands the best one to whichever worker asks first, over an unbuffered channel.
 *
 *   submit ── room: push at once ──────────────────► heap (≤ capacity jobs) ──► feeder ── out (chan 0) ──► workers
 *          └─ full: park as a sender on admit (FIFO) ──► feeder takes one when the heap has room
 *
 * Order: a higher priority runs first; within one priority, the job submitted (queued) first runs first. The order is
 * exact at the moment a worker takes a job: the feeder holds the best job while it offers it on `out`, and a push
 * wakes it, so it puts the held job back and offers the new best before any worker can take the old one.
 *
 * Invariants: len() = heap size + the held job ≤ capacity (the feeder takes from admit only while len() < capacity,
 * and trySend pushes only then); entries carry a sequence number so equal priorities stay FIFO through the
 * heap; only the feeder pops and only the feeder closes `out`, once the queue is closed and every job has gone out.
 */
import { chan, type Chan, type RecvChan, ChannelClosedError, recvCase, select, sendCase } from '../../runtime/index.js';

/** PriorityEntry is a queued job with its priority and its place in the arrival order. */
export interface PriorityEntry<J> {
  readonly job: J;
  readonly priority: number;
  seq: number;
}

// What the feeder's select returns besides an admitted entry.
const SENT = 1;
const WOKEN = 2;

export class PriorityJobQueue<J> {
  readonly #capacity: number;
  readonly #heap: PriorityEntry<J>[] = [];
  #seq = 0;
  #held: PriorityEntry<J> | null = null;
  #closed = false;
  /** admit is where submits wait for room: parked senders, served FIFO by the feeder. */
  readonly admit: Chan<PriorityEntry<J>> = chan<PriorityEntry<J>>();
  /** out is where workers take jobs (unbuffered: a job leaves the queue only when a worker takes it). */
  readonly #out: Chan<J> = chan<J>();
  /** wake tells the feeder that a job was pushed or the queue closed (one slot: signals coalesce). */
  readonly #wake: Chan<void> = chan<void>(1);

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** out is the receiving end the pool's workers range over. */
  get out(): RecvChan<J> {
    return this.#out;
  }

  /** len is the number of queued jobs, the one the feeder is offering included. */
  len(): number {
    return this.#heap.length + (this.#held === null ? 0 : 1);
  }

  /**
   * trySend queues `job` at `priority` if there is room, and reports whether it did; it throws ChannelClosedError
   * once the queue is closed (as a channel's trySend does).
   */
  trySend(job: J, priority: number): boolean {
    if (this.#closed) throw new ChannelClosedError();
    if (this.len() >= this.#capacity) return false;
    this.#push({ job, priority, seq: 0 });
    this.#wake.trySend();
    return true;
  }

  /** close refuses new jobs (submits parked on admit reject with ChannelClosedError); queued jobs still go out. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.admit.close();
    this.#wake.trySend();
  }

  /**
   * feed is the feeder goroutine: it offers the best queued job on `out` and, while the heap has room, takes waiting
   * submits from `admit`; a push wakes it to offer the new best. Once the queue is closed and empty it closes `out`.
   */
  async feed(): Promise<void> {
    for (;;) {
      // pass 1 - hold the best job, if any
      this.#held = this.#pop();
      const held = this.#held;
      if (held === null && this.#closed) {
        this.#out.close();
        return;
      }
      // pass 2 - offer it, take a waiting submit while there is room, or wake for a push or the close
      const room = !this.#closed && this.len() < this.#capacity;
      const r = await select([
        sendCase(held === null ? null : this.#out, held?.job as J, () => SENT),
        recvCase(room ? this.admit : null, (e, ok) => (ok ? e! : WOKEN)),
        recvCase(this.#wake, () => WOKEN),
      ]);
      if (r === SENT) {
        this.#held = null;
        continue;
      }
      this.#held = null;
      if (held !== null) this.#heap.push(held), this.#up(this.#heap.length - 1); // back, keeping its seq
      if (typeof r !== 'number') this.#push(r);
    }
  }

  #push(e: PriorityEntry<J>): void {
    e.seq = ++this.#seq;
    this.#heap.push(e);
    this.#up(this.#heap.length - 1);
  }

  #pop(): PriorityEntry<J> | null {
    const h = this.#heap;
    if (h.length === 0) return null;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.#down(0);
    }
    return top;
  }

  /** before reports whether `a` goes out before `b`: higher priority first, then earlier arrival. */
  static before<J>(a: PriorityEntry<J>, b: PriorityEntry<J>): boolean {
    return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
  }

  #up(i: number): void {
    const h = this.#heap;
    const e = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!PriorityJobQueue.before(e, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  #down(i: number): void {
    const h = this.#heap;
    const e = h[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= h.length) break;
      if (c + 1 < h.length && PriorityJobQueue.before(h[c + 1]!, h[c]!)) c++;
      if (!PriorityJobQueue.before(h[c]!, e)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = e;
  }
}

/**
 * PoolAdmission is what decides when a pool's submitted job may start: its queue and its pause. Jobs wait in a
 * bounded jobs channel (FIFO), or, for a pool with priorities, in a PriorityJobQueue (best first, FIFO among equals,
 * priority-queue.ts); workers, or the round-robin dispatcher, receive them from `source`. While the pool is paused
 * no worker takes a job: `paused` says so, and `gate` is closed at every pause and resume, so that a parked worker
 * looks again (pool-worker.ts).
 *
 *   tryQueue / wait ──► jobs (chan, cap queueSize) ─────────────────────► source
 *                   └─► PriorityJobQueue (heap + feeder) ──► out (chan 0) ──► source   (priorities: true)
 *
 * Invariants: `source` is the jobs channel, or the priority queue's `out`; after close(), queuing throws
 * ChannelClosedError (the pool is stopping); from stop() until the next open(), a pause does nothing (a stop must
 * drain). What a job costs or counts is not this file's: PoolCore (pool-core.ts) counts every submit.
 */
import { chan, type Chan, type RecvChan, recvCase, select, sendCase } from '../../runtime/index.js';
import { PriorityJobQueue } from './priority-queue.js';

const yes = (): true => true;
const no = (): false => false;

export class PoolAdmission<J> {
  #jobs: Chan<J> = chan(0);
  /** #pq is the queue of a pool with priorities (#jobs is then unused), or null. */
  #pq: PriorityJobQueue<J> | null = null;
  #source: RecvChan<J> = this.#jobs;
  #paused = false;
  /** #stopping is set from stop() until the next open(): a pause then does nothing. */
  #stopping = false;
  /** #gate is closed whenever the pause flips; a fresh one replaces it. */
  #gate: Chan<void> = chan<void>();
  readonly #onFlip: () => void;

  /** `onFlip` is told after every pause and resume (the pool's watch). */
  constructor(onFlip: () => void) {
    this.#onFlip = onFlip;
  }

  /** source is what workers (or the round-robin dispatcher) receive jobs from. */
  get source(): RecvChan<J> {
    return this.#source;
  }

  /** paused reports whether workers must not take jobs. */
  get paused(): boolean {
    return this.#paused;
  }

  /** gate is closed at the next pause or resume. */
  get gate(): RecvChan<void> {
    return this.#gate;
  }

  /** stopping reports whether stop() was called since the last open(): queuing now would race the stop. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /**
   * open makes a fresh, empty queue of `size` jobs, with priorities or not, and returns the priority queue's feeder
   * for the pool to run as a goroutine (null without priorities).
   */
  open(size: number, priorities: boolean): (() => Promise<void>) | null {
    this.#stopping = false;
    if (priorities) {
      const pq = (this.#pq = new PriorityJobQueue<J>(size));
      this.#jobs = chan(0); // unused: admission goes through #pq
      this.#source = pq.out;
      return () => pq.feed();
    }
    this.#jobs = chan(size);
    this.#source = this.#jobs;
    return null;
  }

  /** stop refuses every pause until the next open(), and resumes a paused pool (it could not drain). */
  stop(): void {
    this.#stopping = true;
    this.resume();
  }

  /** close closes the queue to new jobs: queued ones still go out to the workers, then `source` closes. */
  close(): void {
    this.#jobs.close();
    this.#pq?.close();
  }

  /** pause stops workers taking jobs (running ones go on). Idempotent; does nothing while stopping. */
  pause(): void {
    if (this.#paused || this.#stopping) return;
    this.#paused = true;
    this.#flip();
  }

  /** resume lets workers take jobs again. Idempotent. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#flip();
  }

  #flip(): void {
    const g = this.#gate;
    this.#gate = chan<void>();
    g.close();
    this.#onFlip();
  }

  /**
   * tryQueue queues `job` at `priority` if that completes at once and reports whether it did; it throws
   * ChannelClosedError once the queue is closed.
   */
  tryQueue(job: J, priority: number): boolean {
    const pq = this.#pq;
    return pq === null ? this.#jobs.trySend(job) : pq.trySend(job, priority);
  }

  /**
   * wait queues `job` at `priority`, waiting for room (FIFO among the waiting submits), unless `done` (a
   * submitter's cancel, or null: none) fires first: it resolves true once queued, false if `done` fired. A queue
   * closed meanwhile rejects it with ChannelClosedError.
   */
  wait(job: J, priority: number, done: RecvChan<void> | null): Promise<boolean> {
    const pq = this.#pq;
    if (pq !== null) return select([sendCase(pq.admit, { job, priority, seq: 0 }, yes), recvCase(done, no)]);
    if (done === null) return this.#jobs.send(job).then(yes); // nothing to select against: a plain send parks for less
    return select([sendCase(this.#jobs, job, yes), recvCase(done, no)]);
  }

  /**
   * requeue puts back a job that a round-robin worker had in its inbox when it exited, if the jobs channel has
   * room (with priorities it never has: the job must then be placed in another inbox). It throws ChannelClosedError
   * once the queue is closed.
   */
  requeue(job: J): boolean {
    return this.#jobs.trySend(job);
  }

  /** len is the number of queued jobs (the priority queue's held one included). */
  len(): number {
    return this.#pq === null ? this.#jobs.len() : this.#pq.len();
  }
}

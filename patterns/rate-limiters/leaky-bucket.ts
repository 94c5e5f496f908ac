/**
 * LeakyBucketRateLimiter is a leaky bucket as a queue: a buffered channel of `capacity` items (the bucket) drained by
 * one goroutine at a steady pace, one item every leakInterval / leakRate ms, into an unbuffered output channel that
 * the consumer reads. Producers enqueue; when the bucket is full they wait (FIFO) or are refused (tryEnqueue).
 *
 *   producers --enqueue--> bucket: chan<T>(capacity) --leak goroutine, paced--> output: chan<T>() --> consumer
 *
 * The leak goroutine loops: wait until the next leak time, receive the oldest item, hand it to the consumer, and set
 * the next leak time one spacing after the hand-off. So consecutive items reach the consumer at least one spacing
 * apart, a slow consumer slows the leak instead of receiving a burst later (no credit accumulates), and an item that
 * finds the bucket idle leaves at once. While the consumer has not taken it, the leaked item is held by the goroutine
 * (it is no longer in the bucket, so getQueueLength does not count it, and the bucket has room for one more).
 *
 * Shutdown: close() refuses new items and lets those in the bucket leak at the same pace, then closes `output`;
 * stop() ends at once and resolves to the items that never reached the consumer. Either way the goroutine ends (`done()` is closed) and
 * parked enqueuers are refused with RateLimiterClosedError. An idle bucket does not keep the process alive (its
 * goroutine is parked on channels); it waits on a timer only while pacing, for at most one spacing after a leak.
 * Inside synctest.run, close or stop the bucket before the test returns, since the bubble waits for its goroutines.
 */
import {
  chan,
  type Chan,
  type RecvChan,
  isChannelClosedError,
  recv,
  go,
  recvCase,
  select,
  sendCase,
  nanotime,
  newTimer,
} from '../../runtime/index.js';
import { type Cancel, cancelReason, toContext } from '../core/cancel.js';
import { options, positive, positiveInt } from '../core/option-checks.js';
import { RateLimiterClosedError } from './limiter-errors.js';
import { checkCancel } from './permit.js';

const OWNER = 'LeakyBucketRateLimiter';
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * LeakyBucketConfig configures a LeakyBucketRateLimiter.
 *
 * @example
 * const config: LeakyBucketConfig = { capacity: 100, leakRate: 50, leakInterval: Second }; // one item every 20 ms
 * const bucket = new LeakyBucketRateLimiter<string>(config);
 * bucket.tryEnqueue('a');
 * bucket.close();
 * for await (const item of bucket.output) console.log(item); // a
 */
export interface LeakyBucketConfig {
  /** capacity is how many items the bucket holds before enqueue waits (integer >= 1). */
  capacity: number;
  /** leakRate is how many items leak per leakInterval (> 0); they leave evenly spaced, not in bursts. */
  leakRate: number;
  /** leakInterval is the period of leakRate, in ms (> 0). Default 1000. */
  leakInterval?: number;
}

/**
 * LeakyBucketRateLimiter smooths a bursty flow: items enqueued into a bucket of `capacity` leave on `output` one
 * at a time, `leakRate` per `leakInterval` ms, whatever the producers do. enqueue waits while the bucket is full,
 * tryEnqueue refuses; close() lets the rest leak, then closes output.
 *
 * @example
 * const bucket = new LeakyBucketRateLimiter<Request>({ capacity: 50, leakRate: 5, leakInterval: 100 });
 * go(async () => { for await (const r of bucket.output) await handle(r); });
 * await bucket.enqueue(request);
 */
export class LeakyBucketRateLimiter<T = unknown> {
  /**
   * output receives the items as they leak, in enqueue order; it is closed once the bucket is closed and drained, or
   * stopped. `for await (const item of bucket.output)` is the consumer loop.
   */
  readonly output: RecvChan<T>;
  readonly #capacity: number;
  /** #spacing is the time between two leaks, in ns (nanotime's unit). */
  readonly #spacing: number;
  readonly #bucket: Chan<T>;
  readonly #out: Chan<T>;
  readonly #stop = chan<void>();
  readonly #done = chan<never>();
  #closed = false;
  /** left holds the item the goroutine had taken when it was stopped, for stop() to return. */
  #left: T[] = [];

  /**
   * LeakyBucketRateLimiter makes an empty bucket and starts its leak goroutine. Throws InvalidArgumentError naming
   * the option and the value for a bad config: a capacity that is not an integer >= 1, a leakRate or leakInterval
   * that is not a finite number > 0.
   *
   * @example
   * const bucket = new LeakyBucketRateLimiter<Job>({ capacity: 50, leakRate: 5, leakInterval: 100 });
   * go(async () => { for await (const job of bucket.output) await run(job); }); // 50 jobs/s, evenly spaced
   * await bucket.enqueue(job);
   */
  constructor(config: LeakyBucketConfig) {
    const o = options(OWNER, config, ['capacity', 'leakRate', 'leakInterval']);
    this.#capacity = positiveInt(OWNER, 'capacity', o.capacity);
    const rate = positive(OWNER, 'leakRate', o.leakRate);
    const interval = positive(OWNER, 'leakInterval', o.leakInterval ?? 1000);
    this.#spacing = (interval * 1e6) / rate;
    this.#bucket = chan<T>(this.#capacity);
    this.#out = chan<T>();
    this.output = this.#out;
    go(() => this.#leak());
  }

  /**
   * tryEnqueue puts `item` in the bucket if there is room now (and so nobody is waiting), and reports whether it
   * did; it never blocks. Throws RateLimiterClosedError once the bucket is closed or stopped.
   */
  tryEnqueue(item: T): boolean {
    if (this.#closed) throw new RateLimiterClosedError(OWNER);
    return this.#bucket.trySend(item);
  }

  /**
   * enqueue puts `item` in the bucket, waiting while it is full; waiting enqueuers get room in FIFO order. If `cancel`
   * (a Context or AbortSignal) is done first, the promise rejects with its error and the item is not enqueued; an
   * already-canceled `cancel` rejects at once. Rejects with RateLimiterClosedError if the bucket is closed or
   * stopped, before or while waiting. It never throws: a `cancel` that is not a Cancel is a rejection with
   * InvalidArgumentError.
   */
  enqueue(item: T, cancel?: Cancel): Promise<void> {
    let err: unknown;
    try {
      err = checkCancel(`${OWNER}.enqueue`, cancel);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.#closed) return Promise.reject(new RateLimiterClosedError(OWNER));
    if (err !== null) return Promise.reject(err);
    if (this.#bucket.trySend(item)) return RESOLVED;
    if (cancel === undefined) return this.#bucket.send(item).catch(closedError);
    const [ctx, release] = toContext(cancel);
    return select([sendCase(this.#bucket, item, () => null), recvCase(ctx.done(), () => ({ reason: cancelReason(ctx) }))])
      .then((e) => {
        if (e !== null) throw e.reason;
      }, closedError)
      .finally(release);
  }

  /**
   * dequeue is the pull form of `output`: the next leaked item if one is ready now (the leak pace allows it and the
   * goroutine is offering it), else undefined. It never blocks.
   */
  dequeue(): T | undefined {
    const r = this.#out.tryRecv();
    return r === undefined || !r.ok ? undefined : r.value;
  }

  /** getQueueLength is the number of items in the bucket, waiting to leak. */
  getQueueLength(): number {
    return this.#bucket.len();
  }

  /** getCapacity is the bucket's capacity. */
  getCapacity(): number {
    return this.#capacity;
  }

  /** isFull reports whether the bucket is full, so that enqueue would wait and tryEnqueue fail. */
  isFull(): boolean {
    return this.#bucket.len() >= this.#capacity;
  }

  /**
   * close stops accepting items: later enqueues are refused and parked enqueuers rejected with
   * RateLimiterClosedError, while the items already in the bucket keep leaking at the same pace; then `output` is
   * closed and the goroutine ends. Calling it again, or after stop, does nothing.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#bucket.close();
  }

  /**
   * stop closes the bucket and ends the leak goroutine at once (closing `output`), then resolves to the items that
   * never reached the consumer, oldest first: the one the goroutine was offering, if any, and those left in the
   * bucket. Parked enqueuers are rejected with RateLimiterClosedError. Later calls resolve to [].
   */
  async stop(): Promise<T[]> {
    if (!isClosed(this.#stop)) {
      this.close();
      this.#stop.close();
    }
    // Wait for the goroutine to end: only it knows whether the item it held was taken by the consumer.
    await recv(this.#done);
    const left = this.#left;
    this.#left = [];
    for (let r = this.#bucket.tryRecv(); r !== undefined && r.ok; r = this.#bucket.tryRecv()) left.push(r.value as T);
    return left;
  }

  /** done returns a channel that is closed once the leak goroutine has ended (after close and the last leak, or stop). */
  done(): RecvChan<never> {
    return this.#done;
  }

  async #leak(): Promise<void> {
    let next = -Infinity;
    try {
      for (;;) {
        // pass 1 - pace: the next item may leave at `next` (a nanotime) at the earliest; whole ns, rounded up.
        const wait = next - nanotime();
        if (wait > 0) {
          const timer = newTimer(Math.ceil(wait) / 1e6);
          const stopped = await select([recvCase(timer.c, () => false), recvCase(this.#stop, () => true)]);
          timer.stop();
          if (stopped) return;
        }
        // pass 2 - take the oldest item, unless the bucket is closed and drained (or stopped).
        const got = await select([
          recvCase(this.#bucket, (v, ok) => (ok ? { item: v as T } : null)),
          recvCase(this.#stop, () => null),
        ]);
        if (got === null) return;
        if (isClosed(this.#stop)) {
          this.#left.push(got.item);
          return;
        }
        // pass 3 - offer it to the consumer until it takes it or the bucket is stopped.
        const taken = await select([sendCase(this.#out, got.item, () => true), recvCase(this.#stop, () => false)]);
        if (!taken) {
          this.#left.push(got.item);
          return;
        }
        next = Math.max(next, nanotime()) + this.#spacing;
      }
    } finally {
      this.#out.close();
      this.#done.close();
    }
  }
}

/** isClosed reports whether a signal channel (one that is only ever closed) has been closed. */
function isClosed(c: Chan<void>): boolean {
  return c.tryRecv() !== undefined;
}

/** closedError turns the bucket channel's close, seen by a parked enqueuer, into RateLimiterClosedError. */
function closedError(e: unknown): never {
  if (isChannelClosedError(e)) throw new RateLimiterClosedError(OWNER);
  throw e;
}

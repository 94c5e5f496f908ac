/**
 * WindowCounter is the approximate mode of SlidingWindowRateLimiter: the sliding-window-counter algorithm with
 * `precision` sub-windows. Time is cut into buckets of windowSize / precision, each with a counter; the count in
 * the window (t - windowSize, t] is estimated as the counters of the `precision` newest buckets (the current one
 * included) plus the oldest bucket's counter weighted by the part of it still inside the window, assuming its
 * requests were spread evenly. With precision 1 this is the classic two-counter sliding window.
 *
 *   counts   ring of precision + 1 counters; bucket x lives in slot x mod (precision + 1)
 *   cur      the index of the current bucket (time since origin / bucket width, floored)
 *   recent   the sum of the counters of buckets cur - precision + 1 .. cur
 *
 * Memory is precision + 1 numbers whatever the rate. The estimate can be off by at most the oldest bucket's count
 * (when its requests were not spread evenly); higher precision makes that bucket smaller.
 */
import type { WindowStrategy } from './window-strategy.js';

const EPS = 1e-9;

export class WindowCounter implements WindowStrategy {
  readonly #max: number;
  readonly #p: number;
  readonly #width: number;
  readonly #origin: number;
  readonly #counts: Float64Array;
  #cur = 0;
  #recent = 0;
  /** frac is how far into bucket `cur` the last advance went, in [0, 1). */
  #frac = 0;

  constructor(windowSize: number, maxRequests: number, precision: number, origin: number) {
    this.#max = maxRequests;
    this.#p = precision;
    this.#width = windowSize / precision;
    this.#origin = origin;
    this.#counts = new Float64Array(precision + 1);
  }

  free(t: number): number {
    this.#advance(t);
    return Math.max(0, Math.floor(this.#max - this.#estimate() + EPS));
  }

  record(t: number, k: number): void {
    this.#advance(t);
    this.#counts[this.#slot(this.#cur)]! += k;
    this.#recent += k;
  }

  count(t: number): number {
    this.#advance(t);
    return this.#estimate();
  }

  waitTime(t: number, k: number): number {
    this.#advance(t);
    let recent = this.#recent;
    let old = this.#counts[this.#slot(this.#cur - this.#p)]!;
    let f = this.#frac;
    let waited = 0;
    // Walk bucket boundaries forward; within a bucket the estimate falls linearly as the oldest bucket slides out.
    for (let i = this.#cur; ; ) {
      const room = this.#max - k - recent;
      if (room >= -EPS) {
        if (old * (1 - f) <= room + EPS) return waited;
        return waited + (1 - room / old - f) * this.#width;
      }
      waited += (1 - f) * this.#width;
      f = 0;
      i++;
      // Bucket i - p leaves the newest ones and becomes the oldest; buckets after cur are still empty.
      old = i - this.#p <= this.#cur ? this.#counts[this.#slot(i - this.#p)]! : 0;
      recent -= old;
    }
  }

  reset(): void {
    this.#counts.fill(0);
    this.#recent = 0;
  }

  #estimate(): number {
    return this.#recent + this.#counts[this.#slot(this.#cur - this.#p)]! * (1 - this.#frac);
  }

  /** slot is where bucket `bucket` lives; buckets before the first (negative) are empty slots like any other. */
  #slot(bucket: number): number {
    const m = this.#p + 1;
    return ((bucket % m) + m) % m;
  }

  /** advance moves to the bucket of time t, retiring the buckets passed. */
  #advance(t: number): void {
    const x = Math.max(0, t - this.#origin) / this.#width;
    const i = Math.floor(x);
    if (i > this.#cur) {
      if (i - this.#cur > this.#p) {
        this.#counts.fill(0);
        this.#recent = 0;
      } else {
        for (let j = this.#cur + 1; j <= i; j++) {
          this.#recent -= this.#counts[this.#slot(j - this.#p)]!;
          this.#counts[this.#slot(j)] = 0;
        }
      }
      this.#cur = i;
    }
    if (i === this.#cur) this.#frac = x - i;
  }
}

/**
 * WindowLog is the exact mode of SlidingWindowRateLimiter: a log of admission times in a ring buffer, oldest first.
 * A request is admitted at t iff fewer than maxRequests admissions happened in (t - windowSize, t]; so any two
 * admissions maxRequests apart in the log are at least windowSize apart.
 *
 *   times   ring of admission times, `count` of them from `head` (grown by doubling, up to maxRequests slots)
 *
 * Memory: one float64 per admission in the window, at most maxRequests of them.
 */
import type { WindowStrategy } from './window-strategy.js';

export class WindowLog implements WindowStrategy {
  readonly #window: number;
  readonly #max: number;
  #times: Float64Array;
  #head = 0;
  #count = 0;

  constructor(windowSize: number, maxRequests: number) {
    this.#window = windowSize;
    this.#max = maxRequests;
    this.#times = new Float64Array(Math.min(maxRequests, 16));
  }

  free(t: number): number {
    this.#evict(t);
    return this.#max - this.#count;
  }

  record(t: number, k: number): void {
    if (this.#count + k > this.#times.length) this.#grow(this.#count + k);
    const times = this.#times;
    for (let i = 0; i < k; i++) times[(this.#head + this.#count++) % times.length] = t;
  }

  count(t: number): number {
    this.#evict(t);
    return this.#count;
  }

  waitTime(t: number, k: number): number {
    this.#evict(t);
    // The j-th oldest admission must leave the window before k more fit.
    const j = this.#count + k - this.#max;
    if (j <= 0) return 0;
    return this.#times[(this.#head + j - 1) % this.#times.length]! + this.#window - t;
  }

  reset(): void {
    this.#head = 0;
    this.#count = 0;
  }

  /** evict drops the admissions that are windowSize or more before t. */
  #evict(t: number): void {
    const times = this.#times;
    while (this.#count > 0 && t - times[this.#head]! >= this.#window) {
      this.#head = (this.#head + 1) % times.length;
      this.#count--;
    }
  }

  #grow(need: number): void {
    let size = this.#times.length;
    while (size < need) size *= 2;
    const next = new Float64Array(Math.min(this.#max, size));
    for (let i = 0; i < this.#count; i++) next[i] = this.#times[(this.#head + i) % this.#times.length]!;
    this.#times = next;
    this.#head = 0;
  }
}

/**
 * TimeWindow is a SlidingWindow over the last `duration` ms, cut into `buckets` buckets of `duration / buckets` ms.
 * It reads time in the unit its owner gives it (`perMs` units a ms): the breaker passes nanotime readings (1e6), so
 * that a bucket expires at an exact nanosecond; bucket starts in snapshots are in that unit too.
 *
 *   Bucket k covers [k*width, (k+1)*width) on the owner's clock and lives in slot k % buckets.
 *   At time now, with cur = floor(now / width), the window is buckets cur-buckets+1 .. cur: a bucket expires, all of
 *   it at once, at exactly (k + buckets) * width. So the window spans between duration - width and duration.
 *   head is the newest bucket index seen; slots of indexes head+1 .. cur are cleared when time reaches cur, which is
 *   what drops the expired buckets (their slots are the ones reused). The clock never goes back (nanotime is
 *   monotonic), so head only grows.
 *   calls, failures, slow equal the sums over the live buckets.
 */
import type { SlidingWindow, TimeWindowSnapshot, WindowSnapshot } from './breaker-window.js';

export class TimeWindow implements SlidingWindow {
  readonly duration: number;
  readonly buckets: number;
  readonly width: number;
  calls = 0;
  failures = 0;
  slow = 0;
  readonly #calls: Uint32Array;
  readonly #failures: Uint32Array;
  readonly #slow: Uint32Array;
  #head = -Infinity;

  /**
   * TimeWindow makes an empty window over `duration` ms, on a clock counting `perMs` units a ms (duration and buckets
   * are validated by the breaker's config).
   */
  constructor(duration: number, buckets: number, perMs = 1) {
    this.duration = duration;
    this.buckets = buckets;
    this.width = (duration * perMs) / buckets;
    this.#calls = new Uint32Array(buckets);
    this.#failures = new Uint32Array(buckets);
    this.#slow = new Uint32Array(buckets);
  }

  advance(now: number): void {
    this.#advanceTo(Math.floor(now / this.width));
  }

  /** advanceTo makes bucket `cur` the newest, dropping the buckets it pushes out. */
  #advanceTo(cur: number): void {
    if (cur <= this.#head) return;
    const n = Math.min(cur - this.#head, this.buckets);
    for (let k = 0; k < n; k++) this.#drop(this.#slot(cur - k));
    this.#head = cur;
  }

  record(failed: boolean, slow: boolean, now: number): void {
    this.advance(now);
    const i = this.#slot(this.#head);
    this.#calls[i]!++;
    this.calls++;
    if (failed) {
      this.#failures[i]!++;
      this.failures++;
    }
    if (slow) {
      this.#slow[i]!++;
      this.slow++;
    }
  }

  clear(): void {
    this.#calls.fill(0);
    this.#failures.fill(0);
    this.#slow.fill(0);
    this.calls = this.failures = this.slow = 0;
  }

  snapshot(): TimeWindowSnapshot {
    const data: { start: number; calls: number; failures: number; slow: number }[] = [];
    for (let k = this.buckets - 1; k >= 0; k--) {
      const index = this.#head - k;
      if (!Number.isFinite(index)) continue;
      const i = this.#slot(index);
      if (this.#calls[i] === 0) continue;
      data.push({ start: index * this.width, calls: this.#calls[i]!, failures: this.#failures[i]!, slow: this.#slow[i]! });
    }
    return { kind: 'time', duration: this.duration, buckets: this.buckets, data };
  }

  restore(s: WindowSnapshot): boolean {
    this.clear();
    this.#head = -Infinity;
    if (s.kind !== 'time' || s.duration !== this.duration || s.buckets !== this.buckets) return false;
    for (const b of s.data) {
      const index = Math.round(b.start / this.width);
      this.#advanceTo(index);
      if (index <= this.#head - this.buckets) continue; // older than the newest restored bucket allows
      const i = this.#slot(index);
      this.#calls[i]! += b.calls;
      this.#failures[i]! += b.failures;
      this.#slow[i]! += b.slow;
      this.calls += b.calls;
      this.failures += b.failures;
      this.slow += b.slow;
    }
    return true;
  }

  /** slot is where bucket `index` lives (a true modulo: indexes before 1970 are negative). */
  #slot(index: number): number {
    const i = index % this.buckets;
    return i < 0 ? i + this.buckets : i;
  }

  /** drop empties slot i and takes its counts out of the totals. */
  #drop(i: number): void {
    this.calls -= this.#calls[i]!;
    this.failures -= this.#failures[i]!;
    this.slow -= this.#slow[i]!;
    this.#calls[i] = this.#failures[i] = this.#slow[i] = 0;
  }
}

/**
 * CountWindow is a SlidingWindow over the last `size` calls: a ring of one flag byte per call.
 *
 *   ring[next] is where the next call goes; once `calls === size` it holds the oldest call, which is evicted first.
 *   calls, failures, slow are kept equal to the sums over the live entries, so reading them costs nothing.
 */
import type { CountWindowSnapshot, SlidingWindow, WindowSnapshot } from './breaker-window.js';

const FAILED = 1;
const SLOW = 2;

export class CountWindow implements SlidingWindow {
  readonly size: number;
  calls = 0;
  failures = 0;
  slow = 0;
  readonly #ring: Uint8Array;
  #next = 0;

  /** CountWindow makes an empty window over the last `size` calls (size is validated by the breaker's config). */
  constructor(size: number) {
    this.size = size;
    this.#ring = new Uint8Array(size);
  }

  advance(_now: number): void {}

  record(failed: boolean, slow: boolean, _now: number): void {
    const i = this.#next;
    if (this.calls === this.size) {
      const old = this.#ring[i]!;
      this.failures -= old & FAILED;
      this.slow -= (old & SLOW) >> 1;
    } else {
      this.calls++;
    }
    this.#ring[i] = (failed ? FAILED : 0) | (slow ? SLOW : 0);
    if (failed) this.failures++;
    if (slow) this.slow++;
    this.#next = i + 1 === this.size ? 0 : i + 1;
  }

  clear(): void {
    this.calls = this.failures = this.slow = this.#next = 0;
  }

  snapshot(): CountWindowSnapshot {
    let outcomes = '';
    const start = this.calls === this.size ? this.#next : 0;
    for (let k = 0; k < this.calls; k++) outcomes += LETTERS[this.#ring[(start + k) % this.size]!];
    return { kind: 'count', size: this.size, outcomes };
  }

  restore(s: WindowSnapshot): boolean {
    this.clear();
    if (s.kind !== 'count' || s.size !== this.size) return false;
    for (const ch of s.outcomes) {
      const flags = LETTERS.indexOf(ch);
      this.record((flags & FAILED) !== 0, (flags & SLOW) !== 0, 0);
    }
    return true;
  }
}

/** LETTERS[flags] is the snapshot letter of a call with those flags. */
const LETTERS = 'sfSF';

/** isOutcomes reports whether `v` is a valid CountWindowSnapshot outcomes string. */
export function isOutcomes(v: unknown, size: number): boolean {
  return typeof v === 'string' && v.length <= size && /^[sfSF]*$/.test(v);
}

/**
 * Holds counts what each thread holds of a shared sync object (SharedRWMutex read locks, SharedSemaphore weight,
 * SharedCond notifications not yet collected), so that what a thread held when it died can be given back.
 *
 *   words:    MASK[2]  bit s set while thread s's count is not zero
 *             TOKEN[s] owner token of the thread the count of slot s belongs to
 *   numbers:  COUNT[s] what thread s holds
 *
 * Invariant (under the object's LOCK): the counts add up to the object's total (its READERS, its weight in use).
 * A release is charged to the releasing thread's count first, then to other threads' counts (a read lock or weight
 * acquired on one thread may be released on another); the total is always right, and what a dead thread gets back
 * is what no live thread has released for it.
 */
import { isOwnerAlive, MAX_THREADS } from '../memory/registry.js';
import { me } from './sync-object.js';

const MASK = 0;
const TOKENS = 2;

/** HOLDS_WORDS and HOLDS_NUMBERS are how many words and numbers a Holds takes. */
export const HOLDS_WORDS = TOKENS + MAX_THREADS;
export const HOLDS_NUMBERS = MAX_THREADS;

export class Holds {
  readonly #w: Int32Array;
  readonly #wb: number;
  readonly #f: Float64Array;
  readonly #fb: number;

  constructor(w: Int32Array, wordBase: number, f: Float64Array, numberBase: number) {
    this.#w = w;
    this.#wb = wordBase;
    this.#f = f;
    this.#fb = numberBase;
  }

  /**
   * add credits `n` to thread `s`, whose owner token is `token`. It returns what it dropped: a count left in the
   * slot by an earlier, dead thread, which the caller must take off its total.
   */
  add(s: number, token: number, n: number): number {
    const w = this.#w;
    const t = this.#wb + TOKENS + s;
    let stale = 0;
    if (w[t] !== token) {
      stale = this.#f[this.#fb + s]!;
      this.#f[this.#fb + s] = 0;
      w[t] = token;
    }
    if (n === 0) return stale;
    this.#f[this.#fb + s] = this.#f[this.#fb + s]! + n;
    this.#bit(s, true);
    return stale;
  }

  /** of is what thread `s` holds, if its count belongs to owner token `token` (else 0). */
  of(s: number, token: number): number {
    return this.#w[this.#wb + TOKENS + s] === token ? this.#f[this.#fb + s]! : 0;
  }

  /** remove debits `n` (no more than the total), from this thread's count first. */
  remove(n: number): void {
    n = this.#take(me(), n);
    for (let m = 0; m < 2 && n > 0; m++) {
      let bits = this.#w[this.#wb + MASK + m]!;
      while (bits !== 0 && n > 0) {
        const b = 31 - Math.clz32(bits);
        bits &= ~(1 << b);
        n = this.#take(m * 32 + b, n);
      }
    }
  }

  /** reap zeroes the counts of threads that are no longer alive and returns their sum. */
  reap(): number {
    const w = this.#w;
    let sum = 0;
    for (let m = 0; m < 2; m++) {
      let bits = w[this.#wb + MASK + m]!;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits);
        bits &= ~(1 << b);
        const s = m * 32 + b;
        if (isOwnerAlive(w[this.#wb + TOKENS + s]!)) continue;
        sum += this.#f[this.#fb + s]!;
        this.#f[this.#fb + s] = 0;
        this.#bit(s, false);
      }
    }
    return sum;
  }

  /** #take debits up to `n` from thread `s` and returns what is left to debit. */
  #take(s: number, n: number): number {
    const c = this.#f[this.#fb + s]!;
    if (c === 0) return n;
    const d = Math.min(c, n);
    this.#f[this.#fb + s] = c - d;
    if (c === d) this.#bit(s, false);
    return n - d;
  }

  #bit(s: number, on: boolean): void {
    const i = this.#wb + MASK + (s >> 5);
    const bit = 1 << (s & 31);
    this.#w[i] = on ? this.#w[i]! | bit : this.#w[i]! & ~bit;
  }
}

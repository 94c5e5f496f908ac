/**
 * ClaimRing is the main thread's side of one worker's claim ring (protocol.ts, "Claims"): the goroutines posted to
 * the worker that it may not have started yet, and the shared words that settle, for each, whether the worker starts
 * it or main takes it back.
 *
 * Invariants:
 * - `#items` holds, oldest first, what was posted to the worker and not taken back; `#seqs` holds their words. The
 *   worker starts goroutines in posting order, so the ones it has started are a prefix, dropped lazily (#prune).
 * - After #prune, every word of `#items` is POSTED: the worker has not started those goroutines.
 * - A word is set to POSTED only while it is FREE, so a word never stands for two goroutines at once.
 * - Only this thread sets words to POSTED or STOLEN; only the worker sets them back to FREE.
 */
import { CLAIM_FREE, CLAIM_POSTED, CLAIM_SLOTS, CLAIM_STOLEN } from './protocol.js';

export class ClaimRing<T> {
  /** buffer is the ring's memory, handed to the worker in its WorkerInit. */
  readonly buffer = new SharedArrayBuffer(CLAIM_SLOTS * Int32Array.BYTES_PER_ELEMENT);
  readonly #words = new Int32Array(this.buffer);
  /** #next is the word of the next goroutine posted. */
  #next = 0;
  #items: T[] = [];
  #seqs: number[] = [];
  #head = 0;

  /**
   * post marks `items` POSTED, in order, and returns the word of the first (RunMsg.seq). It throws if a word is not
   * FREE, which the ring's size rules out (protocol.ts): posting then would let a goroutine start twice.
   */
  post(items: readonly T[]): number {
    this.#prune();
    const seq = this.#next;
    for (let i = 0; i < items.length; i++) {
      const w = (seq + i) % CLAIM_SLOTS;
      if (Atomics.load(this.#words, w) !== CLAIM_FREE) {
        for (let j = 0; j < i; j++) Atomics.store(this.#words, (seq + j) % CLAIM_SLOTS, CLAIM_FREE);
        throw new Error(`gocsp: internal error: claim word ${w} is still in use`);
      }
      Atomics.store(this.#words, w, CLAIM_POSTED);
      this.#items.push(items[i]!);
      this.#seqs.push(w);
    }
    this.#next = (seq + items.length) % CLAIM_SLOTS;
    return seq;
  }

  /** unpost undoes the last post of `n` items, whose message could not be posted (the worker never saw them). */
  unpost(n: number): void {
    for (let i = 0; i < n; i++) {
      Atomics.store(this.#words, this.#seqs.pop()!, CLAIM_FREE);
      this.#items.pop();
    }
    this.#next = (this.#next - n + CLAIM_SLOTS) % CLAIM_SLOTS;
  }

  /** unstarted is how many posted goroutines the worker has not started yet (a snapshot: it may start one now). */
  unstarted(): number {
    this.#prune();
    return this.#items.length - this.#head;
  }

  /**
   * takeBack takes up to `max` goroutines the worker has not started, from the newest back, and returns them in
   * posting order. It stops at the first one the worker has started: everything older has started too.
   */
  takeBack(max: number): T[] {
    this.#prune();
    let i = this.#items.length;
    while (i > this.#head && this.#items.length - i < max) {
      if (Atomics.compareExchange(this.#words, this.#seqs[i - 1]!, CLAIM_POSTED, CLAIM_STOLEN) !== CLAIM_POSTED) break;
      i--;
    }
    const out = this.#items.splice(i);
    this.#seqs.splice(i);
    return out;
  }

  /** takeBackItem takes `item` back if the worker has not started it; it reports whether it did. */
  takeBackItem(item: T): boolean {
    this.#prune();
    const i = this.#items.indexOf(item, this.#head);
    if (i < 0) return false;
    if (Atomics.compareExchange(this.#words, this.#seqs[i]!, CLAIM_POSTED, CLAIM_STOLEN) !== CLAIM_POSTED) return false;
    this.#items.splice(i, 1);
    this.#seqs.splice(i, 1);
    return true;
  }

  /** #prune drops the goroutines the worker has started from the front. */
  #prune(): void {
    while (this.#head < this.#items.length && Atomics.load(this.#words, this.#seqs[this.#head]!) !== CLAIM_POSTED) {
      this.#head++;
    }
    if (this.#head === this.#items.length) {
      if (this.#head > 0) {
        this.#items = [];
        this.#seqs = [];
        this.#head = 0;
      }
    } else if (this.#head > 1024) {
      this.#items = this.#items.slice(this.#head);
      this.#seqs = this.#seqs.slice(this.#head);
      this.#head = 0;
    }
  }
}

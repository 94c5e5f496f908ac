/**
 * RunQueue holds goroutines waiting for a thread, first in first out. The scheduler only pushes and takes batches, so
 * the queue can later move into shared memory (workers taking from it directly) behind the same interface.
 */

export interface RunQueue<T> {
  readonly length: number;
  push(item: T): void;
  /** take removes and returns up to `max` items from the front. */
  take(max: number): T[];
  /** requeue puts `items` back at the front, in their order: goroutines taken back from a worker that held them. */
  requeue(items: readonly T[]): void;
  /** remove removes `item` wherever it is in the queue; it reports whether it was there. */
  remove(item: T): boolean;
}

/** ArrayRunQueue is a RunQueue on the main thread: an array with a moving head, compacted as it drains. */
export class ArrayRunQueue<T> implements RunQueue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  take(max: number): T[] {
    const n = Math.min(max, this.length);
    const out = this.#items.slice(this.#head, this.#head + n) as T[];
    this.#items.fill(undefined, this.#head, this.#head + n);
    this.#head += n;
    // Compact once the dead prefix dominates, so a long-lived queue does not keep growing.
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }

  requeue(items: readonly T[]): void {
    if (items.length <= this.#head) {
      this.#head -= items.length;
      for (let i = 0; i < items.length; i++) this.#items[this.#head + i] = items[i];
      return;
    }
    this.#items = [...items, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  remove(item: T): boolean {
    // Linear: removal is for an abandoned goroutine, rare next to push and take.
    const i = this.#items.indexOf(item, this.#head);
    if (i < 0) return false;
    this.#items.splice(i, 1);
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    }
    return true;
  }
}

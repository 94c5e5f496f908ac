/**
 * RepeaterPipe lets two async functions talk through a @repeaterjs/repeater Repeater, which is built for one
 * producer living inside its executor: it captures the executor's `push` so a plain async function can call it.
 *
 * A Repeater starts its executor on the first next(), so the pipe calls next() once at construction and hands that
 * pending result to the first next() call made through the pipe.
 *
 * Semantics differ from a channel in one way the benches must respect: the promise of an unbuffered push settles
 * on the consumer's *following* next() (the async-iterator protocol), not when its value is taken. Awaiting it in a
 * ping-pong therefore deadlocks; the benches send without awaiting where that is the case, and say so.
 */
import { FixedBuffer, Repeater, type Push } from '@repeaterjs/repeater';

export class RepeaterPipe<T> {
  readonly #repeater: Repeater<T>;
  #push: Push<T> | null = null;
  #first: Promise<IteratorResult<T>> | null;

  /** capacity 0 is an unbuffered repeater; otherwise a FixedBuffer of that size. */
  constructor(capacity = 0) {
    this.#repeater = new Repeater<T>((push) => {
      this.#push = push;
    }, capacity > 0 ? new FixedBuffer(capacity) : undefined);
    this.#first = this.#repeater.next();
  }

  push(value: T): Promise<unknown> {
    return this.#push!(value);
  }

  /** next is the Repeater's own next(): callers await it directly, so the pipe adds no promise hop. */
  next(): Promise<IteratorResult<T>> {
    const first = this.#first;
    if (first === null) return this.#repeater.next();
    this.#first = null;
    return first;
  }
}

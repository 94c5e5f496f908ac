/**
 * NaiveChan is the baseline of every channel bench: what one writes in an afternoon with promises and arrays, and
 * what gocsp has to beat to be worth its code.
 *
 *   buf     values, at most `cap`                         (Array push/shift)
 *   recvq   parked receivers: their promise's resolve     (Array push/shift)
 *   sendq   parked senders: value + resolve               (Array push/shift)
 *
 * No fast path: every send and recv allocates a fresh promise even when it can complete at once, and there is no
 * trySend/tryRecv. naiveSelect parks by queueing one arm per case, all sharing a `done` flag; losing arms are not
 * removed but skipped when an operation meets them later (lazy deletion), so a channel selected on often holds dead
 * entries until someone drains them.
 * Otherwise Go's semantics: unbuffered sends rendezvous, FIFO queues, close wakes receivers with undefined and fails
 * parked senders.
 */

/** EMPTY is what poll returns when nothing can be received at once. */
export const EMPTY: unique symbol = Symbol('empty');

/** SelectArm is one case of a parked naiveSelect; `fire` returns false when the select already completed. */
class SelectArm<T> {
  constructor(
    readonly state: { done: boolean },
    readonly value: T | undefined,
    readonly fire: (value: T | undefined) => void,
    readonly fail: (e: Error) => void,
  ) {}

  take(v: T | undefined): boolean {
    if (this.state.done) return false;
    this.state.done = true;
    this.fire(v);
    return true;
  }
}

type Receiver<T> = ((value: T | undefined) => void) | SelectArm<T>;
type Sender<T> = { readonly value: T; readonly resolve: () => void; readonly reject: (e: Error) => void } | SelectArm<T>;

export class NaiveChan<T> {
  readonly #cap: number;
  readonly #buf: T[] = [];
  readonly #recvq: Receiver<T>[] = [];
  readonly #sendq: Sender<T>[] = [];
  #closed = false;

  constructor(capacity = 0) {
    this.#cap = capacity;
  }

  send(value: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.offer(value)) resolve();
      else this.#sendq.push({ value, resolve, reject });
    });
  }

  recv(): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve) => {
      const v = this.poll();
      if (v === EMPTY) this.#recvq.push(resolve);
      else resolve(v);
    });
  }

  close(): void {
    if (this.#closed) throw new Error('close of closed channel');
    this.#closed = true;
    for (const r of this.#recvq.splice(0)) {
      if (r instanceof SelectArm) r.take(undefined);
      else r(undefined);
    }
    const err = new Error('send on closed channel');
    for (const s of this.#sendq.splice(0)) {
      if (s instanceof SelectArm) {
        if (!s.state.done) (s.state.done = true), s.fail(err);
      } else {
        s.reject(err);
      }
    }
  }

  // What naiveSelect uses: complete at once if possible, else register an arm.

  /** offer sends `value` if that can complete at once. */
  offer(value: T): boolean {
    if (this.#closed) throw new Error('send on closed channel');
    while (this.#recvq.length > 0) {
      const r = this.#recvq.shift()!;
      if (!(r instanceof SelectArm)) {
        r(value);
        return true;
      }
      if (r.take(value)) return true;
    }
    if (this.#buf.length < this.#cap) {
      this.#buf.push(value);
      return true;
    }
    return false;
  }

  /** poll receives if that can complete at once: the value, undefined once closed and drained, or EMPTY. */
  poll(): T | undefined | typeof EMPTY {
    if (this.#buf.length > 0) {
      const v = this.#buf.shift()!;
      const s = this.#takeSender();
      if (s !== EMPTY) this.#buf.push(s);
      return v;
    }
    const s = this.#takeSender();
    if (s !== EMPTY) return s;
    return this.#closed ? undefined : EMPTY;
  }

  waitRecv(arm: SelectArm<T>): void {
    this.#recvq.push(arm);
  }

  waitSend(arm: SelectArm<T>): void {
    this.#sendq.push(arm);
  }

  /** takeSender completes the first live parked sender and returns its value, or EMPTY. */
  #takeSender(): T | typeof EMPTY {
    while (this.#sendq.length > 0) {
      const s = this.#sendq.shift()!;
      if (!(s instanceof SelectArm)) {
        s.resolve();
        return s.value;
      }
      if (s.take(undefined)) return s.value as T;
    }
    return EMPTY;
  }
}

/** NaiveCase is one case of naiveSelect: receive from `ch`, or send `value` to it. */
export type NaiveCase<T> =
  | { readonly ch: NaiveChan<T>; readonly send: false }
  | { readonly ch: NaiveChan<T>; readonly send: true; readonly value: T };

/** NaiveSelected says which case naiveSelect took, and the value received (undefined for a send). */
export interface NaiveSelected<T> {
  readonly index: number;
  readonly value: T | undefined;
}

/** naiveSelect polls the cases in a random order, takes the first ready one, else parks on all of them. */
export function naiveSelect<T>(cases: readonly NaiveCase<T>[]): Promise<NaiveSelected<T>> {
  return new Promise<NaiveSelected<T>>((resolve, reject) => {
    const order = cases.map((_, i) => i).sort(() => Math.random() - 0.5);
    for (const i of order) {
      const c = cases[i]!;
      if (c.send) {
        if (c.ch.offer(c.value)) return resolve({ index: i, value: undefined });
      } else {
        const v = c.ch.poll();
        if (v !== EMPTY) return resolve({ index: i, value: v });
      }
    }
    const state = { done: false };
    cases.forEach((c, index) => {
      const fire = (value: T | undefined): void => resolve({ index, value });
      if (c.send) c.ch.waitSend(new SelectArm<T>(state, c.value, fire, reject));
      else c.ch.waitRecv(new SelectArm<T>(state, undefined, fire, reject));
    });
  });
}

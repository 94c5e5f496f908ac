/**
 * TurnBatch coalesces the requests that a process makes in one turn (before its next microtask) into one call of an
 * asynchronous decider: 64 tryAcquire calls written in one loop become one Lua script that decides the 64 in order,
 * instead of 64 scripts. The answer to each request is what the decider says for it, in the order of the calls.
 *
 *   pending   the requests of this turn, in call order; a flush is queued (one microtask) when the first arrives
 *   max       the most requests one call decides; the rest of a turn goes in further calls, in order
 *
 * A request waits one microtask more than it would alone (about 30 ns); a request made while a call is in flight is
 * not held back for it, it goes in the next turn's call. When the decider rejects, every request of that call
 * rejects with its error.
 */

/** Decide decides `ns` (request sizes, in call order) and resolves to one answer per request, in the same order. */
export type Decide<R> = (ns: readonly number[]) => Promise<readonly R[]>;

/** Pending is one request of the turn: its size and its promise's settle functions. */
class Pending<R> {
  resolve: (v: R) => void = noop;
  reject: (e: unknown) => void = noop;
  constructor(readonly n: number) {}
}

/** making is the Pending whose promise is being made (the executor runs synchronously inside `new Promise`). */
let making: Pending<never> | null = null;

function capture(resolve: (v: never) => void, reject: (e: unknown) => void): void {
  making!.resolve = resolve;
  making!.reject = reject;
}

function noop(): void {}

/**
 * TurnBatch gives the requests of one turn to `decide` together.
 *
 * @example
 * const tries = new TurnBatch<number>((ns) => runScript(...ns)); // one script for the turn's requests
 * const [a, b] = await Promise.all([tries.add(1), tries.add(2)]); // decided by one call, a before b
 */
export class TurnBatch<R> {
  readonly #decide: Decide<R>;
  readonly #max: number;
  #pending: Pending<R>[] = [];
  readonly #flush = (): void => this.#run();

  /** TurnBatch makes a batcher for `decide`, which decides at most `max` requests per call. */
  constructor(decide: Decide<R>, max = 256) {
    this.#decide = decide;
    this.#max = max;
  }

  /** add joins the request of size `n` to this turn's call and resolves to its answer (or rejects with the call's error). */
  add(n: number): Promise<R> {
    const p = new Pending<R>(n);
    making = p as Pending<never>;
    const promise = new Promise<R>(capture);
    making = null;
    if (this.#pending.length === 0) queueMicrotask(this.#flush);
    this.#pending.push(p);
    return promise;
  }

  #run(): void {
    const all = this.#pending;
    this.#pending = [];
    for (let i = 0; i < all.length; i += this.#max) void this.#call(all.length <= this.#max ? all : all.slice(i, i + this.#max));
  }

  async #call(batch: readonly Pending<R>[]): Promise<void> {
    let answers: readonly R[];
    try {
      answers = await this.#decide(batch.map(size));
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(answers[i]!);
  }
}

function size<R>(p: Pending<R>): number {
  return p.n;
}

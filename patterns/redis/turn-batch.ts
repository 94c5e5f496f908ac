/**
 * TurnBatch coalesces the requests that a process makes in one turn (before its next microtask) into one call of an
 * asynchronous decider: 64 tryAcquire calls written in one loop become one Lua script that decides the 64 in order,
 * instead of 64 scripts. The answer to each request is what the decider says for it, in the order of the calls.
 *
 *   batch   the requests of this turn (sizes and promise settle functions, in call order); a flush is queued (one
 *           microtask) when the first arrives
 *   max     the most requests one call decides; the rest of a turn goes in further calls, in order
 *
 * A request waits one microtask more than it would alone (about 30 ns); a request made while a call is in flight is
 * not held back for it, it goes in the next turn's call. The decider is told where the outcome goes (an Outcome, as
 * sendScript takes one) rather than returning a promise, and the batch settles its requests' promises from there:
 * a serial decision goes through two promises (the request's and the client's) instead of five, which was a third
 * of the client's CPU per decision (bench/RESULTS.md). When the call fails and `failed` has no answers either,
 * every request of that call rejects with its error.
 */
import type { Outcome } from './redis-client.js';

/** Decider says how the requests of a batch are decided. */
export interface Decider<R> {
  /** send starts the decision of `ns` (request sizes, in call order) and gives its outcome to `out`, once. */
  send(ns: readonly number[], out: Outcome): void;
  /** answers turns the outcome into one answer per request, in order (default: the outcome is the answers). */
  answers?(ns: readonly number[], reply: unknown): readonly R[];
  /** failed answers the requests of a failed call (a fallback), or throws; default: throws `e`. */
  failed?(ns: readonly number[], e: unknown): readonly R[];
}

/** Batch is the requests that one call decides: their sizes and their promises' settle functions. */
class Batch<R> implements Outcome {
  readonly ns: number[] = [];
  readonly resolves: ((v: R) => void)[] = [];
  readonly rejects: ((e: unknown) => void)[] = [];
  #done = false;
  constructor(readonly decider: Decider<R>) {}

  ok(reply: unknown): void {
    if (this.#done) return;
    this.#done = true;
    const d = this.decider;
    let rs: readonly R[];
    try {
      rs = d.answers === undefined ? (reply as readonly R[]) : d.answers(this.ns, reply);
    } catch (e) {
      this.#reject(e);
      return;
    }
    this.#resolve(rs);
  }

  fail(e: unknown): void {
    if (this.#done) return;
    this.#done = true;
    const d = this.decider;
    if (d.failed === undefined) {
      this.#reject(e);
      return;
    }
    let rs: readonly R[];
    try {
      rs = d.failed(this.ns, e);
    } catch (e2) {
      this.#reject(e2);
      return;
    }
    this.#resolve(rs);
  }

  #resolve(rs: readonly R[]): void {
    const resolves = this.resolves;
    for (let i = 0; i < resolves.length; i++) resolves[i]!(rs[i]!);
  }

  #reject(e: unknown): void {
    for (const reject of this.rejects) reject(e);
  }
}

/** making is the Batch a request's promise is being made for (the executor runs synchronously inside `new Promise`). */
let making: Batch<never> | null = null;

function capture(resolve: (v: never) => void, reject: (e: unknown) => void): void {
  making!.resolves.push(resolve);
  making!.rejects.push(reject);
}

const RESOLVED = Promise.resolve();

/**
 * TurnBatch gives the requests of one turn to `decider` together.
 *
 * @example
 * const tries = new TurnBatch<number>({ send: (ns, out) => sendScript(owner, client, script, keys, ns, 1000, out) });
 * const [a, b] = await Promise.all([tries.add(1), tries.add(2)]); // decided by one call, a before b
 */
export class TurnBatch<R> {
  readonly #decider: Decider<R>;
  readonly #max: number;
  #batch: Batch<R> | null = null;
  readonly #flush = (): void => this.#run();

  /** TurnBatch makes a batcher for `decider`, which decides at most `max` requests per call. */
  constructor(decider: Decider<R>, max = 256) {
    this.#decider = decider;
    this.#max = max;
  }

  /** add joins the request of size `n` to this turn's call and resolves to its answer (or rejects with the call's error). */
  add(n: number): Promise<R> {
    let b = this.#batch;
    if (b === null) {
      b = this.#batch = new Batch<R>(this.#decider);
      void RESOLVED.then(this.#flush);
    }
    b.ns.push(n);
    making = b as unknown as Batch<never>;
    const p = new Promise<R>(capture);
    making = null;
    return p;
  }

  #run(): void {
    const all = this.#batch!;
    this.#batch = null;
    if (all.ns.length <= this.#max) {
      send(all);
      return;
    }
    for (let i = 0; i < all.ns.length; i += this.#max) {
      const b = new Batch<R>(this.#decider);
      b.ns.push(...all.ns.slice(i, i + this.#max));
      b.resolves.push(...all.resolves.slice(i, i + this.#max));
      b.rejects.push(...all.rejects.slice(i, i + this.#max));
      send(b);
    }
  }
}

function send<R>(b: Batch<R>): void {
  try {
    b.decider.send(b.ns, b);
  } catch (e) {
    b.fail(e);
  }
}

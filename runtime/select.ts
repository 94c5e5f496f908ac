/**
 * select is Go's select statement.
 *
 *   const r = await select([
 *     recvCase(jobs, (job, ok) => ...),     // case job, ok := <-jobs:
 *     sendCase(out, v, () => ...),          // case out <- v:
 *   ]);
 *   const r = select([...], () => ...);     // with a default: never blocks, returns synchronously
 *
 * Semantics, as Go's runtime/select.go:
 * - The channel operands and send values are evaluated once, on entry (they are the arguments of the case calls).
 * - pass 1 - poll the cases in a fresh uniformly random order and take the first that can complete at once.
 * - pass 2 - if none can and there is a default, run the default.
 * - pass 3 - otherwise park on every non-nil case; the first channel to complete one of them wins, and the other
 *   registrations are removed at once. A select never pairs with itself: it polls before registering anything.
 * - A `null` (nil) channel's case is never ready; a select with no cases or only nil cases blocks forever.
 * - A send case on a closed channel panics (ChannelClosedError) when the poll reaches it or when the channel is
 *   closed while the select is parked; a receive case on a closed channel is ready, with ok = false.
 * - Without a default, select returns a promise and never throws: bad arguments and that panic are a rejection.
 *   With a default it is synchronous and throws at the call.
 * The chosen case's callback runs in the selecting goroutine and its result is select's result.
 */
import { InvalidArgumentError } from './panics.js';
import { describe } from './validate.js';
import { hold, unhold, type Holder } from './sched/held.js';
import { parkEnd, parkStart, type Park } from './sched/park.js';
import { CLOSED, EMPTY, isSelectable, type Selectable } from './chan/selectable.js';
import type { RecvChan, SendChan } from './chan/types.js';
import { SELECT, Waiter, type Selection } from './chan/waiter.js';
import { newSelectTicket, type SelectTicket } from './chan/select-ticket.js';

declare const resultType: unique symbol;

const RESOLVED: Promise<undefined> = Promise.resolve(undefined);

/**
 * SelectCase is one case of a select, made by recvCase or sendCase; R is what its callback returns.
 *
 * @example
 * const a = chan<number>(1), b = chan<string>(1);
 * await b.send('x');
 * const cases: SelectCase<string>[] = [recvCase(a, (n) => `a ${n}`), recvCase(b, (s) => `b ${s}`)];
 * console.log(await select(cases)); // b x
 */
export interface SelectCase<R> {
  readonly [resultType]?: R;
}

class Case {
  constructor(
    readonly ch: Selectable | null,
    readonly isSend: boolean,
    readonly value: unknown,
    readonly fn: ((value: unknown, ok: boolean) => unknown) | undefined,
  ) {}
}

/**
 * recvCase is the select case `case v, ok := <-ch:`. `fn` runs with the value and ok (false once `ch` is closed and
 * drained) if this case is chosen; its result becomes select's result. A `null` channel is never ready.
 *
 * @example
 * const results = chan<number>(1);
 * go(async () => { await results.send(42); });
 * const msg = await select([
 *   recvCase(results, (v, ok) => (ok ? `got ${v}` : 'closed')),
 *   recvCase(after(1000), () => 'timed out'),
 * ]);
 * console.log(msg); // got 42
 */
export function recvCase<T>(ch: RecvChan<T> | null, fn?: undefined): SelectCase<undefined>;
export function recvCase<T, R>(ch: RecvChan<T> | null, fn: (value: T | undefined, ok: boolean) => R): SelectCase<R>;
export function recvCase<T, R>(
  ch: RecvChan<T> | null,
  fn?: (value: T | undefined, ok: boolean) => R,
): SelectCase<R | undefined> {
  const f = checkCallback('recvCase', fn) as Case['fn'];
  return new Case(checkChan('recvCase', ch), false, undefined, f) as SelectCase<R>;
}

/**
 * sendCase is the select case `case ch <- value:`. `fn` runs if this case is chosen; its result becomes select's
 * result. A `null` channel is never ready; a closed channel makes the select panic with ChannelClosedError.
 *
 * @example
 * // Send if there is room, else drop the value (a select with a default never blocks).
 * const out = chan<number>(1);
 * const sent = select([sendCase(out, 1, () => true)], () => false);
 * const again = select([sendCase(out, 2, () => true)], () => false);
 * console.log(sent, again); // true false
 */
export function sendCase<T>(ch: SendChan<T> | null, value: T, fn?: undefined): SelectCase<undefined>;
export function sendCase<T, R>(ch: SendChan<T> | null, value: T, fn: () => R): SelectCase<R>;
export function sendCase<T, R>(ch: SendChan<T> | null, value: T, fn?: () => R): SelectCase<R | undefined> {
  const f = checkCallback('sendCase', fn) as Case['fn'];
  return new Case(checkChan('sendCase', ch), true, value, f) as SelectCase<R>;
}

type ResultOf<C> = C extends SelectCase<infer R> ? R : never;

/**
 * select waits until one of `cases` can proceed, performs it, runs its callback and resolves to the callback's
 * result. With `dflt`, select never blocks: if no case is ready it runs `dflt` instead, and it returns synchronously.
 * See the file comment for the exact semantics.
 *
 * @example
 * const msg = await select([
 *   recvCase(results, (r) => `got ${r}`),
 *   recvCase(after(1000), () => 'timeout'),
 * ]);
 */
export function select<const C extends readonly SelectCase<unknown>[]>(cases: C): Promise<Awaited<ResultOf<C[number]>>>;
export function select<const C extends readonly SelectCase<unknown>[], D>(
  cases: C,
  dflt: () => D,
): ResultOf<C[number]> | D;
export function select(cases: readonly SelectCase<unknown>[], dflt?: () => unknown): unknown {
  // Without a default select returns a promise, so misuse and a send on a closed channel are a rejection; with one
  // it is a synchronous call and throws at the call.
  try {
    if (!Array.isArray(cases)) {
      throw new InvalidArgumentError(`select: cases must be an array, got ${describe(cases)}`);
    }
    if (dflt !== undefined && typeof dflt !== 'function') {
      throw new InvalidArgumentError(`select: default must be a function, got ${describe(dflt)}`);
    }
    const cs = cases as readonly Case[];
    const n = cs.length;
    for (let i = 0; i < n; i++) {
      if (!(cs[i] instanceof Case)) {
        const got = describe(cs[i]);
        throw new InvalidArgumentError(`select: case ${i} must be made by recvCase or sendCase, got ${got}`);
      }
    }

    // pass 1 - poll in random order.
    const order = pollOrder(n);
    for (let k = 0; k < n; k++) {
      const c = cs[order[k]!]!;
      const ch = c.ch;
      if (ch === null) continue;
      if (c.isSend) {
        if (ch.pollSend(c.value)) return ran(c, undefined, true, dflt);
      } else {
        const v = ch.pollRecv();
        if (v !== EMPTY) return v === CLOSED ? ran(c, undefined, false, dflt) : ran(c, v, true, dflt);
      }
    }

    // pass 2 - default.
    if (dflt !== undefined) return dflt();

    // pass 3 - park on every non-nil case.
    return new ParkedSelect(cs, order).promise;
  } catch (e) {
    if (dflt !== undefined) throw e;
    return Promise.reject(e);
  }
}

/** ran runs the chosen case's callback: synchronously for a select with default, as a settled promise otherwise. */
function ran(c: Case, value: unknown, ok: boolean, dflt: (() => unknown) | undefined): unknown {
  if (dflt !== undefined) return c.fn?.(value, ok);
  if (c.fn === undefined) return RESOLVED;
  try {
    return Promise.resolve(c.fn?.(value, ok));
  } catch (e) {
    return Promise.reject(e);
  }
}

class ParkedSelect implements Selection, Holder {
  readonly promise: Promise<unknown>;
  readonly #cases: readonly Case[];
  readonly #waiters: Waiter[] = [];
  readonly #park: Park;
  /** gocspWait is the wait reason a goroutine dump shows for whoever awaits `promise` (see sched/heap-walk.ts). */
  readonly gocspWait: string;
  heldIndex = -1;
  #resolve!: (w: Waiter) => void;
  #reject!: (e: unknown) => void;
  #ok = false;
  #claimed = false;
  /** #ticket makes the completion exactly-once across threads; allocated only if a case is a shared channel. */
  #ticket: SelectTicket | null = null;

  /**
   * `order` is pass 1's random poll order (the shared scratch buffer: read here synchronously, before any other
   * select can run). Registering in that order rather than case order makes the choice among several cases on one
   * channel random when a partner arrives later, as Go's lock order does; in case order the first always won.
   */
  constructor(cases: readonly Case[], order: Uint32Array) {
    this.#cases = cases;
    let any = false;
    for (const c of cases) any ||= c.ch !== null;
    this.gocspWait = any ? 'select' : 'select (no cases)';
    this.#park = parkStart(this.gocspWait);
    const settled = new Promise<Waiter>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    try {
      for (let k = 0; k < cases.length && !this.#claimed; k++) {
        const i = order[k]!;
        const c = cases[i]!;
        if (c.ch === null) continue;
        const w = new Waiter(SELECT, c.value, this.#park, this, i);
        this.#waiters.push(w);
        if (c.isSend) c.ch.enqueueSend(w);
        else c.ch.enqueueRecv(w);
      }
    } catch (e) {
      this.#abandon();
      throw e;
    }
    this.promise = settled.then((w) => this.#cases[w.caseIndex]!.fn?.(w.value, this.#ok));
    if (!this.#claimed) hold(this);
  }

  claim(): boolean {
    if (this.#claimed) return false;
    if (this.#ticket !== null && !this.#ticket.claim()) return false;
    this.#claimed = true;
    return true;
  }

  unclaim(): void {
    this.#claimed = false;
    this.#ticket?.unclaim();
  }

  sharedTicket(): SelectTicket {
    return (this.#ticket ??= newSelectTicket());
  }

  won(w: Waiter, value: unknown, ok: boolean): void {
    this.#claimed = true;
    this.#finish(w);
    w.value = value;
    this.#ok = ok;
    this.#resolve(w);
  }

  failed(w: Waiter, err: Error): void {
    this.#claimed = true;
    this.#finish(w);
    this.#reject(err);
  }

  /**
   * abandon undoes the registrations made so far when a channel refused one (a shared channel's TooManyParkedError, a
   * value that cannot be stored): the select never parked, and no channel keeps a waiter of it.
   */
  #abandon(): void {
    this.#claimed = true;
    for (const w of this.#waiters) this.#cases[w.caseIndex]!.ch!.dequeue(w);
    this.#waiters.length = 0;
    this.#ticket?.release();
    this.#ticket = null;
    parkEnd(this.#park);
  }

  /** finish removes every losing registration, so no channel keeps a dead waiter. */
  #finish(winner: Waiter): void {
    for (const w of this.#waiters) {
      if (w !== winner) this.#cases[w.caseIndex]!.ch!.dequeue(w);
    }
    this.#waiters.length = 0;
    this.#ticket?.release();
    parkEnd(this.#park);
    unhold(this);
  }
}

let scratch = new Uint32Array(16);
let seed = (Math.random() * 2 ** 32) >>> 0 || 1;

/** rand is a xorshift32 step: uniform enough for poll order, and 2-3x cheaper than Math.random here. */
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

/** pollOrder returns a uniformly random permutation of 0..n-1 (Fisher-Yates), in a buffer reused by every select. */
function pollOrder(n: number): Uint32Array {
  if (scratch.length < n) scratch = new Uint32Array(n * 2);
  const order = scratch;
  if (n > 0) order[0] = 0;
  for (let i = 1; i < n; i++) {
    const j = rand() % (i + 1);
    order[i] = order[j]!;
    order[j] = i;
  }
  return order;
}

function checkChan(fn: string, ch: unknown): Selectable | null {
  if (ch === null) return null;
  if (!isSelectable(ch)) throw new InvalidArgumentError(`${fn}: ch must be a channel or null, got ${describe(ch)}`);
  return ch;
}

function checkCallback(fn: string, f: unknown): unknown {
  if (f !== undefined && typeof f !== 'function') {
    throw new InvalidArgumentError(`${fn}: fn must be a function, got ${describe(f)}`);
  }
  return f;
}

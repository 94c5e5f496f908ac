/**
 * RemoteLine is the FIFO line in which a fleet-wide limiter's callers wait in one process: the local limiters'
 * WaitLine, for a gate that answers asynchronously (a Lua script in Redis) instead of at once, and that decides the
 * front of the line in one call.
 *
 *   gate      take(ns) is asked for the sizes of the first waiters (at most MAX_ASK), in order, and grants the
 *             longest prefix it can: it resolves to how many it granted and, if not all, the ms until the first one
 *             not granted could be; or it rejects (Redis unavailable in the 'fail' mode): the waiters asked for then
 *             reject with that error. undo gives back permits nobody will use.
 *   head..    the waiters in arrival order; each owns a 1-slot wake channel
 *   demand    the sum of the waiters' n
 *   asking    a take is in flight (there is at most one); waiters who join meanwhile are asked for in the next one
 *   timer     the line sleeps: the head's permits could be there when it fires (one timer per line, on gocsp's clock)
 *
 * The line asks the gate when it was idle and a waiter joins (one microtask later, so that the waiters of one turn
 * go in one take), when a take granted everybody it asked for and more are waiting, when the head whose wait the
 * timer measures leaves, and when the timer fires: so a process sends at most one script per wait, never polls in a
 * loop, and with k waiters ready at once one script takes for all k. Across processes there is no line: whoever asks
 * first after the refill gets it, so a line woken by its timer may find the permits gone and sleep again
 * (docs/redis.md).
 *
 * Cancellation frees the place. A waiter whose context is done leaves the line at once; if it was the head and no
 * take is in flight, the line asks again for the new head. A take in flight cannot be recalled: permits it granted
 * to a waiter that has left in the meantime go to the waiters at the front of the line, in order, as far as they
 * cover them (each still takes exactly its n), and what is left is given back (undo), so a canceled waiter takes
 * nothing, as with the local limiters.
 *
 * Invariant: a waiter is in the line from its wait() call until it was granted, failed or canceled (`inLine`); its
 * `outcome` is set, and its wake sent, exactly when it leaves granted or failed.
 */
import { chan, type Chan, type Context, recvCase, select, Timer, type AfterFuncTimer } from '../../runtime/index.js';
import { cancelReason } from '../core/cancel.js';

/** Answer is a gate's answer to take(ns). */
export interface Answer {
  /** granted is how many of the sizes asked for, from the first, the gate granted. */
  readonly granted: number;
  /** wait is the ms until the first size not granted could be had (when granted < ns.length). */
  readonly wait: number;
  /**
   * tickets name the granted permits one by one (ns[i] tickets for grant i, in order), for a gate that needs them to
   * give permits back (the window's admissions); empty for a gate that does not (the bucket's tokens).
   */
  readonly tickets: readonly number[];
  /** local is true when the permits came from a local fallback limiter, which takes nothing back. */
  readonly local: boolean;
}

/** AsyncGate is the permit logic a RemoteLine waits on. */
export interface AsyncGate {
  /** take grants the longest prefix of `ns` that it can, in order (see Answer); it may reject. */
  take(ns: readonly number[]): Promise<Answer>;
  /** undo gives back `n` permits (`tickets`, as take named them) of an answer that nobody will use; it never throws. */
  undo(n: number, tickets: readonly number[], local: boolean): void;
}

/** GRANTED is the outcome of a waiter that got its permits. */
const GRANTED = Object.freeze({ ok: true });

interface LineWaiter {
  readonly n: number;
  readonly wake: Chan<void>;
  prev: LineWaiter | null;
  next: LineWaiter | null;
  inLine: boolean;
  outcome: typeof GRANTED | { readonly err: unknown } | null;
}

/** SHORTEST is the shortest sleep between two takes (1 us): a gate that says "0.0001 ms" must not spin. */
const SHORTEST = 0.001;

/** MAX_ASK is the most waiters one take asks for (a Lua script's arguments are bounded). */
export const MAX_ASK = 256;

export class RemoteLine {
  readonly #gate: AsyncGate;
  #head: LineWaiter | null = null;
  #tail: LineWaiter | null = null;
  /** size is the number of waiters in line. */
  size = 0;
  /** demand is the sum of the waiters' n. */
  demand = 0;
  #asking = false;
  /** #again: ask once more when the take in flight is answered (a kick came meanwhile). */
  #again = false;
  /** #queued: an ask is queued for the next microtask. */
  #queued = false;
  #timer: AfterFuncTimer | null = null;
  readonly #ask = (): void => this.#askNow();
  readonly #fire = (): void => {
    this.#timer = null;
    this.#askNow();
  };

  constructor(gate: AsyncGate) {
    this.#gate = gate;
  }

  /**
   * wait joins the line for `n` permits (synchronously, so the order of calls is the order of service) and resolves
   * once they are taken; it rejects with cancelReason(ctx) if `ctx` is done first (having taken nothing), or with
   * the gate's error.
   */
  async wait(n: number, ctx: Context): Promise<void> {
    const w: LineWaiter = { n, wake: chan<void>(1), prev: this.#tail, next: null, inLine: true, outcome: null };
    if (this.#tail === null) this.#head = w;
    else this.#tail.next = w;
    this.#tail = w;
    this.size++;
    this.demand += n;
    this.#poke();
    const done = ctx.done();
    try {
      if (done === null) await w.wake.recv();
      else await select([recvCase(done, () => {}), recvCase(w.wake, () => {})]);
      const o = w.outcome;
      if (o === GRANTED) return;
      if (o === null) throw cancelReason(ctx);
      throw (o as { err: unknown }).err;
    } finally {
      if (w.inLine) {
        // canceled: free the place; a head whose wait the timer measured leaves, so ask for the new head now
        const wasHead = this.#head === w;
        this.#leave(w);
        if (wasHead && !this.#asking) {
          this.#stopTimer();
          this.#poke();
        }
      }
    }
  }

  /** kick makes the line ask the gate again at once (the limiter was reset), or after the take in flight. */
  kick(): void {
    if (this.#asking) {
      this.#again = true;
      return;
    }
    this.#stopTimer();
    this.#poke();
  }

  /** poke queues an ask if the line is idle: nobody asked, nobody sleeps, and someone waits. */
  #poke(): void {
    if (this.#asking || this.#queued || this.#timer !== null || this.#head === null) return;
    this.#queued = true;
    queueMicrotask(this.#ask);
  }

  #askNow(): void {
    this.#queued = false;
    if (this.#asking || this.#head === null) return;
    this.#stopTimer();
    const batch: LineWaiter[] = [];
    const ns: number[] = [];
    for (let w: LineWaiter | null = this.#head; w !== null && batch.length < MAX_ASK; w = w.next) {
      batch.push(w);
      ns.push(w.n);
    }
    this.#asking = true;
    this.#gate.take(ns).then(
      (a) => this.#answered(batch, a),
      (e: unknown) => this.#failed(batch, e),
    );
  }

  /**
   * answered hands out an answer: pass 1, the grants to the waiters asked for who are still in line; pass 2, the
   * grants of those who left, to the front of the line as far as they cover it, the rest given back; pass 3, what
   * the line does next.
   */
  #answered(batch: readonly LineWaiter[], a: Answer): void {
    this.#asking = false;
    const again = this.#again;
    this.#again = false;
    const tickets = a.tickets;
    const ticketed = tickets.length > 0;
    let off = 0;
    let freed = 0;
    const freedTickets: number[] = [];
    for (let i = 0; i < a.granted; i++) {
      const w = batch[i]!;
      if (w.inLine) {
        this.#grant(w);
      } else {
        freed += w.n;
        if (ticketed) for (let j = 0; j < w.n; j++) freedTickets.push(tickets[off + j]!);
      }
      if (ticketed) off += w.n;
    }
    for (let w: LineWaiter | null = this.#head; freed > 0 && w !== null && w.n <= freed; w = this.#head) {
      freed -= w.n;
      if (ticketed) freedTickets.splice(0, w.n);
      this.#grant(w);
    }
    if (freed > 0) this.#gate.undo(freed, freedTickets, a.local);

    if (this.#head === null) return;
    const next = batch[a.granted];
    // Sleep the named wait unless it no longer measures the head: all were granted (more joined), a kick came, or
    // the first waiter refused has left the line (the new head may need less).
    if (again || next === undefined || (!next.inLine && next.outcome === null)) {
      this.#askNow();
      return;
    }
    this.#timer = Timer.afterFunc(Math.max(SHORTEST, a.wait), this.#fire);
  }

  /** failed rejects the waiters asked for who are still in line with the gate's error, and asks for the others. */
  #failed(batch: readonly LineWaiter[], e: unknown): void {
    this.#asking = false;
    this.#again = false;
    const err = { err: e };
    for (const w of batch) {
      if (!w.inLine) continue;
      this.#leave(w);
      w.outcome = err;
      w.wake.trySend(undefined);
    }
    this.#poke();
  }

  #grant(w: LineWaiter): void {
    this.#leave(w);
    w.outcome = GRANTED;
    w.wake.trySend(undefined);
  }

  #stopTimer(): void {
    this.#timer?.stop();
    this.#timer = null;
  }

  #leave(w: LineWaiter): void {
    if (w.prev === null) this.#head = w.next;
    else w.prev.next = w.next;
    if (w.next === null) this.#tail = w.prev;
    else w.next.prev = w.prev;
    w.prev = w.next = null;
    w.inLine = false;
    this.size--;
    this.demand -= w.n;
    if (this.#head === null) this.#stopTimer();
  }
}

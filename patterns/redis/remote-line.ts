/**
 * RemoteLine is the FIFO line in which a fleet-wide limiter's callers wait in one process: the local limiters'
 * WaitLine, for a gate that answers asynchronously (a Lua script in Redis) instead of at once.
 *
 *   gate      take(n) resolves to { wait: 0 } when it took n permits (undo(n, taken) gives them back), to
 *             { wait: ms } when it took nothing and n permits could be had in about `ms`, or rejects (Redis
 *             unavailable in the 'fail' mode): the waiter then rejects with that error
 *   head..    the waiters in arrival order; each owns a 1-slot wake channel
 *   demand    the sum of the waiters' n
 *
 * Only the head asks the gate: it takes, or sleeps for the wait the gate named (a timer on gocsp's clock, one per
 * line, not one per waiter) and asks again; so a process sends at most one script per wait, never polls in a loop.
 * Across processes there is no line: whoever asks first after the refill gets it, so a head woken by its timer may
 * find the permits gone and sleep again (docs/redis.md).
 *
 * Cancellation frees the place. A waiter whose context is done leaves the line and the next becomes head at once.
 * If it was the head with a take in flight, the take cannot be recalled: when it turns out to have granted, the
 * grant is given back (undo), so a canceled waiter takes nothing, as with the local limiters.
 *
 * Invariant: a waiter is in the line from its wait() call until it has taken its permits or failed (`inLine`).
 */
import { chan, type Chan, type Context, recvCase, select, newTimer, type Timer, type RecvChan } from '../../runtime/index.js';
import { cancelReason } from '../core/cancel.js';

/**
 * Taken is a gate's answer: `wait` 0 when it took the permits (`ticket` names them, if the gate needs that to give
 * them back), else the ms until they could be had.
 */
export interface Taken {
  readonly wait: number;
  readonly ticket?: number;
}

/** AsyncGate is the permit logic a RemoteLine waits on. */
export interface AsyncGate {
  take(n: number): Promise<Taken>;
  /** undo gives back the `n` permits of a grant (`taken`) that nobody will use; it never throws. */
  undo(n: number, taken: Taken): void;
}

interface LineWaiter {
  readonly n: number;
  readonly wake: Chan<void>;
  prev: LineWaiter | null;
  next: LineWaiter | null;
  inLine: boolean;
}

type Outcome = { readonly ok: Taken } | { readonly err: unknown };

/** SHORTEST is the shortest sleep between two takes (1 us): a gate that says "0.0001 ms" must not spin. */
const SHORTEST = 0.001;

export class RemoteLine {
  readonly #gate: AsyncGate;
  #head: LineWaiter | null = null;
  #tail: LineWaiter | null = null;
  /** size is the number of waiters in line. */
  size = 0;
  /** demand is the sum of the waiters' n. */
  demand = 0;

  constructor(gate: AsyncGate) {
    this.#gate = gate;
  }

  /**
   * wait joins the line for `n` permits (synchronously, so the order of calls is the order of service) and resolves
   * once they are taken; it rejects with cancelReason(ctx) if `ctx` is done first (having taken nothing), or with
   * the gate's error.
   */
  async wait(n: number, ctx: Context): Promise<void> {
    const done = ctx.done();
    const w: LineWaiter = { n, wake: chan<void>(1), prev: this.#tail, next: null, inLine: true };
    if (this.#tail === null) this.#head = w;
    else this.#tail.next = w;
    this.#tail = w;
    this.size++;
    this.demand += n;
    try {
      for (;;) {
        if (done !== null && done.tryRecv() !== undefined) throw cancelReason(ctx);
        let timer: Timer | null = null;
        if (this.#head === w) {
          const r = await this.#take(n, done);
          if (r === null) throw cancelReason(ctx);
          if (r.wait === 0) {
            this.#leave(w);
            this.kick();
            return;
          }
          timer = newTimer(Math.max(SHORTEST, r.wait));
        }
        await select([recvCase(done, () => {}), recvCase(w.wake, () => {}), recvCase(timer === null ? null : timer.c, () => {})]);
        timer?.stop();
      }
    } finally {
      if (w.inLine) {
        const wasHead = this.#head === w;
        this.#leave(w);
        if (wasHead) this.kick();
      }
    }
  }

  /**
   * take asks the gate, or gives up when `done` closes first (null): then a grant that arrives later is undone. It
   * rethrows the gate's error.
   */
  async #take(n: number, done: RecvChan<never> | null): Promise<Taken | null> {
    const p = this.#gate.take(n);
    if (done === null) return p;
    const out = chan<Outcome>(1);
    p.then(
      (ok) => out.trySend({ ok }),
      (err: unknown) => out.trySend({ err }),
    );
    const r = await select([recvCase(done, () => null), recvCase(out, (v) => v ?? null)]);
    if (r === null) {
      void p.then(
        (t) => {
          if (t.wait === 0) this.#gate.undo(n, t);
        },
        () => {},
      );
      return null;
    }
    if ('err' in r) throw r.err;
    return r.ok;
  }

  /** kick wakes the head so that it asks the gate again (its turn came, or the limiter was reset). */
  kick(): void {
    this.#head?.wake.trySend(undefined);
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
  }
}

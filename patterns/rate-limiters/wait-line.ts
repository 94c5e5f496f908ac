/**
 * WaitLine is the FIFO line in which a limiter's callers wait for permits (acquire, request): only the head of the
 * line may take, so a later small request never overtakes an earlier big one, and the head waits on one timer set
 * for the moment its permits become available, not on a timer per token.
 *
 *   gate      the limiter's permit logic: take(n) takes n permits now and returns 0, or takes nothing and returns
 *             the ms until n permits could be available (> 0)
 *   head..    the waiters in arrival order; each owns a 1-slot wake channel
 *   demand    the sum of the waiters' n (what the line will take before a newcomer gets anything)
 *
 * A waiter is a goroutine parked in a select on three channels: its context's done channel, its wake channel and,
 * while it is the head, a timer. The head takes from the gate when its timer fires or it is woken (kick), and on
 * success leaves the line and kicks the new head, which takes at once if the permits are there already. A waiter
 * whose context is done leaves the line without taking anything; if it was the head, the new head is kicked, so
 * the permits it was waiting for go to those behind it (as x/time/rate's Reservation.Cancel gives tokens back).
 *
 * No spinning, whatever the clock says: if the head's timer fired and the gate still asks for time (a gate that
 * rounds, a clock that did not move), the head lets the event loop turn (setImmediate) before it looks again, so
 * such a loop can never hold the thread in microtasks; inside synctest.run, virtual time only moves between turns,
 * so it cannot arise from the clock there.
 *
 * Invariant: a waiter is in the line from its wait() call until it has taken its permits or failed; `inLine` says
 * which. Only runtime public API is used: chan, select, newTimer.
 */
import { chan, type Chan, type Context, recvCase, select, newTimer, type Timer } from '../../runtime/index.js';
import { cancelReason } from '../core/cancel.js';

/** Gate is the permit logic a WaitLine waits on. */
export interface Gate {
  /** take takes `n` permits and returns 0, or takes nothing and returns the ms until they could be had (> 0). */
  take(n: number): number;
}

interface LineWaiter {
  readonly n: number;
  readonly wake: Chan<void>;
  prev: LineWaiter | null;
  next: LineWaiter | null;
  inLine: boolean;
}

export class WaitLine {
  readonly #gate: Gate;
  #head: LineWaiter | null = null;
  #tail: LineWaiter | null = null;
  /** size is the number of waiters in line (read on the limiters' hot paths: keep it a plain field). */
  size = 0;
  /** demand is the sum of the waiters' n. */
  demand = 0;

  constructor(gate: Gate) {
    this.#gate = gate;
  }

  /**
   * wait joins the line for `n` permits (synchronously, so the order of calls is the order of service) and resolves
   * once they are taken, or rejects with cancelReason(ctx) when `ctx` is done first, having taken nothing.
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
      /** fired says that the last select returned because the head's timer fired. */
      let fired = false;
      for (;;) {
        // A waiter whose context is done never takes, even if its timer fired in the same instant.
        if (done !== null && done.tryRecv() !== undefined) throw cancelReason(ctx);
        let timer: Timer | null = null;
        if (this.#head === w) {
          const ms = this.#gate.take(n);
          if (ms === 0) {
            this.#leave(w);
            this.kick();
            return;
          }
          if (fired) {
            // The wait was served and the gate asks for more: let the event loop turn before the next timer.
            fired = false;
            await new Promise(setImmediate);
            continue;
          }
          timer = newTimer(ms);
        }
        fired = await select([
          recvCase(done, () => false),
          recvCase(w.wake, () => false),
          recvCase(timer === null ? null : timer.c, () => true),
        ]);
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

  /** kick wakes the head so that it looks at the gate again (its turn came, or the limiter was reset). */
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

/**
 * ParkedOps is this thread's side of one shared channel: its goroutines parked there, in two FIFO queues, how other
 * threads learn of them (this thread's bit in the channel's RECV_MASK and SEND_MASK, layout.ts) and how they are
 * woken. The shell (shared-chan.ts) parks plain operations here and select waiters through a flavor; both flavors
 * (ring-flavor.ts, offer-flavor.ts) complete them, always claiming a waiter first (claim: its select, or the ticket
 * of a plain operation on an unbuffered channel) so that it completes exactly once.
 *
 * Guarded by nothing: only this thread reads or writes it (the mask bits are read by every thread, and written by
 * this one only).
 */
import { ChannelClosedError } from '../../panics.js';
import { Waiter } from '../../chan/waiter.js';
import { WaitQueue } from '../../sched/wait-queue.js';
import type { Deferred } from './flavor.js';
import { RECV_MASK, SEND_MASK } from './layout.js';
import { slot as mySlot, wake } from '../memory/registry.js';
import { Pending, type SlotValues } from './slot-values.js';
import type { SelectTicket } from '../../chan/select-ticket.js';
import type { Ticket } from './ticket.js';

export class ParkedOps {
  readonly recvq = new WaitQueue<Waiter>();
  readonly sendq = new WaitQueue<Waiter>();
  /** tickets of plain waiters parked on an unbuffered channel; a select's ticket belongs to the select. */
  readonly tickets = new Map<Waiter, Ticket>();
  /** remote: this thread's parked operations here were last completed after a wake from another thread. */
  remote = false;
  readonly #w: Int32Array;
  readonly #values: SlotValues<unknown>;
  /** #local re-polls after a change made on this thread (a microtask: see wakeSlot). */
  readonly #local: () => void;

  /** `repoll(false)` re-polls the channel after a change made on this thread. */
  constructor(w: Int32Array, values: SlotValues<unknown>, repoll: (remote: boolean) => void) {
    this.#w = w;
    this.#values = values;
    this.#local = () => repoll(false);
  }

  /** parked reports whether goroutines of this thread are parked on the channel (what its parker must watch). */
  get parked(): boolean {
    return this.recvq.size !== 0 || this.sendq.size !== 0;
  }

  /** ticketOf is the ticket that completes `wt`: its select's, or its own (undefined on a buffered channel). */
  ticketOf(wt: Waiter): SelectTicket | undefined {
    return wt.sel === null ? this.tickets.get(wt) : wt.sel.sharedTicket?.();
  }

  /** claim commits a local waiter (its select, if any, through the select's ticket). */
  claim(wt: Waiter): boolean {
    if (wt.sel !== null) return wt.claim();
    const t = this.tickets.get(wt);
    return t === undefined || t.claim();
  }

  /** unclaim undoes claim when no partner was there after all. */
  unclaim(wt: Waiter): void {
    if (wt.sel !== null) wt.unclaim();
    else this.tickets.get(wt)?.unclaim();
  }

  /** finished drops a completed plain waiter's ticket. */
  finished(wt: Waiter): void {
    const t = this.tickets.get(wt);
    if (t !== undefined) {
      t.release();
      this.tickets.delete(wt);
    }
  }

  /**
   * complete removes claimed waiter `wt` from `q` and, in `done`, wakes it with (`v`, `ok`), loading `v` first if it
   * is a value out of line (a load that fails fails the operation).
   */
  complete(q: WaitQueue<Waiter>, wt: Waiter, v: unknown, ok: boolean, done: Deferred[]): void {
    q.remove(wt);
    done.push(() => {
      this.finished(wt);
      if (v instanceof Pending) {
        let value: unknown;
        try {
          value = this.#values.load(v.ref);
        } catch (e) {
          wt.fail(e as Error);
          return;
        }
        wt.wake(value, ok);
      } else {
        wt.wake(v, ok);
      }
    });
  }

  /** failClosed fails claimed send waiter `wt` with the panic of a send on a closed channel. */
  failClosed(wt: Waiter, done: Deferred[]): void {
    this.sendq.remove(wt);
    done.push(() => {
      this.finished(wt);
      wt.fail(new ChannelClosedError());
    });
  }

  /** fail removes claimed waiter `wt` from queue `q` and fails it with `e` (a value that did not decode or store). */
  fail(q: WaitQueue<Waiter>, wt: Waiter, e: Error, done: Deferred[]): void {
    q.remove(wt);
    done.push(() => wt.fail(e));
  }

  /** failParked fails every local operation parked on this channel with `e` (their selects, if still open). */
  failParked(e: Error, done: Deferred[]): void {
    for (const q of [this.recvq, this.sendq]) {
      for (let wt = q.head; wt !== null; ) {
        const next = wt.next;
        q.remove(wt);
        // A plain operation's ticket is claimed too, so that no partner completes it afterwards.
        const mine = wt.sel === null ? (this.tickets.get(wt)?.claim(), true) : wt.claim();
        const ww = wt;
        if (mine) done.push(() => (this.finished(ww), ww.fail(e)));
        wt = next;
      }
    }
    this.setMaskBit(RECV_MASK, false);
    this.setMaskBit(SEND_MASK, false);
  }

  /** setMaskBit sets or clears this thread's bit in mask `at` (RECV_MASK or SEND_MASK). */
  setMaskBit(at: number, on: boolean): void {
    const me = mySlot();
    const i = at + (me >> 5);
    const bit = 1 << (me & 31);
    // Only this thread changes its bit, so a plain read tells whether it must change (an RMW costs ~10 ns).
    const set = (this.#w[i]! & bit) !== 0;
    if (on && !set) Atomics.or(this.#w, i, bit);
    else if (!on && set) Atomics.and(this.#w, i, ~bit);
  }

  /**
   * wakeMask wakes every thread with parked operations in a mask (this thread by a re-poll). Every caller has just
   * made its change with an Atomics store or read-modify-write (a full barrier), so plain reads of the mask see any
   * bit set before that change: they cost nothing next to an Atomics.load (~8 ns), on the path of every value.
   */
  wakeMask(at: number): void {
    const m0 = this.#w[at]!;
    const m1 = this.#w[at + 1]!;
    if ((m0 | m1) !== 0) this.#wakeBits(m0, m1);
  }

  #wakeBits(m0: number, m1: number): void {
    for (let m = 0; m < 2; m++) {
      let bits = m === 0 ? m0 : m1;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits);
        bits &= ~(1 << b);
        this.wakeSlot(m * 32 + b);
      }
    }
  }

  /** wakeSlot makes thread `s` re-check the channel: another thread by its parking word, this one by a microtask. */
  wakeSlot(s: number): void {
    if (s === mySlot()) queueMicrotask(this.#local);
    else wake(s);
  }
}

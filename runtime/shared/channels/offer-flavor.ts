/**
 * OfferFlavor is an unbuffered shared channel's algorithm (flavor.ts): a true rendezvous. Each thread has one offer
 * per direction in the channel (layout.ts), naming the ticket (ticket.ts) of its oldest local waiter that is still to
 * be completed. A partner, on any thread, claims that ticket (CAS), moves the value through the offer's value slot,
 * marks the offer FILLED (a receive offer) or TAKEN (a send offer), and wakes the owner, which collects it. A send
 * completes only once a receiver on some thread has claimed it. A select parked on several channels has one ticket,
 * so it completes through exactly one of them. Everything here runs under the channel's LOCK.
 *
 * A local waiter pairs with the oldest offer of another thread in the partner direction (FIFO across threads by the
 * offers' sequence numbers), and with a waiter of its own thread through its own offer.
 *
 * Values out of line (out-of-line.ts): a parked send prepares its reference when it parks (outside the lock: storing
 * may post to other threads), keeps it in #prepared while its offer shows it, and hands it over when a receiver takes
 * the offer; a receiver that takes a reference under the lock loads it after (Pending). A send that will not complete
 * (closed, lost its select, refused) lets its reference go.
 *
 * Spinning: once this channel has been woken from another thread, a plain operation that parked spins a little on
 * its own offer (a partner's turnaround is shorter than a cross-thread wake-up).
 */
import { ChannelClosedError, CloseOfClosedChannelError } from '../../panics.js';
import { CLOSED as CLOSED_V, EMPTY } from '../../chan/selectable.js';
import type { Waiter } from '../../chan/waiter.js';
import type { WaitQueue } from '../../sched/wait-queue.js';
import type { Admission, Deferred, Flavor } from './flavor.js';
import {
  CLOSED,
  DIR_RECV,
  DIR_SEND,
  FILLED,
  LOCK,
  NONE,
  O_GEN,
  O_SEQ,
  O_STATE,
  O_TICKET,
  offerIndex,
  offerValueOffset,
  RECV_MASK,
  SEND_MASK,
  SEQ,
  TAKEN,
  WAITING,
  type Geometry,
} from './layout.js';
import { lock, unlock } from '../memory/lock.js';
import type { ParkedOps } from './parked-ops.js';
import { spinUntil } from '../memory/parker.js';
import { isAlive, slot as mySlot } from '../memory/registry.js';
import { Pending, type SlotValues } from './slot-values.js';
import { claimTicket, Ticket } from './ticket.js';

/** Clock reads between two checks of a spin on an offer (parker.ts spinUntil): about 40 ns. */
const OFFER_SPIN_GAP = 1;

export class OfferFlavor<T> implements Flavor {
  readonly #w: Int32Array;
  readonly #geo: Geometry;
  readonly #slotBytes: number;
  readonly #values: SlotValues<T>;
  readonly #ops: ParkedOps;
  /** #prepared holds the out-of-line references of parked senders (see the top). */
  readonly #prepared = new Map<Waiter, number>();
  /** #packs: values may go out of line; without it, #prepared stays empty and is never looked at. */
  readonly #packs: boolean;

  constructor(w: Int32Array, geo: Geometry, slotBytes: number, values: SlotValues<T>, ops: ParkedOps) {
    this.#w = w;
    this.#geo = geo;
    this.#slotBytes = slotBytes;
    this.#values = values;
    this.#ops = ops;
    this.#packs = values.packs;
  }

  pollSend(value: unknown): boolean {
    const values = this.#values;
    values.check(value as T); // before claiming a partner
    const w = this.#w;
    // A value out of line is stored before the lock (storing it may post to other threads), but not when no thread
    // has a receiver parked here: there is no partner to take it then, so storing it would be wasted.
    let ref = -1;
    if (values.packed !== null) {
      if (Atomics.load(w, CLOSED) === 1) {
        values.packed = null;
        throw new ChannelClosedError();
      }
      if ((Atomics.load(w, RECV_MASK) | Atomics.load(w, RECV_MASK + 1)) === 0) {
        values.packed = null;
        return false;
      }
      ref = values.storePacked();
    }
    lock(w, LOCK);
    if (w[CLOSED] === 1) {
      unlock(w, LOCK);
      if (ref >= 0) values.discard(ref);
      throw new ChannelClosedError();
    }
    const r = this.#matchOffer(DIR_RECV, -1);
    if (r < 0) {
      unlock(w, LOCK);
      if (ref >= 0) values.discard(ref);
      return false;
    }
    const at = this.#valueAt(r, DIR_RECV);
    if (ref >= 0) values.writeRef(at, ref);
    else values.put(value as T, at);
    w[offerIndex(r, DIR_RECV) + O_STATE] = FILLED;
    unlock(w, LOCK);
    this.#ops.wakeSlot(r);
    return true;
  }

  pollRecv(): unknown {
    const w = this.#w;
    lock(w, LOCK);
    if (w[CLOSED] === 1) {
      unlock(w, LOCK);
      return CLOSED_V;
    }
    const s = this.#matchOffer(DIR_SEND, -1);
    if (s < 0) {
      unlock(w, LOCK);
      return EMPTY;
    }
    const v = this.#values.grab(this.#valueAt(s, DIR_SEND));
    w[offerIndex(s, DIR_SEND) + O_STATE] = TAKEN;
    unlock(w, LOCK);
    this.#ops.wakeSlot(s);
    return v instanceof Pending ? this.#values.load(v.ref) : v;
  }

  close(): void {
    const w = this.#w;
    lock(w, LOCK);
    if (w[CLOSED] === 1) {
      unlock(w, LOCK);
      throw new CloseOfClosedChannelError();
    }
    Atomics.store(w, CLOSED, 1);
    unlock(w, LOCK);
  }

  len(): number {
    return 0;
  }

  /** spin: an offer spins after it parks (spinParked), not before. */
  spin(): boolean {
    return false;
  }

  /** spinReady: a partner took this thread's offer (or withdrew it as stale), or the channel closed. */
  spinReady(dir: number): boolean {
    const w = this.#w;
    return Atomics.load(w, offerIndex(mySlot(), dir) + O_STATE) !== WAITING || Atomics.load(w, CLOSED) === 1;
  }

  /** admit takes the operation's ticket, and stores a send's value out of line if its slot cannot carry it. */
  admit(send: boolean, value: unknown): Admission | null {
    const ticket = new Ticket();
    try {
      return { ticket, ref: send ? this.#values.prepare(value as T) : undefined };
    } catch (e) {
      ticket.release();
      throw e;
    }
  }

  /** enter records the waiter's ticket (and prepared value); the shell's re-check publishes its offer. */
  enter(wt: Waiter, a: Admission | null): void {
    this.#ops.tickets.set(wt, a!.ticket);
    if (a!.ref !== undefined) this.#prepared.set(wt, a!.ref);
  }

  spinParked(dir: number): boolean {
    return spinUntil(this, dir, OFFER_SPIN_GAP);
  }

  enqueue(wt: Waiter, send: boolean): void {
    // The select's ticket first: if it cannot have one, nothing here has changed (the select undoes its other cases).
    wt.sel?.sharedTicket?.();
    if (send) {
      const ref = this.#values.prepare(wt.value as T);
      if (ref !== undefined) this.#prepared.set(wt, ref);
    }
    (send ? this.#ops.sendq : this.#ops.recvq).push(wt);
    const w = this.#w;
    const dir = send ? DIR_SEND : DIR_RECV;
    lock(w, LOCK);
    this.#publish(dir);
    this.#ops.setMaskBit(send ? SEND_MASK : RECV_MASK, true);
    unlock(w, LOCK);
  }

  dequeue(wt: Waiter): void {
    const q = wt.queue;
    if (q === null) return;
    const ops = this.#ops;
    const wasHead = q.head === wt;
    q.remove(wt);
    ops.tickets.get(wt)?.release();
    ops.tickets.delete(wt);
    const recv = q === ops.recvq;
    if (wasHead || q.size === 0) {
      // Re-point (or withdraw) this thread's offer, which named the removed waiter, and drop the mask bit if idle.
      const w = this.#w;
      lock(w, LOCK);
      this.#publish(recv ? DIR_RECV : DIR_SEND);
      if (q.size === 0) ops.setMaskBit(recv ? RECV_MASK : SEND_MASK, false);
      unlock(w, LOCK);
    }
    // The select completed elsewhere: its ticket is claimed, so no receiver can take the offer that showed this value.
    this.#dropPrepared(wt);
  }

  repollInto(done: Deferred[]): void {
    const w = this.#w;
    const ops = this.#ops;
    lock(w, LOCK);
    try {
      this.#collectOffer(DIR_RECV, done);
      this.#collectOffer(DIR_SEND, done);
      this.#progressRecv(done);
      this.#progressSend(done);
      this.#publish(DIR_RECV);
      this.#publish(DIR_SEND);
      ops.setMaskBit(RECV_MASK, ops.recvq.size > 0);
      ops.setMaskBit(SEND_MASK, ops.sendq.size > 0);
    } finally {
      unlock(w, LOCK);
    }
  }

  #valueAt(slot: number, dir: number): number {
    return offerValueOffset(this.#geo, this.#slotBytes, slot, dir);
  }

  /** #collectOffer completes the local waiter whose offer a partner on another thread took. */
  #collectOffer(dir: number, done: Deferred[]): void {
    const w = this.#w;
    const ops = this.#ops;
    const o = offerIndex(mySlot(), dir);
    const state = w[o + O_STATE]!;
    if (state !== FILLED && state !== TAKEN) return;
    w[o + O_STATE] = NONE;
    const q = dir === DIR_RECV ? ops.recvq : ops.sendq;
    // The offer named a waiter's ticket (id and generation: an id is reused once its operation is over), which the
    // partner claimed: find that waiter.
    const t = w[o + O_TICKET]!;
    const gen = w[o + O_GEN]!;
    let wt = q.head;
    for (; wt !== null; wt = wt.next) {
      const tk = ops.ticketOf(wt);
      if (tk !== undefined && tk.t === t && tk.gen === gen) break;
    }
    const at = this.#valueAt(mySlot(), DIR_RECV);
    if (wt === null) {
      // No waiter of this thread claimed it: the offer was left by a thread that died in this slot, and nobody will
      // receive its value. (A claimed waiter of this thread stays queued until completed here.)
      if (dir === DIR_RECV) this.#values.discardAt(at);
      return;
    }
    let v: unknown;
    if (dir === DIR_RECV) v = this.#values.grab(at);
    else if (this.#packs) this.#prepared.delete(wt); // the receiver took the value, and its reference with it
    ops.complete(q, wt, v, true, done);
  }

  /** #progressRecv completes parked local receivers that can now proceed, oldest first. */
  #progressRecv(done: Deferred[]): void {
    const w = this.#w;
    const ops = this.#ops;
    for (let wt = ops.recvq.head; wt !== null; ) {
      const next = wt.next;
      if (w[CLOSED] === 1) {
        if (ops.claim(wt)) ops.complete(ops.recvq, wt, undefined, false, done);
        else ops.recvq.remove(wt);
      } else if (!this.#rendezvous(ops.recvq, wt, DIR_SEND, done)) {
        return;
      }
      wt = next;
    }
  }

  /** #progressSend completes parked local senders that can now proceed, oldest first. */
  #progressSend(done: Deferred[]): void {
    const w = this.#w;
    const ops = this.#ops;
    for (let wt = ops.sendq.head; wt !== null; ) {
      const next = wt.next;
      if (w[CLOSED] === 1) {
        if (ops.claim(wt)) this.#failClosed(wt, done);
        else this.#dropSend(wt, done);
      } else if (!this.#rendezvous(ops.sendq, wt, DIR_RECV, done)) {
        return;
      }
      wt = next;
    }
  }

  /**
   * #rendezvous pairs local waiter `wt` of queue `q` with the oldest offer of another operation in the partner
   * direction: claim our own waiter first, then the partner's ticket, then move the value through the partner's
   * offer slot. It returns false when no partner is there (the caller stops: FIFO).
   */
  #rendezvous(q: WaitQueue<Waiter>, wt: Waiter, partnerDir: number, done: Deferred[]): boolean {
    const ops = this.#ops;
    const own = ops.ticketOf(wt);
    // Claimed by a partner through our offer (collectOffer delivers it), or won elsewhere (its select removes it).
    if (own !== undefined && own.claimed) return true;
    if (!ops.claim(wt)) {
      if (q === ops.sendq) this.#dropSend(wt, done);
      else q.remove(wt);
      return true;
    }
    const p = this.#matchOffer(partnerDir, own?.t ?? -1);
    if (p < 0) {
      ops.unclaim(wt);
      return false;
    }
    const w = this.#w;
    const at = this.#valueAt(p, partnerDir);
    let v: unknown;
    if (partnerDir === DIR_SEND) {
      v = this.#values.grab(at);
      w[offerIndex(p, DIR_SEND) + O_STATE] = TAKEN;
    } else {
      this.#putWaiter(wt, at);
      if (this.#packs) this.#prepared.delete(wt); // the receiver owns the value now
      w[offerIndex(p, DIR_RECV) + O_STATE] = FILLED;
    }
    done.push(() => ops.wakeSlot(p));
    ops.complete(q, wt, v, true, done);
    return true;
  }

  /**
   * #matchOffer finds the oldest waiting offer in direction `dir` of another operation (not ticket `exclude`) and
   * claims its ticket; it returns the offer's thread slot, or -1. Offers whose ticket is already claimed (their select
   * completed elsewhere) or whose thread died are withdrawn on the way. Call under the lock.
   */
  #matchOffer(dir: number, exclude: number): number {
    const w = this.#w;
    const maskAt = dir === DIR_RECV ? RECV_MASK : SEND_MASK;
    for (;;) {
      let best = -1;
      let bestSeq = 0;
      for (let m = 0; m < 2; m++) {
        let bits = Atomics.load(w, maskAt + m);
        while (bits !== 0) {
          const b = 31 - Math.clz32(bits);
          bits &= ~(1 << b);
          const s = m * 32 + b;
          const o = offerIndex(s, dir);
          if (w[o + O_STATE] !== WAITING || w[o + O_TICKET] === exclude) continue;
          if (!isAlive(s)) {
            w[o + O_STATE] = NONE;
            // A dead thread's parked send: its value, which it owned, will never be received.
            if (dir === DIR_SEND) this.#values.discardAt(this.#valueAt(s, DIR_SEND));
            continue;
          }
          const seq = w[o + O_SEQ]!;
          if (best < 0 || seq - bestSeq < 0) {
            best = s;
            bestSeq = seq;
          }
        }
      }
      if (best < 0) return -1;
      const o = offerIndex(best, dir);
      if (claimTicket(w[o + O_TICKET]!, w[o + O_GEN]!)) return best;
      // Its operation completed elsewhere: withdraw the stale offer and let its owner refresh it.
      w[o + O_STATE] = NONE;
      const owner = best;
      queueMicrotask(() => this.#ops.wakeSlot(owner));
    }
  }

  /** #publish makes this thread's offer in `dir` name the oldest local waiter that is still to be completed. */
  #publish(dir: number): void {
    const w = this.#w;
    const ops = this.#ops;
    const me = mySlot();
    const o = offerIndex(me, dir);
    const state = w[o + O_STATE]!;
    if (state === FILLED || state === TAKEN) return; // to be collected first
    const q = dir === DIR_RECV ? ops.recvq : ops.sendq;
    let head = q.head;
    while (head !== null && ops.ticketOf(head)?.claimed === true) head = head.next;
    if (head === null) {
      w[o + O_STATE] = NONE;
      return;
    }
    const t = ops.ticketOf(head)!;
    if (state === WAITING && w[o + O_TICKET] === t.t && w[o + O_GEN] === t.gen) return;
    if (dir === DIR_SEND) this.#putWaiter(head, this.#valueAt(me, DIR_SEND));
    w[o + O_TICKET] = t.t;
    w[o + O_GEN] = t.gen;
    w[o + O_SEQ] = (w[SEQ] = (w[SEQ]! + 1) | 0);
    w[o + O_STATE] = WAITING;
  }

  /** #putWaiter writes a parked sender's value at `offset` (under the lock): its prepared reference, if it has one. */
  #putWaiter(wt: Waiter, offset: number): void {
    const ref = this.#packs ? this.#prepared.get(wt) : undefined;
    if (ref !== undefined) {
      this.#values.writeRef(offset, ref);
      return;
    }
    this.#values.check(wt.value as T);
    this.#values.put(wt.value as T, offset);
  }

  #failClosed(wt: Waiter, done: Deferred[]): void {
    this.#ops.failClosed(wt, done);
    if (this.#packs) done.push(() => this.#dropPrepared(wt));
  }

  /** #dropPrepared discards the prepared reference of a send that will not complete (closed, or lost its select). */
  #dropPrepared(wt: Waiter): void {
    if (!this.#packs) return;
    const ref = this.#prepared.get(wt);
    if (ref === undefined) return;
    this.#prepared.delete(wt);
    this.#values.discard(ref);
  }

  /** #dropSend removes a send waiter whose select completed elsewhere, and discards its reference after the lock. */
  #dropSend(wt: Waiter, done: Deferred[]): void {
    this.#ops.sendq.remove(wt);
    if (this.#packs && this.#prepared.has(wt)) done.push(() => this.#dropPrepared(wt));
  }
}

/**
 * RingFlavor is a buffered shared channel's algorithm (flavor.ts): a lock-free ring of encoded slots (ring.ts). A
 * sender that finds room writes its slot and wakes the threads with parked receivers; a receiver that takes a value
 * wakes the threads with parked senders. A woken thread re-polls; each position is claimed by one CAS, so a value is
 * delivered exactly once. Across threads a newcomer may overtake a parked operation of another thread (FIFO holds
 * among one thread's goroutines).
 *
 * Spinning: a cross-thread wake-up costs far more than a busy partner's turnaround, so a plain send or receive that
 * would park first spins a few microseconds on the ring (parker.ts decides how long), but only once this channel has
 * been woken from another thread (the shell checks): a partner on this same thread cannot run while we spin.
 *
 * Values out of line (out-of-line.ts): a send stores its value once it has claimed a position (and gives the position
 * up as skipped if storing fails); the ring position owns the reference until a receiver claims it.
 */
import { ChannelClosedError, CloseOfClosedChannelError } from '../../panics.js';
import { CLOSED as CLOSED_V, EMPTY } from '../../chan/selectable.js';
import type { Waiter } from '../../chan/waiter.js';
import type { Codec } from '../codecs/codec.js';
import type { Admission, Deferred, Flavor } from './flavor.js';
import { CLOSED, DIR_RECV, HEAD, OFFERS, RECV_MASK, SEND_MASK, TAIL, type Geometry } from './layout.js';
import type { ParkedOps } from './parked-ops.js';
import { spinUntil } from '../memory/parker.js';
import { ownerToken, slot as mySlot } from '../memory/registry.js';
import { Ring, RING_CLOSED, RING_EMPTY } from './ring.js';
import type { SlotValues } from './slot-values.js';

/** Clock reads between two checks of a spin (parker.ts spinUntil): about 4 us. */
const RING_SPIN_GAP = 96;
/** RING_RUN: in the first half of its spin, an operation waits for a run of this many values (or slots). */
const RING_RUN = 32;

export class RingFlavor<T> implements Flavor {
  readonly #ring: Ring;
  readonly #values: SlotValues<T>;
  readonly #ops: ParkedOps;
  /** The codec and memory of the scalar fast path, read straight rather than through #values. */
  readonly #codec: Codec<T>;
  readonly #dv: DataView;
  readonly #fixed: boolean;
  /** #streak counts the values this thread moved through the ring since its last spin (see spin). */
  #streak = 0;

  /** `init`: the channel is new (its ring is initialised here). */
  constructor(w: Int32Array, geo: Geometry, cap: number, slotBytes: number, values: SlotValues<T>, ops: ParkedOps, init: boolean) {
    this.#ring = new Ring(
      w,
      { tail: TAIL, head: HEAD, closed: CLOSED, records: OFFERS, ringOffset: geo.ringOffset, cap, slotBytes },
      mySlot(),
      ownerToken(),
      init,
    );
    this.#values = values;
    this.#ops = ops;
    this.#codec = values.codec;
    this.#dv = values.dv;
    this.#fixed = values.fixed;
  }

  pollSend(value: unknown): boolean {
    const ring = this.#ring;
    if (!this.#fixed) return this.#pollSendEncoded(ring, value as T);
    // A bad value throws before anything changes. A scalar is written straight into the slot it claimed (its
    // encodeAt checks before it writes: if it throws, the position is given up as skipped). Full or closed, the value
    // is still checked first, as a send would.
    const p = ring.reservePush();
    if (p < 0) {
      this.#values.check(value as T);
      if (p === RING_CLOSED) throw new ChannelClosedError();
      return false;
    }
    try {
      this.#codec.encodeAt!(value as T, this.#dv, ring.valueOffset(p));
    } catch (e) {
      ring.skipPush(p);
      throw e;
    }
    ring.publishPush(p);
    this.#streak++;
    // Receivers announce themselves (mask bit) before they re-check the ring, and this reads the mask after the
    // value is published (a full barrier): either they see the value or this sees their bit.
    this.#ops.wakeMask(RECV_MASK);
    return true;
  }

  /**
   * #pollSendEncoded is pollSend for a codec without the scalar fast path: the value is encoded into the scratch (or
   * packed, to be stored out of line once a position is claimed) before anything changes.
   */
  #pollSendEncoded(ring: Ring, value: T): boolean {
    const values = this.#values;
    values.check(value);
    const p = ring.reservePush();
    if (p < 0) {
      values.packed = null;
      if (p === RING_CLOSED) throw new ChannelClosedError();
      return false;
    }
    if (values.packed !== null) this.#putPacked(p);
    else values.put(value, ring.valueOffset(p));
    ring.publishPush(p);
    this.#streak++;
    this.#ops.wakeMask(RECV_MASK); // as in pollSend
    return true;
  }

  pollRecv(): unknown {
    const ring = this.#ring;
    const h = ring.reservePop();
    if (h < 0) return h === RING_CLOSED ? CLOSED_V : EMPTY;
    const v = this.#take(h);
    this.#streak++;
    this.#ops.wakeMask(SEND_MASK);
    return v;
  }

  close(): void {
    if (!this.#ring.close()) throw new CloseOfClosedChannelError();
  }

  len(): number {
    return this.#ring.length;
  }

  /**
   * spin spins on the ring before an operation in direction `dir` parks. While values stream through (a run of them
   * moved since the last spin), it first waits for a run of RING_RUN values (or slots) rather than one: taken one at
   * a time right behind the partner, each value costs a cache-line transfer that slows the partner down (12-14M
   * values/s instead of 9-10M, bench/RESULTS.md). A channel that carries a value now and then stays eager.
   */
  spin(dir: number): boolean {
    const patient = this.#streak >= RING_RUN / 2;
    this.#streak = 0;
    return spinUntil(this, dir, RING_SPIN_GAP, patient);
  }

  spinReady(dir: number, eager: boolean): boolean {
    const ring = this.#ring;
    const ahead = eager ? 0 : RING_RUN - 1;
    return (dir === DIR_RECV ? ring.canPop(ahead) : ring.canPush(ahead)) || ring.closed;
  }

  /** admit: nothing to take; a parked send stores its value once it has claimed a position. */
  admit(): Admission | null {
    return null;
  }

  /** enter announces a parked waiter: every later change to the ring wakes this thread. */
  enter(wt: Waiter): void {
    this.#ops.setMaskBit(wt.queue === this.#ops.recvq ? RECV_MASK : SEND_MASK, true);
  }

  /** spinParked: a ring spins before it parks (spin), not after. */
  spinParked(): boolean {
    return false;
  }

  enqueue(wt: Waiter, send: boolean): void {
    (send ? this.#ops.sendq : this.#ops.recvq).push(wt);
    this.enter(wt);
  }

  dequeue(wt: Waiter): void {
    const q = wt.queue;
    if (q === null) return;
    q.remove(wt);
    if (q.size === 0) this.#ops.setMaskBit(q === this.#ops.recvq ? RECV_MASK : SEND_MASK, false);
  }

  repollInto(done: Deferred[]): void {
    const ring = this.#ring;
    const ops = this.#ops;
    // Stuck: something was sent but nothing is published, or no room: a dead thread may hold the position.
    const stuck =
      (ops.recvq.size > 0 && !ring.canPop() && ring.length > 0) ||
      (ops.sendq.size > 0 && !ring.canPush() && !ring.closed);
    if (stuck) ring.recover(this.#values.packs ? (at) => this.#values.discardAt(at) : undefined);
    const wakeSend = this.#progressRecv(done);
    const wakeRecv = this.#progressSend(done);
    ops.setMaskBit(RECV_MASK, ops.recvq.size > 0);
    ops.setMaskBit(SEND_MASK, ops.sendq.size > 0);
    if (wakeRecv) ops.wakeMask(RECV_MASK);
    if (wakeSend) ops.wakeMask(SEND_MASK);
  }

  /** #take reads the value of claimed ring position `h` and frees its slot (even if decoding throws). */
  #take(h: number): unknown {
    const ring = this.#ring;
    const at = ring.valueOffset(h);
    if (this.#values.isRef(at)) {
      // The reference is all the slot holds: free the slot first, then load the value.
      const ref = this.#values.refAt(at);
      ring.releasePop(h);
      return this.#values.load(ref);
    }
    try {
      return this.#values.decodeAt(at);
    } finally {
      ring.releasePop(h);
    }
  }

  /** #putPacked stores the packed value out of line into claimed position `p`, given up if storing throws. */
  #putPacked(p: number): void {
    let ref: number;
    try {
      ref = this.#values.storePacked();
    } catch (e) {
      this.#ring.skipPush(p);
      throw e;
    }
    this.#values.writeRef(this.#ring.valueOffset(p), ref);
  }

  /** #progressRecv completes parked local receivers, oldest first; true if it took values. */
  #progressRecv(done: Deferred[]): boolean {
    const ring = this.#ring;
    const ops = this.#ops;
    const q = ops.recvq;
    let took = false;
    for (let wt = q.head; wt !== null; ) {
      const next = wt.next;
      if (!ring.canPop() && !ring.closed) break;
      if (!ops.claim(wt)) {
        q.remove(wt); // its select completed through another case
      } else {
        const h = ring.reservePop();
        if (h === RING_EMPTY) {
          ops.unclaim(wt); // another thread took it first, or a sender still writes the last value
          break;
        }
        if (h === RING_CLOSED) {
          ops.complete(q, wt, undefined, false, done);
        } else {
          took = true;
          let v: unknown;
          try {
            v = this.#take(h);
          } catch (e) {
            ops.fail(q, wt, e as Error, done);
            wt = next;
            continue;
          }
          ops.complete(q, wt, v, true, done);
        }
      }
      wt = next;
    }
    return took;
  }

  /** #progressSend completes parked local senders, oldest first; true if it sent values. */
  #progressSend(done: Deferred[]): boolean {
    const ring = this.#ring;
    const ops = this.#ops;
    const values = this.#values;
    const q = ops.sendq;
    let sent = false;
    for (let wt = q.head; wt !== null; ) {
      const next = wt.next;
      if (ring.closed) {
        if (ops.claim(wt)) ops.failClosed(wt, done);
        else q.remove(wt);
        wt = next;
        continue;
      }
      if (!ring.canPush()) break;
      if (!ops.claim(wt)) {
        q.remove(wt);
        wt = next;
        continue;
      }
      // Encode first: the value was checked when the send parked, but an object may have changed since.
      try {
        values.check(wt.value as T);
      } catch (e) {
        ops.fail(q, wt, e as Error, done);
        wt = next;
        continue;
      }
      const p = ring.reservePush();
      if (p < 0) values.packed = null;
      if (p === RING_CLOSED) {
        ops.failClosed(wt, done);
      } else if (p < 0) {
        ops.unclaim(wt); // another thread filled the room first
        break;
      } else {
        if (values.packed !== null) {
          try {
            this.#putPacked(p);
          } catch (e) {
            ops.fail(q, wt, e as Error, done);
            wt = next;
            continue;
          }
        } else {
          values.put(wt.value as T, ring.valueOffset(p));
        }
        ring.publishPush(p);
        ops.complete(q, wt, undefined, true, done);
        sent = true;
      }
      wt = next;
    }
    return sent;
  }
}

/**
 * SharedChan is a channel in shared memory: the same interface and the same Go semantics as a local channel, usable
 * from every thread that has it (see layout.ts for the memory layout and registry.ts for parking and tickets).
 *
 * Buffered channels: a lock-free ring of encoded slots (ring.ts). A sender that finds room writes its slot and wakes
 * the threads with parked receivers; a receiver that takes a value wakes the threads with parked senders. A woken
 * thread re-polls; each position is claimed by one CAS, so a value is delivered exactly once. Across threads a
 * newcomer may overtake a parked operation of another thread (FIFO holds among one thread's goroutines).
 *
 * Spinning: a cross-thread wake-up costs far more than a busy partner's turnaround, so a plain send or receive that
 * would park first spins a few microseconds on the channel (parker.ts decides how long), but only once this channel
 * has been woken from another thread: a partner on this same thread cannot run while we spin.
 *
 * Unbuffered channels are true rendezvous: a parked operation publishes an offer naming its ticket; a partner claims
 * the ticket (CAS), moves the value through the offer's value slot, and wakes the owner. A send completes only once
 * a receiver on some thread has claimed it. A select parked on several channels has one ticket, so it completes
 * through exactly one of them.
 *
 * Local goroutines parked on this channel queue here in FIFO order; the thread's parker (parker.ts) calls repoll when
 * another thread may have changed the channel.
 *
 * Values out of line (out-of-line.ts): a value of a variable-size codec that its slot cannot carry (too long, or
 * holding shared memory) is stored in the arena and the slot holds a reference; whoever owns the reference (the
 * sender until it publishes, then the ring position or offer, then the receiver that claimed it) loads it or, if
 * the value will never be received, discards it. A parked send on an unbuffered channel prepares its reference when
 * it parks (outside the lock: storing may post to other threads), keeps it in #prepared while its offer shows it, and
 * hands it over when a receiver takes the offer; a receiver that takes a reference under the lock loads it after.
 *
 * Invariant: every completion of a parked operation first claims its waiter (Waiter.claim / its ticket). Every change
 * that may let a parked operation of another thread proceed is followed by a wake of that thread.
 */
import { ChannelClosedError, CloseOfClosedChannelError, InvalidArgumentError, isSharedMemoryError } from '../panics.js';
import { parkStart } from '../sched/park.js';
import { CLOSED as CLOSED_V, EMPTY, type Selectable } from '../chan/selectable.js';
import type { Chan, RecvResult } from '../chan/types.js';
import { ITER, RECV, RECV_OK, SEND, type Mode, Waiter, WaitQueue } from '../chan/waiter.js';
import { checkCount } from '../validate.js';
import type { Codec, CodecWire, Packed } from './codec.js';
import {
  CAP,
  CLOSED,
  DIR_RECV,
  DIR_SEND,
  FILLED,
  geometry,
  HEAD,
  ID,
  LOCK,
  NONE,
  OFFERS,
  O_GEN,
  O_SEQ,
  O_STATE,
  O_TICKET,
  offerIndex,
  offerValueOffset,
  RECV_MASK,
  SEND_MASK,
  SEQ,
  SLOT_BYTES,
  TAIL,
  TAKEN,
  WAITING,
  type Geometry,
} from './layout.js';
import { lock, unlock } from './lock.js';
import { spinUntil, unwatch, watch, type Source, type Spinnable } from './parker.js';
import { MAX_RING_CAP, Ring, RING_CLOSED, RING_EMPTY } from './ring.js';
import { adopt, isAlive, nextObjectId, ownerToken, registry, slot as mySlot, wake } from './registry.js';
import { watchDeaths } from './sync/recovery.js';
import { claimTicket, Ticket } from './ticket.js';
import { registerWireKind, TO_WIRE, WIRE_KIND, type Wire, type Wireable } from './wire.js';
import { codecFromWire } from './codecs/from-wire.js';
import { checkCodec } from './codecs/check-codec.js';
import { allocateChan, checkChanMemory } from './chan-memory.js';
import { discard, isOutOfLine, load, refAt, store, writeRef } from './out-of-line.js';

const RESOLVED: Promise<void> = Promise.resolve();
const CLOSED_RESULT: RecvResult<never> = Object.freeze({ value: undefined, ok: false });
const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true });

export const SHARED_CHAN_KIND = 'gocsp.sharedChan';

/** Clock reads between two checks of a spin (parker.ts spinUntil): ~4 us on a ring, ~40 ns on an offer. */
const RING_SPIN_GAP = 96;
const OFFER_SPIN_GAP = 1;
/** RING_RUN: in the first half of its spin, an operation on a ring waits for a run of this many values (or slots). */
const RING_RUN = 32;

/** A completion decided under the lock and run after it is released (waking runs user-visible promise reactions). */
type Deferred = () => void;

/** Pending is a reference to a value out of line, taken under the lock and loaded once it is released. */
class Pending {
  constructor(readonly ref: number) {}
}

export class SharedChan<T> implements Chan<T>, Selectable, Wireable, Source, Spinnable {
  readonly #sab: SharedArrayBuffer;
  readonly #w: Int32Array;
  readonly #u8: Uint8Array;
  readonly #codec: Codec<T>;
  readonly #cap: number;
  readonly #slotBytes: number;
  readonly #geo: Geometry;
  /** #ring is the buffer of a buffered channel (null: unbuffered, which pairs operations through offers). */
  readonly #ring: Ring | null;
  readonly #scratch: Uint8Array;
  readonly #scratchView: DataView;
  readonly #dv: DataView;
  /** #fixed: the codec has the DataView fast path (scalars), so values are written in place, never via scratch. */
  readonly #fixed: boolean;
  /** #packs: the codec can store values out of line (codec.pack), so a slot may hold a reference. */
  readonly #packs: boolean;
  /** #packed is the value #check packed for out of line (null: #check wrote it into the scratch). */
  #packed: Packed | null = null;
  /** #prepared holds the out-of-line references of parked senders of an unbuffered channel (see the top). */
  readonly #prepared = new Map<Waiter, number>();
  readonly #recvq = new WaitQueue();
  readonly #sendq = new WaitQueue();
  /** Tickets of plain (non-select) waiters parked on an unbuffered channel; a select's ticket belongs to the select. */
  readonly #tickets = new Map<Waiter, Ticket>();
  #watched = false;
  /** #remote: this thread's parked operations here were last completed after a wake from another thread. */
  #remote = false;
  /** #streak counts the values this thread moved through the ring since its last spin (see #spin). */
  #streak = 0;
  /** Views of the slots decoded so far, by byte offset (decode needs a view; making one per value allocates). */
  readonly #views = new Map<number, Uint8Array>();

  /** @internal use sharedChan() or fromWire. */
  constructor(sab: SharedArrayBuffer, codec: Codec<T>, init?: { cap: number }) {
    this.#sab = sab;
    const control = new Int32Array(sab, 0, OFFERS);
    if (init !== undefined) {
      control[CAP] = init.cap;
      control[SLOT_BYTES] = codec.slotBytes;
      control[ID] = nextObjectId();
    }
    this.#cap = control[CAP]!;
    this.#slotBytes = control[SLOT_BYTES]!;
    this.#geo = geometry(this.#cap, this.#slotBytes);
    this.#w = new Int32Array(sab, 0, (this.#cap > 0 ? this.#geo.totalBytes : this.#geo.ringOffset) / 4);
    this.#ring =
      this.#cap > 0
        ? new Ring(
            this.#w,
            { tail: TAIL, head: HEAD, closed: CLOSED, records: OFFERS, ringOffset: this.#geo.ringOffset, cap: this.#cap, slotBytes: this.#slotBytes },
            mySlot(),
            ownerToken(),
            init !== undefined,
          )
        : null;
    watchDeaths();
    this.#u8 = new Uint8Array(sab);
    this.#codec = codec;
    this.#scratch = new Uint8Array(this.#slotBytes);
    this.#scratchView = new DataView(new ArrayBuffer(this.#slotBytes));
    this.#dv = new DataView(sab);
    this.#fixed = typeof codec.encodeAt === 'function' && typeof codec.decodeAt === 'function';
    this.#packs = !this.#fixed && typeof codec.pack === 'function' && typeof codec.unpack === 'function';
  }

  /** id is the channel's program-wide id. */
  get id(): number {
    return this.#w[ID]!;
  }

  // Chan interface. The promise-returning operations never throw: a closed channel, a value the codec refuses
  // and a slot that does not decode are rejections, as the Chan interface promises.

  send(value: T): Promise<void> {
    try {
      if (this.pollSend(value)) return RESOLVED;
      if (this.#ring !== null && this.#remote && this.#spin(DIR_SEND) && this.pollSend(value)) return RESOLVED;
      const w = new Waiter(SEND, value, parkStart('chan send'));
      const p = w.promise<void>();
      this.#prepare(w);
      this.#sendq.push(w);
      this.#parked(w);
      return p;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  trySend(value: T): boolean {
    return this.pollSend(value);
  }

  recv(): Promise<T | undefined> {
    try {
      let v = this.pollRecv();
      if (v === EMPTY) v = this.#spinRecv();
      if (v === EMPTY) return this.#park(RECV);
      return Promise.resolve(v === CLOSED_V ? undefined : (v as T));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  recvOk(): Promise<RecvResult<T>> {
    try {
      let v = this.pollRecv();
      if (v === EMPTY) v = this.#spinRecv();
      if (v === EMPTY) return this.#park(RECV_OK);
      return Promise.resolve(v === CLOSED_V ? CLOSED_RESULT : { value: v as T, ok: true });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  tryRecv(): RecvResult<T> | undefined {
    const v = this.pollRecv();
    if (v === EMPTY) return undefined;
    return v === CLOSED_V ? CLOSED_RESULT : { value: v as T, ok: true };
  }

  close(): void {
    const w = this.#w;
    if (this.#ring !== null) {
      if (!this.#ring.close()) throw new CloseOfClosedChannelError();
    } else {
      lock(w, LOCK);
      if (w[CLOSED] === 1) {
        unlock(w, LOCK);
        throw new CloseOfClosedChannelError();
      }
      Atomics.store(w, CLOSED, 1);
      unlock(w, LOCK);
    }
    this.#wakeMask(RECV_MASK);
    this.#wakeMask(SEND_MASK);
  }

  len(): number {
    return this.#ring === null ? 0 : this.#ring.length;
  }

  cap(): number {
    return this.#cap;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: (): Promise<IteratorResult<T>> => {
        try {
          let v = this.pollRecv();
          if (v === EMPTY) v = this.#spinRecv();
          if (v === EMPTY) return this.#park(ITER);
          return Promise.resolve(v === CLOSED_V ? DONE : { value: v as T, done: false });
        } catch (e) {
          return Promise.reject(e);
        }
      },
    };
  }

  [TO_WIRE](): Wire {
    return { [WIRE_KIND]: SHARED_CHAN_KIND, sab: this.#sab, codec: this.#codec.wire, registry: registry() };
  }

  // Selectable protocol: polls by a goroutine that is not parked here.

  pollSend(value: unknown): boolean {
    const ring = this.#ring;
    if (ring === null) return this.#pollSendUnbuffered(value as T);
    if (!this.#fixed) return this.#pollSendEncoded(ring, value as T);
    // A bad value throws before anything changes. A scalar is written straight into the slot it claimed (its
    // encodeAt checks before it writes: if it throws, the position is given up as skipped). Full or closed, the value
    // is still checked first, as a send would.
    const p = ring.reservePush();
    if (p < 0) {
      this.#check(value as T);
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
    this.#wakeMask(RECV_MASK);
    return true;
  }

  /**
   * #pollSendEncoded is pollSend on a ring for a codec without the scalar fast path: the value is encoded into the
   * scratch (or packed, to be stored out of line once a position is claimed) before anything changes.
   */
  #pollSendEncoded(ring: Ring, value: T): boolean {
    this.#check(value);
    const p = ring.reservePush();
    if (p < 0) {
      this.#packed = null;
      if (p === RING_CLOSED) throw new ChannelClosedError();
      return false;
    }
    if (this.#packed !== null) this.#putPacked(ring, p);
    else this.#u8.set(this.#scratch, ring.valueOffset(p));
    ring.publishPush(p);
    this.#streak++;
    // Receivers announce themselves (mask bit) before they re-check the ring, and this reads the mask after the
    // value is published (a full barrier): either they see the value or this sees their bit.
    this.#wakeMask(RECV_MASK);
    return true;
  }

  #pollSendUnbuffered(value: T): boolean {
    this.#check(value); // before claiming a partner
    const w = this.#w;
    // A value out of line is stored before the lock (storing it may post to other threads), but not when no thread
    // has a receiver parked here: there is no partner to take it then, so storing it would be wasted.
    let ref = -1;
    if (this.#packed !== null) {
      const packed = this.#packed;
      this.#packed = null;
      if (Atomics.load(w, CLOSED) === 1) throw new ChannelClosedError();
      if ((Atomics.load(w, RECV_MASK) | Atomics.load(w, RECV_MASK + 1)) === 0) return false;
      ref = store(packed, this.#codec.kind);
    }
    lock(w, LOCK);
    if (w[CLOSED] === 1) {
      unlock(w, LOCK);
      if (ref >= 0) discard(ref, this.#codec.kind);
      throw new ChannelClosedError();
    }
    const r = this.#matchOffer(DIR_RECV, -1);
    if (r < 0) {
      unlock(w, LOCK);
      if (ref >= 0) discard(ref, this.#codec.kind);
      return false;
    }
    const at = offerValueOffset(this.#geo, this.#slotBytes, r, DIR_RECV);
    if (ref >= 0) writeRef(this.#u8, at, ref);
    else this.#put(value, at);
    w[offerIndex(r, DIR_RECV) + O_STATE] = FILLED;
    unlock(w, LOCK);
    this.#wakeSlot(r);
    return true;
  }

  pollRecv(): unknown {
    const ring = this.#ring;
    if (ring !== null) {
      const h = ring.reservePop();
      if (h < 0) return h === RING_CLOSED ? CLOSED_V : EMPTY;
      const v = this.#take(ring, h);
      this.#streak++;
      this.#wakeMask(SEND_MASK);
      return v;
    }
    return this.#pollRecvUnbuffered();
  }

  #pollRecvUnbuffered(): unknown {
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
    const v = this.#grab(offerValueOffset(this.#geo, this.#slotBytes, s, DIR_SEND));
    w[offerIndex(s, DIR_SEND) + O_STATE] = TAKEN;
    unlock(w, LOCK);
    this.#wakeSlot(s);
    return v instanceof Pending ? load(v.ref, this.#codec) : v;
  }

  enqueueRecv(w: Waiter): void {
    this.#recvq.push(w);
    this.#enqueued(w);
  }

  enqueueSend(w: Waiter): void {
    this.#prepare(w);
    this.#sendq.push(w);
    this.#enqueued(w);
  }

  dequeue(wt: Waiter): void {
    const q = wt.queue;
    if (q === null) return;
    const wasHead = q.head === wt;
    q.remove(wt);
    this.#tickets.get(wt)?.release();
    this.#tickets.delete(wt);
    const recv = q === this.#recvq;
    if (this.#ring !== null) {
      if (q.size === 0) this.#setMaskBit(recv ? RECV_MASK : SEND_MASK, false);
    } else if (wasHead || q.size === 0) {
      // Re-point (or withdraw) this thread's offer, which named the removed waiter, and drop the mask bit if idle.
      const w = this.#w;
      lock(w, LOCK);
      this.#publish(recv ? DIR_RECV : DIR_SEND);
      if (q.size === 0) this.#setMaskBit(recv ? RECV_MASK : SEND_MASK, false);
      unlock(w, LOCK);
    }
    // The select completed elsewhere: its ticket is claimed, so no receiver can take the offer that showed this value.
    this.#dropPrepared(wt);
    this.#idleCheck();
  }

  // Source protocol: the parker calls repoll when another thread may have changed this channel.

  repoll(): void {
    this.#repoll(true);
  }

  // Spinnable protocol: spinUntil asks whether an operation in direction `dir` may now proceed.

  spinReady(dir: number, eager: boolean): boolean {
    const ring = this.#ring;
    if (ring !== null) {
      const ahead = eager ? 0 : RING_RUN - 1;
      return (dir === DIR_RECV ? ring.canPop(ahead) : ring.canPush(ahead)) || ring.closed;
    }
    // Unbuffered: a partner took this thread's offer (or withdrew it as stale), or the channel closed.
    const w = this.#w;
    return Atomics.load(w, offerIndex(mySlot(), dir) + O_STATE) !== WAITING || Atomics.load(w, CLOSED) === 1;
  }

  // Internals.

  /**
   * #repoll completes the parked local operations that can now proceed. `remote` says what made this thread look:
   * a wake from another thread (true), a change made on this thread (false), or neither (null: a re-check).
   */
  #repoll(remote: boolean | null): void {
    const done: Deferred[] = [];
    try {
      this.#repollInto(remote, done);
    } catch (e) {
      // Corrupted memory: fail this thread's operations parked here, rather than throw into the parker (or a
      // microtask) and leave them parked for ever.
      if (!isSharedMemoryError(e)) throw e;
      this.#failParked(e, done);
    }
    for (const f of done) f();
    this.#idleCheck();
  }

  /** #failParked fails every local operation parked on this channel with `e` (their selects, if still open). */
  #failParked(e: Error, done: Deferred[]): void {
    for (const q of [this.#recvq, this.#sendq]) {
      for (let wt = q.head; wt !== null; ) {
        const next = wt.next;
        q.remove(wt);
        // A plain operation's ticket is claimed too, so that no partner completes it afterwards.
        const mine = wt.sel === null ? (this.#tickets.get(wt)?.claim(), true) : wt.claim();
        const ww = wt;
        if (mine) done.push(() => (this.#finished(ww), ww.fail(e)));
        wt = next;
      }
    }
    this.#setMaskBit(RECV_MASK, false);
    this.#setMaskBit(SEND_MASK, false);
  }

  /** #repollInto is #repoll's work, collecting the completions to run into `done`. */
  #repollInto(remote: boolean | null, done: Deferred[]): void {
    const ring = this.#ring;
    let wakeRecv = false;
    let wakeSend = false;
    if (ring !== null) {
      // Stuck: something was sent but nothing is published, or no room: a dead thread may hold the position.
      const stuck =
        (this.#recvq.size > 0 && !ring.canPop() && ring.length > 0) ||
        (this.#sendq.size > 0 && !ring.canPush() && !ring.closed);
      if (stuck) ring.recover(this.#packs ? (at) => this.#discardAt(at) : undefined);
      wakeSend = this.#progressRecvRing(ring, done);
      wakeRecv = this.#progressSendRing(ring, done);
      this.#setMaskBit(RECV_MASK, this.#recvq.size > 0);
      this.#setMaskBit(SEND_MASK, this.#sendq.size > 0);
    } else {
      const w = this.#w;
      lock(w, LOCK);
      try {
        this.#collectOffer(DIR_RECV, done);
        this.#collectOffer(DIR_SEND, done);
        this.#progressRecv(done);
        this.#progressSend(done);
        this.#publish(DIR_RECV);
        this.#publish(DIR_SEND);
        this.#setMaskBit(RECV_MASK, this.#recvq.size > 0);
        this.#setMaskBit(SEND_MASK, this.#sendq.size > 0);
      } finally {
        unlock(w, LOCK);
      }
    }
    if (done.length > 0 && remote !== null) this.#remote = remote;
    if (wakeRecv) this.#wakeMask(RECV_MASK);
    if (wakeSend) this.#wakeMask(SEND_MASK);
  }

  #spinRecv(): unknown {
    return this.#ring !== null && this.#remote && this.#spin(DIR_RECV) ? this.pollRecv() : EMPTY;
  }

  /**
   * #spin spins on the ring before an operation in direction `dir` parks. While values stream through (a run of
   * them moved since the last spin), it first waits for a run of RING_RUN values (or slots) rather than one: taken
   * one at a time right behind the partner, each value costs a cache-line transfer that slows the partner down
   * (12-14M values/s instead of 9-10M, bench/RESULTS.md). A channel that carries a value now and then stays eager.
   */
  #spin(dir: number): boolean {
    const patient = this.#streak >= RING_RUN / 2;
    this.#streak = 0;
    return spinUntil(this, dir, RING_SPIN_GAP, patient);
  }

  #park<R>(mode: Mode): Promise<R> {
    const w = new Waiter(mode, undefined, parkStart('chan receive'));
    const p = w.promise<R>();
    this.#recvq.push(w);
    this.#parked(w);
    return p;
  }

  /**
   * #parked registers a plain operation that must wait (already in its queue). It announces the waiter (mask bit,
   * offer), so that every later change wakes this thread, then re-checks at once, which catches what changed before.
   * On an unbuffered channel woken from another thread before, it then spins a little on its offer. Only if it is
   * still parked does the parker take over.
   */
  #parked(wt: Waiter): void {
    if (this.#ring !== null) this.#announce(wt);
    else this.#tickets.set(wt, new Ticket()); // the re-check publishes its offer and mask bit, under the same lock
    this.#repoll(null);
    if (wt.queue !== null && this.#ring === null && this.#remote) {
      if (spinUntil(this, wt.queue === this.#recvq ? DIR_RECV : DIR_SEND, OFFER_SPIN_GAP)) this.#repoll(null);
    }
    if (wt.queue !== null) this.#watch();
  }

  /**
   * #enqueued registers a select's waiter: announced now, re-checked in a microtask (completing it right here could
   * finish a select that is still registering its other cases).
   */
  #enqueued(wt: Waiter): void {
    this.#announce(wt);
    this.#watch();
    queueMicrotask(() => this.#repoll(false));
  }

  /** #announce makes a newly parked local waiter visible to other threads: its ticket, offer and mask bit. */
  #announce(wt: Waiter): void {
    const recv = wt.queue === this.#recvq;
    if (this.#ring !== null) {
      this.#setMaskBit(recv ? RECV_MASK : SEND_MASK, true);
      return;
    }
    if (wt.sel === null) this.#tickets.set(wt, new Ticket());
    else wt.sel.sharedTicket?.();
    const w = this.#w;
    lock(w, LOCK);
    this.#publish(recv ? DIR_RECV : DIR_SEND);
    this.#setMaskBit(recv ? RECV_MASK : SEND_MASK, true);
    unlock(w, LOCK);
  }

  #watch(): void {
    if (!this.#watched) {
      this.#watched = true;
      watch(this);
    }
  }

  #ticketOf(wt: Waiter): Ticket | undefined {
    return wt.sel === null ? this.#tickets.get(wt) : wt.sel.sharedTicket?.();
  }

  /** #claim commits a local waiter (its select, if any, through the select's ticket). */
  #claim(wt: Waiter): boolean {
    if (wt.sel !== null) return wt.claim();
    const t = this.#tickets.get(wt);
    return t === undefined || t.claim();
  }

  /** #unclaim undoes #claim when no partner was there after all. */
  #unclaim(wt: Waiter): void {
    if (wt.sel !== null) wt.unclaim();
    else this.#tickets.get(wt)?.unclaim();
  }

  /** #finished drops a completed plain waiter's ticket. */
  #finished(wt: Waiter): void {
    const t = this.#tickets.get(wt);
    if (t !== undefined) {
      t.release();
      this.#tickets.delete(wt);
    }
  }

  /** #take reads the value of claimed ring position `h` and frees its slot (even if decoding throws). */
  #take(ring: Ring, h: number): unknown {
    if (this.#packs) return this.#takePacked(ring, h);
    try {
      return this.#decodeAt(ring.valueOffset(h));
    } finally {
      ring.releasePop(h);
    }
  }

  /** #takePacked is #take for a codec whose slots may hold a reference to a value out of line. */
  #takePacked(ring: Ring, h: number): unknown {
    const at = ring.valueOffset(h);
    if (isOutOfLine(this.#u8, at)) {
      // The reference is all the slot holds: free the slot first, then load the value.
      const ref = refAt(this.#u8, at);
      ring.releasePop(h);
      return load(ref, this.#codec);
    }
    try {
      return this.#decodeAt(at);
    } finally {
      ring.releasePop(h);
    }
  }

  /** #progressRecvRing completes parked local receivers of a buffered channel, oldest first; true if it took values. */
  #progressRecvRing(ring: Ring, done: Deferred[]): boolean {
    let took = false;
    for (let wt = this.#recvq.head; wt !== null; ) {
      const next = wt.next;
      if (!ring.canPop() && !ring.closed) break;
      if (!this.#claim(wt)) {
        this.#recvq.remove(wt); // its select completed through another case
      } else {
        const h = ring.reservePop();
        if (h === RING_EMPTY) {
          this.#unclaim(wt); // another thread took it first, or a sender still writes the last value
          break;
        }
        if (h === RING_CLOSED) {
          this.#complete(this.#recvq, wt, undefined, false, done);
        } else {
          let v: unknown;
          try {
            v = this.#take(ring, h);
          } catch (e) {
            this.#recvq.remove(wt);
            const ww = wt;
            done.push(() => ww.fail(e as Error));
            took = true;
            wt = next;
            continue;
          }
          this.#complete(this.#recvq, wt, v, true, done);
          took = true;
        }
      }
      wt = next;
    }
    return took;
  }

  /** #progressSendRing completes parked local senders of a buffered channel, oldest first; true if it sent values. */
  #progressSendRing(ring: Ring, done: Deferred[]): boolean {
    let sent = false;
    for (let wt = this.#sendq.head; wt !== null; ) {
      const next = wt.next;
      if (ring.closed) {
        if (this.#claim(wt)) this.#failClosed(wt, done);
        else this.#sendq.remove(wt);
        wt = next;
        continue;
      }
      if (!ring.canPush()) break;
      if (!this.#claim(wt)) {
        this.#sendq.remove(wt);
        wt = next;
        continue;
      }
      // Encode first: the value was checked when the send parked, but an object may have changed since.
      try {
        this.#check(wt.value as T);
      } catch (e) {
        this.#sendq.remove(wt);
        const ww = wt;
        done.push(() => ww.fail(e as Error));
        wt = next;
        continue;
      }
      const p = ring.reservePush();
      if (p < 0) this.#packed = null;
      if (p === RING_CLOSED) {
        this.#failClosed(wt, done);
      } else if (p < 0) {
        this.#unclaim(wt); // another thread filled the room first
        break;
      } else {
        if (this.#packed !== null) {
          try {
            this.#putPacked(ring, p);
          } catch (e) {
            this.#sendq.remove(wt);
            const ww = wt;
            done.push(() => ww.fail(e as Error));
            wt = next;
            continue;
          }
        } else {
          this.#put(wt.value as T, ring.valueOffset(p));
        }
        ring.publishPush(p);
        this.#complete(this.#sendq, wt, undefined, true, done);
        sent = true;
      }
      wt = next;
    }
    return sent;
  }

  #failClosed(wt: Waiter, done: Deferred[]): void {
    this.#sendq.remove(wt);
    done.push(() => {
      this.#finished(wt);
      this.#dropPrepared(wt);
      wt.fail(new ChannelClosedError());
    });
  }

  /** #collectOffer completes the local waiter whose offer a partner on another thread took. */
  #collectOffer(dir: number, done: Deferred[]): void {
    const w = this.#w;
    const o = offerIndex(mySlot(), dir);
    const state = w[o + O_STATE]!;
    if (state !== FILLED && state !== TAKEN) return;
    w[o + O_STATE] = NONE;
    const q = dir === DIR_RECV ? this.#recvq : this.#sendq;
    // The offer named a waiter's ticket (index and generation: an index is reused once its operation is over),
    // which the partner claimed: find that waiter.
    const t = w[o + O_TICKET]!;
    const gen = w[o + O_GEN]!;
    let wt = q.head;
    for (; wt !== null; wt = wt.next) {
      const tk = this.#ticketOf(wt);
      if (tk !== undefined && tk.t === t && tk.gen === gen) break;
    }
    const at = offerValueOffset(this.#geo, this.#slotBytes, mySlot(), DIR_RECV);
    if (wt === null) {
      // No waiter of this thread claimed it: the offer was left by a thread that died in this slot, and nobody will
      // receive its value. (A claimed waiter of this thread stays queued until completed here.)
      if (dir === DIR_RECV) this.#discardAt(at);
      return;
    }
    let v: unknown;
    if (dir === DIR_RECV) v = this.#grab(at);
    else if (this.#packs) this.#prepared.delete(wt); // the receiver took the value, and its reference with it
    this.#complete(q, wt, v, true, done);
  }

  /** #progressRecv completes parked local receivers of an unbuffered channel that can now proceed, oldest first. */
  #progressRecv(done: Deferred[]): void {
    const w = this.#w;
    for (let wt = this.#recvq.head; wt !== null; ) {
      const next = wt.next;
      if (w[CLOSED] === 1) {
        if (this.#claim(wt)) this.#complete(this.#recvq, wt, undefined, false, done);
        else this.#recvq.remove(wt);
      } else if (!this.#rendezvous(this.#recvq, wt, DIR_SEND, done)) {
        return;
      }
      wt = next;
    }
  }

  /** #progressSend completes parked local senders of an unbuffered channel that can now proceed, oldest first. */
  #progressSend(done: Deferred[]): void {
    const w = this.#w;
    for (let wt = this.#sendq.head; wt !== null; ) {
      const next = wt.next;
      if (w[CLOSED] === 1) {
        if (this.#claim(wt)) this.#failClosed(wt, done);
        else this.#dropSend(wt, done);
      } else if (!this.#rendezvous(this.#sendq, wt, DIR_RECV, done)) {
        return;
      }
      wt = next;
    }
  }

  /**
   * #rendezvous pairs local waiter `wt` of unbuffered queue `q` with the oldest offer of another operation in the
   * partner direction: claim our own waiter first, then the partner's ticket, then move the value through the
   * partner's offer slot. It returns false when no partner is there (the caller stops: FIFO).
   */
  #rendezvous(q: WaitQueue, wt: Waiter, partnerDir: number, done: Deferred[]): boolean {
    const own = this.#ticketOf(wt);
    // Claimed by a partner through our offer (collectOffer delivers it), or won elsewhere (its select removes it).
    if (own !== undefined && own.claimed) return true;
    if (!this.#claim(wt)) {
      if (q === this.#sendq) this.#dropSend(wt, done);
      else q.remove(wt);
      return true;
    }
    const p = this.#matchOffer(partnerDir, own?.t ?? -1);
    if (p < 0) {
      this.#unclaim(wt);
      return false;
    }
    const w = this.#w;
    const at = offerValueOffset(this.#geo, this.#slotBytes, p, partnerDir);
    let v: unknown;
    if (partnerDir === DIR_SEND) {
      v = this.#grab(at);
      w[offerIndex(p, DIR_SEND) + O_STATE] = TAKEN;
    } else {
      this.#putWaiter(wt, at);
      if (this.#packs) this.#prepared.delete(wt); // the receiver owns the value now
      w[offerIndex(p, DIR_RECV) + O_STATE] = FILLED;
    }
    done.push(() => this.#wakeSlot(p));
    this.#complete(q, wt, v, true, done);
    return true;
  }

  #complete(q: WaitQueue, wt: Waiter, v: unknown, ok: boolean, done: Deferred[]): void {
    q.remove(wt);
    done.push(() => {
      this.#finished(wt);
      if (v instanceof Pending) {
        let value: unknown;
        try {
          value = load(v.ref, this.#codec);
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
            if (dir === DIR_SEND) this.#discardAt(offerValueOffset(this.#geo, this.#slotBytes, s, DIR_SEND));
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
      queueMicrotask(() => this.#wakeSlot(owner));
    }
  }

  /** #publish makes this thread's offer in `dir` name the oldest local waiter that is still to be completed. */
  #publish(dir: number): void {
    const w = this.#w;
    const me = mySlot();
    const o = offerIndex(me, dir);
    const state = w[o + O_STATE]!;
    if (state === FILLED || state === TAKEN) return; // to be collected first
    const q = dir === DIR_RECV ? this.#recvq : this.#sendq;
    let head = q.head;
    while (head !== null && this.#ticketOf(head)?.claimed === true) head = head.next;
    if (head === null) {
      w[o + O_STATE] = NONE;
      return;
    }
    const t = this.#ticketOf(head)!;
    if (state === WAITING && w[o + O_TICKET] === t.t && w[o + O_GEN] === t.gen) return;
    if (dir === DIR_SEND) this.#putWaiter(head, offerValueOffset(this.#geo, this.#slotBytes, me, DIR_SEND));
    w[o + O_TICKET] = t.t;
    w[o + O_GEN] = t.gen;
    w[o + O_SEQ] = (w[SEQ] = (w[SEQ]! + 1) | 0);
    w[o + O_STATE] = WAITING;
  }

  #setMaskBit(at: number, on: boolean): void {
    const me = mySlot();
    const i = at + (me >> 5);
    const bit = 1 << (me & 31);
    // Only this thread changes its bit, so a plain read tells whether it must change (an RMW costs ~10 ns).
    const set = (this.#w[i]! & bit) !== 0;
    if (on && !set) Atomics.or(this.#w, i, bit);
    else if (!on && set) Atomics.and(this.#w, i, ~bit);
  }

  /**
   * #wakeMask wakes every thread with parked operations in a mask (this thread by a re-poll). Every caller has just
   * made its change with an Atomics store or read-modify-write (a full barrier), so plain reads of the mask see any
   * bit set before that change: they cost nothing next to an Atomics.load (~8 ns), on the path of every value.
   */
  #wakeMask(at: number): void {
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
        this.#wakeSlot(m * 32 + b);
      }
    }
  }

  #wakeSlot(s: number): void {
    if (s === mySlot()) queueMicrotask(() => this.#repoll(false));
    else wake(s);
  }

  #idleCheck(): void {
    if (this.#watched && this.#recvq.size === 0 && this.#sendq.size === 0) {
      this.#watched = false;
      unwatch(this);
    }
  }

  /**
   * #check encodes `value` into the scratch: it throws for a bad value before anything shared changes. A value to
   * go out of line is left in #packed instead, for the caller to store (#putPacked) or drop (set #packed to null).
   */
  #check(value: T): void {
    if (this.#fixed) this.#codec.encodeAt!(value, this.#scratchView, 0);
    else if (this.#packs) this.#packed = this.#codec.pack!(value, this.#scratch);
    else this.#codec.encode(value, this.#scratch);
  }

  /**
   * #put writes `value`, which #check just encoded, at byte `offset` (scalars straight, others from the scratch, a
   * value out of line stored now: only where the caller can undo its step if storing throws).
   */
  #put(value: T, offset: number): void {
    if (this.#fixed) {
      this.#codec.encodeAt!(value, this.#dv, offset);
    } else if (this.#packed !== null) {
      const packed = this.#packed;
      this.#packed = null;
      writeRef(this.#u8, offset, store(packed, this.#codec.kind));
    } else {
      this.#u8.set(this.#scratch, offset);
    }
  }

  /** #putPacked stores #packed out of line into claimed ring position `p`, which it gives up if storing throws. */
  #putPacked(ring: Ring, p: number): void {
    const packed = this.#packed!;
    this.#packed = null;
    let ref: number;
    try {
      ref = store(packed, this.#codec.kind);
    } catch (e) {
      ring.skipPush(p);
      throw e;
    }
    writeRef(this.#u8, ring.valueOffset(p), ref);
  }

  /** #putWaiter writes a parked sender's value at `offset` (under the lock): its prepared reference, if it has one. */
  #putWaiter(wt: Waiter, offset: number): void {
    const ref = this.#packs ? this.#prepared.get(wt) : undefined;
    if (ref !== undefined) {
      writeRef(this.#u8, offset, ref);
      return;
    }
    this.#check(wt.value as T);
    this.#put(wt.value as T, offset);
  }

  /**
   * #prepare stores out of line, before it parks, the value of a send on an unbuffered channel that its slot cannot
   * carry (outside the lock: see the top). Nothing to do for buffered channels: their parked senders store the value
   * once they have claimed a position.
   */
  #prepare(wt: Waiter): void {
    if (!this.#packs || this.#ring !== null) return;
    this.#check(wt.value as T);
    const packed = this.#packed;
    if (packed === null) return;
    this.#packed = null;
    this.#prepared.set(wt, store(packed, this.#codec.kind));
  }

  /** #dropPrepared discards the prepared reference of a send that will not complete (closed, or lost its select). */
  #dropPrepared(wt: Waiter): void {
    if (!this.#packs) return;
    const ref = this.#prepared.get(wt);
    if (ref === undefined) return;
    this.#prepared.delete(wt);
    discard(ref, this.#codec.kind);
  }

  /** #dropSend removes a send waiter whose select completed elsewhere, and discards its reference after the lock. */
  #dropSend(wt: Waiter, done: Deferred[]): void {
    this.#sendq.remove(wt);
    if (this.#packs && this.#prepared.has(wt)) done.push(() => this.#dropPrepared(wt));
  }

  /** #grab reads the value at byte `offset` under the lock: decoded, or a Pending reference to load after it. */
  #grab(offset: number): unknown {
    if (this.#packs && isOutOfLine(this.#u8, offset)) return new Pending(refAt(this.#u8, offset));
    return this.#decodeAt(offset);
  }

  /** #discardAt lets go of the value at byte `offset` if it is out of line (it will never be received). */
  #discardAt(offset: number): void {
    if (this.#packs && isOutOfLine(this.#u8, offset)) discard(refAt(this.#u8, offset), this.#codec.kind);
  }

  #decodeAt(offset: number): T {
    if (this.#fixed) return this.#codec.decodeAt!(this.#dv, offset);
    let view = this.#views.get(offset);
    if (view === undefined) {
      view = this.#u8.subarray(offset, offset + this.#slotBytes);
      this.#views.set(offset, view);
    }
    return this.#codec.decode(view);
  }
}

const instances = new Map<number, WeakRef<SharedChan<unknown>>>();
const forget = new FinalizationRegistry<number>((id) => {
  if (instances.get(id)?.deref() === undefined) instances.delete(id);
});

/**
 * sharedChan makes a channel in shared memory with room for `capacity` values encoded by `codec`: Go's
 * `make(chan T, capacity)` for values that cross threads. Post it to a worker or pass it to a goroutine on a worker
 * and it is rebuilt there, bound to the same memory.
 *
 * Throws InvalidArgumentError for a bad capacity or codec (checkCodec names the bad field), or a channel of more than
 * 4 GiB (capacity times the slot, MAX_CHAN_BYTES).
 *
 * @example
 * const results = sharedChan(int32, 1024);
 * go(countPrimes, 0, 1_000_000, results); // a task on a worker thread
 * for await (const n of results) total += n;
 */
export function sharedChan<T>(codec: Codec<T>, capacity = 0): SharedChan<T> {
  checkCount('sharedChan', 'capacity', capacity);
  if (capacity > MAX_RING_CAP) {
    throw new InvalidArgumentError(`sharedChan: capacity must be at most ${MAX_RING_CAP} (got ${capacity})`);
  }
  checkCodec('sharedChan', codec);
  const sab = allocateChan('sharedChan', codec as Codec<unknown>, capacity);
  const ch = new SharedChan<T>(sab, codec, { cap: capacity });
  instances.set(ch.id, new WeakRef(ch as SharedChan<unknown>));
  forget.register(ch, ch.id);
  return ch;
}

/** rebuildSharedChan returns this thread's object for a shared channel, creating it on first sight. */
export function rebuildSharedChan<T>(sab: SharedArrayBuffer, codec: Codec<T>): SharedChan<T> {
  const id = new Int32Array(sab, 0, ID + 1)[ID]!;
  const known = instances.get(id)?.deref();
  if (known !== undefined) return known as SharedChan<T>;
  const ch = new SharedChan<T>(sab, codec);
  instances.set(id, new WeakRef(ch as SharedChan<unknown>));
  forget.register(ch, id);
  return ch;
}


registerWireKind(SHARED_CHAN_KIND, (w) => {
  // Check everything before joining the registry (which takes a slot) or binding to the buffer.
  const codec = codecFromWire(w['codec'] as CodecWire);
  const sab = checkChanMemory('fromWire', w['sab'], codec);
  adopt(w['registry'] as SharedArrayBuffer);
  return rebuildSharedChan(sab, codec);
});

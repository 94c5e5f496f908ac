/**
 * SharedChan is a channel in shared memory: the same interface and the same Go semantics as a local channel, usable
 * from every thread that has it (see layout.ts for the memory layout and registry.ts for parking and tickets).
 *
 * This is the shell, as crossbeam-channel's channel.rs: the public API, and the one path by which a plain operation
 * that cannot complete at once parks, over one of two flavors (flavor.ts) that hold the algorithm:
 * - buffered channels: a lock-free ring of encoded slots (ring-flavor.ts);
 * - unbuffered channels: a rendezvous through per-thread offers under a short lock (offer-flavor.ts).
 * Both move values with SlotValues (slot-values.ts: codecs, scratch, values out of line) and complete the waiters of
 * ParkedOps (parked-ops.ts: this thread's goroutines parked on the channel, and how other threads wake them). What
 * every shared object needs besides (its one object per id on this thread, its wire and rebuild, the parker's watch
 * while goroutines are parked, the re-poll after a thread's death) is its SharedObject (shared-object.ts).
 *
 * A plain operation: poll; once the channel has been woken from another thread, spin (a ring) and poll again; then
 * take what parking needs (a ticket: TooManyParkedError refuses it having changed nothing), make its waiter, queue
 * it, announce it (mask bit, offer), and re-check at once, which catches what changed before; an offer then spins a
 * little; only if still parked does the thread's parker (parker.ts) take over, calling repoll when another thread may
 * have changed the channel. A select's waiters come through the Selectable protocol and are re-checked in a
 * microtask (completing one at once could finish a select that is still registering its other cases).
 *
 * Invariant: every completion of a parked operation first claims its waiter (ParkedOps.claim: its select or its
 * ticket). Every change that may let a parked operation of another thread proceed is followed by a wake of that
 * thread.
 */
import { InvalidArgumentError, isSharedMemoryError } from '../../panics.js';
import { parkStart } from '../../sched/park.js';
import { CLOSED as CLOSED_V, EMPTY, type Selectable } from '../../chan/selectable.js';
import type { Chan, RecvResult } from '../../chan/types.js';
import { ITER, RECV, RECV_OK, SEND, type Mode, Waiter } from '../../chan/waiter.js';
import { checkCount } from '../../validate.js';
import type { Codec, CodecWire } from '../codecs/codec.js';
import type { Deferred, Flavor } from './flavor.js';
import { CAP, DIR_RECV, DIR_SEND, geometry, ID, OFFERS, RECV_MASK, SEND_MASK, SLOT_BYTES } from './layout.js';
import { OfferFlavor } from './offer-flavor.js';
import { ParkedOps } from './parked-ops.js';
import type { Source, Spinnable } from '../memory/parker.js';
import { MAX_RING_CAP } from './ring.js';
import { RingFlavor } from './ring-flavor.js';
import { nextObjectId } from '../memory/registry.js';
import { registerSharedKind, SharedObject } from '../objects/shared-object.js';
import { SlotValues } from './slot-values.js';
import { TO_WIRE, type Wire, type Wireable } from '../objects/wire.js';
import { codecFromWire } from '../codecs/from-wire.js';
import { checkCodec } from '../codecs/check-codec.js';
import { allocateChan, checkChanMemory } from './chan-memory.js';

const RESOLVED: Promise<void> = Promise.resolve();
const CLOSED_RESULT: RecvResult<never> = Object.freeze({ value: undefined, ok: false });
const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true });

export const SHARED_CHAN_KIND = 'gocsp.sharedChan';

/** received shapes what a receive in `mode` resolves to for `v`, a value or CLOSED (Waiter.wake's shapes). */
function received(mode: Mode, v: unknown): unknown {
  if (mode === RECV) return v === CLOSED_V ? undefined : v;
  if (mode === RECV_OK) return v === CLOSED_V ? CLOSED_RESULT : { value: v, ok: true };
  return v === CLOSED_V ? DONE : { value: v, done: false };
}

/**
 * SharedChan is a channel in SharedArrayBuffer, made by sharedChan(codec, capacity): the Chan interface (send,
 * recv, close, select cases, for await) usable from every thread that has it. Pass it to a task as an argument; it is
 * rebuilt on the other side from its buffers. Values are typed by its codec; one the codec cannot carry is an
 * EncodeError at the send.
 *
 * @example
 * const results = sharedChan(codec.int32, 64);
 * go(countPrimes, 0, 1e6, results); // a task on a worker thread
 * console.log(await results.recv());
 */
export class SharedChan<T> implements Chan<T>, Selectable, Wireable, Source, Spinnable {
  readonly #o: SharedObject;
  readonly #w: Int32Array;
  readonly #codec: Codec<T>;
  readonly #cap: number;
  /** #f is the channel's algorithm: a RingFlavor (buffered) or an OfferFlavor (unbuffered). */
  readonly #f: Flavor;
  readonly #ops: ParkedOps;

  /** @internal use sharedChan() or fromWire. */
  constructor(sab: SharedArrayBuffer, codec: Codec<T>, init?: { cap: number }) {
    const control = new Int32Array(sab, 0, OFFERS);
    if (init !== undefined) {
      control[CAP] = init.cap;
      control[SLOT_BYTES] = codec.slotBytes;
      control[ID] = nextObjectId();
    }
    this.#o = new SharedObject(this, SHARED_CHAN_KIND, sab, control[ID]!);
    const cap = (this.#cap = control[CAP]!);
    const slotBytes = control[SLOT_BYTES]!;
    const geo = geometry(cap, slotBytes);
    this.#w = new Int32Array(sab, 0, (cap > 0 ? geo.totalBytes : geo.ringOffset) / 4);
    this.#codec = codec;
    const values = new SlotValues(sab, codec, slotBytes);
    this.#ops = new ParkedOps(this.#w, values as SlotValues<unknown>, (remote) => this.#repoll(remote));
    this.#f =
      cap > 0
        ? new RingFlavor(this.#w, geo, cap, slotBytes, values, this.#ops, init !== undefined)
        : new OfferFlavor(this.#w, geo, slotBytes, values, this.#ops);
  }

  /** id is the channel's program-wide id. */
  get id(): number {
    return this.#o.id;
  }

  // Chan interface. The promise-returning operations never throw: a closed channel, a value the codec refuses,
  // a slot that does not decode and an operation refused at the limit of parked ones are rejections, as the Chan
  // interface promises.

  send(value: T): Promise<void> {
    try {
      const f = this.#f;
      if (f.pollSend(value)) return RESOLVED;
      if (this.#ops.remote && f.spin(DIR_SEND) && f.pollSend(value)) return RESOLVED;
      return this.#park(SEND, value);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  trySend(value: T): boolean {
    return this.#f.pollSend(value);
  }

  recv(): Promise<T | undefined> {
    return this.#receive(RECV);
  }

  recvOk(): Promise<RecvResult<T>> {
    return this.#receive(RECV_OK);
  }

  tryRecv(): RecvResult<T> | undefined {
    const v = this.#f.pollRecv();
    return v === EMPTY ? undefined : (received(RECV_OK, v) as RecvResult<T>);
  }

  close(): void {
    this.#f.close();
    this.#ops.wakeMask(RECV_MASK);
    this.#ops.wakeMask(SEND_MASK);
  }

  len(): number {
    return this.#f.len();
  }

  cap(): number {
    return this.#cap;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.#receive<IteratorResult<T>>(ITER) };
  }

  [TO_WIRE](): Wire {
    return this.#o.wire({ codec: this.#codec.wire });
  }

  // Selectable protocol: polls by a goroutine that is not parked here, and a parked select's waiters.

  pollSend(value: unknown): boolean {
    return this.#f.pollSend(value);
  }

  pollRecv(): unknown {
    return this.#f.pollRecv();
  }

  enqueueRecv(w: Waiter): void {
    this.#enqueue(w, false);
  }

  enqueueSend(w: Waiter): void {
    this.#enqueue(w, true);
  }

  dequeue(wt: Waiter): void {
    this.#f.dequeue(wt);
    this.#o.watch(this.#ops.parked);
  }

  // Source protocol: the parker calls repoll when another thread may have changed this channel.

  repoll(): void {
    this.#repoll(true);
  }

  // Spinnable protocol: whether an operation in direction `dir` may now proceed (the flavors spin on themselves).

  spinReady(dir: number, eager: boolean): boolean {
    return this.#f.spinReady(dir, eager);
  }

  // Internals.

  /** #receive is recv, recvOk and the iterator's next, which differ only in what they resolve to (`mode`). */
  #receive<R>(mode: Mode): Promise<R> {
    try {
      const f = this.#f;
      let v = f.pollRecv();
      if (v === EMPTY && this.#ops.remote && f.spin(DIR_RECV)) v = f.pollRecv();
      if (v === EMPTY) return this.#park(mode, undefined);
      return Promise.resolve(received(mode, v) as R);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** #park is the one path by which a plain operation that must wait parks (see the top). */
  #park<R>(mode: Mode, value: unknown): Promise<R> {
    const f = this.#f;
    const ops = this.#ops;
    const send = mode === SEND;
    // Whatever may refuse the operation (no ticket left, no memory for the value) comes before anything changes.
    const a = f.admit(send, value);
    const wt = new Waiter(mode, value, parkStart(send ? 'chan send' : 'chan receive'));
    const p = wt.promise<R>();
    (send ? ops.sendq : ops.recvq).push(wt);
    f.enter(wt, a);
    this.#repoll(null);
    if (wt.queue !== null && ops.remote && f.spinParked(send ? DIR_SEND : DIR_RECV)) this.#repoll(null);
    if (wt.queue !== null) this.#o.watch(true);
    return p;
  }

  /** #enqueue registers a select's waiter: queued and announced now, re-checked in a microtask (see the top). */
  #enqueue(wt: Waiter, send: boolean): void {
    this.#f.enqueue(wt, send);
    this.#o.watch(true);
    queueMicrotask(() => this.#repoll(false));
  }

  /**
   * #repoll completes the parked local operations that can now proceed. `remote` says what made this thread look:
   * a wake from another thread (true), a change made on this thread (false), or neither (null: a re-check).
   */
  #repoll(remote: boolean | null): void {
    const done: Deferred[] = [];
    try {
      this.#f.repollInto(done);
      if (done.length > 0 && remote !== null) this.#ops.remote = remote;
    } catch (e) {
      // Corrupted memory: fail this thread's operations parked here, rather than throw into the parker (or a
      // microtask) and leave them parked for ever.
      if (!isSharedMemoryError(e)) throw e;
      this.#ops.failParked(e, done);
    }
    for (const f of done) f();
    this.#o.watch(this.#ops.parked);
  }
}

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
  return new SharedChan<T>(sab, codec, { cap: capacity });
}

// Rebuilding from a wire: check the codec and the memory before joining the registry (which takes a slot) or binding
// to the buffer; then this thread's object for the channel's id, made on first sight.
registerSharedKind(
  SHARED_CHAN_KIND,
  (w) => {
    const codec = codecFromWire(w['codec'] as CodecWire);
    const sab = checkChanMemory('fromWire', w['sab'], codec);
    return { sab, id: new Int32Array(sab, 0, ID + 1)[ID]!, codec };
  },
  (o) => new SharedChan(o.sab, o.codec),
);

/**
 * SharedObject is the plumbing that every object living in shared memory needs besides its own state machine, as a
 * small object the primitive owns (composition, not a base class to extend): Go's sync types are each a state
 * machine over one `sema.go`, tokio's primitives each over one `batch_semaphore.rs`; ours each over one SharedObject.
 *
 * It owns:
 * - identity: the object's program-wide id (taken from the registry when its buffer was made), and this thread's one
 *   object per id, so that a buffer crossing to a thread twice yields the same object (its goroutines of this thread
 *   queue in that object);
 * - crossing threads: the object's wire (kind, buffer, the registry to join) and its rebuild from a wire
 *   (registerSharedKind: check the memory, join the registry, return this thread's object or make one);
 * - parking: the object is a Source of this thread's parker (parker.ts) exactly while goroutines of this thread are
 *   parked on it (watch), and it re-polls after a thread's death (recovery.ts: every thread is woken once, so what a
 *   dead thread held is taken back by whoever waits for it).
 *
 * What it does not own: the layout of the buffer (a sync object's header is ../sync/sync-object.ts, a channel's is
 * ../channels/layout.ts) and the state machine.
 *
 * @example
 * class SharedThing implements Wireable, Source {
 *   readonly #o: SharedObject;
 *   constructor(sab: SharedArrayBuffer) { this.#o = new SharedObject(this, 'my.thing', sab, readId(sab)); }
 *   [TO_WIRE](): Wire { return this.#o.wire(); }
 *   repoll(): void { ...; this.#o.watch(this.#waiters.size > 0); }
 * }
 */
import { unwatch, watch, type Source } from '../memory/parker.js';
import { adopt, registry } from '../memory/registry.js';
import { watchDeaths } from './recovery.js';
import { registerWireKind, WIRE_KIND, type Wire } from './wire.js';

export class SharedObject {
  /** id is the object's program-wide id. */
  readonly id: number;
  readonly sab: SharedArrayBuffer;
  readonly #kind: string;
  readonly #source: Source;
  /** #watched: the source is in this thread's parker (some goroutine of this thread is parked on the object). */
  #watched = false;

  /**
   * SharedObject binds `source`, an object of wire kind `kind` whose memory is `sab`, as this thread's object for
   * shared object `id`.
   */
  constructor(source: Source, kind: string, sab: SharedArrayBuffer, id: number) {
    this.id = id;
    this.sab = sab;
    this.#kind = kind;
    this.#source = source;
    instances.set(id, new WeakRef(source));
    forget.register(source, id);
    watchDeaths();
  }

  /** wire describes the object for another thread: its kind, its buffer, the registry, and `extra` fields. */
  wire(extra?: Readonly<Record<string, unknown>>): Wire {
    return { [WIRE_KIND]: this.#kind, sab: this.sab, registry: registry(), ...extra };
  }

  /**
   * watch tells this thread's parker whether goroutines of this thread are parked on the object (`parked`): the
   * parker re-polls the object while they are. Call it after every change of the object's local waiters.
   */
  watch(parked: boolean): void {
    if (parked === this.#watched) return;
    this.#watched = parked;
    if (parked) watch(this.#source);
    else unwatch(this.#source);
  }
}

// One object per shared object id per thread: parked goroutines of this thread queue in that object.

const instances = new Map<number, WeakRef<object>>();
const forget = new FinalizationRegistry<number>((id) => {
  if (instances.get(id)?.deref() === undefined) instances.delete(id);
});

/** knownObject is this thread's object for shared object `id`, if it has one. */
export function knownObject(id: number): object | undefined {
  return instances.get(id)?.deref();
}

/** Opened is what a kind's `open` found in a wire: the checked buffer and the id it holds. */
export interface Opened {
  readonly sab: SharedArrayBuffer;
  readonly id: number;
}

/**
 * registerSharedKind tells fromWire how to rebuild objects of wire kind `kind`: `open` checks the wire's memory and
 * throws (InvalidArgumentError) before anything is joined or bound; then the thread joins the registry the wire
 * carries and gets its object for the id, made by `make` on first sight.
 */
export function registerSharedKind<O extends Opened>(
  kind: string,
  open: (w: Wire) => O,
  make: (o: O, w: Wire) => object,
): void {
  registerWireKind(kind, (w) => {
    const o = open(w);
    adopt(w['registry'] as SharedArrayBuffer);
    return knownObject(o.id) ?? make(o, w);
  });
}

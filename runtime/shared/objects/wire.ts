/**
 * The wire protocol for objects that live in shared memory (shared channels, shared sync objects): how they cross a
 * thread boundary, as a goroutine argument or in a postMessage.
 *
 * Such an object implements `[TO_WIRE]()`, returning plain structured-clonable data (its SharedArrayBuffers and
 * descriptors) tagged with its kind. The receiving side calls fromWire, which finds the kind's rebuild function
 * (registered by the module that defines the kind) and returns an object bound to the same shared memory.
 */
import { InvalidArgumentError } from '../../panics.js';
import { describe } from '../../validate.js';

/** TO_WIRE is the method a shared object implements to describe itself for another thread. */
export const TO_WIRE: unique symbol = Symbol.for('gocsp.toWire');

/** WIRE_KIND is the property that tags a wire description with its kind. */
export const WIRE_KIND = '__gocspWire';

/**
 * Wire is the plain-data description of a shared object.
 *
 * @example
 * const mu = new SharedMutex();
 * const w: Wire = toWire(mu); // plain data: post it to a worker
 * fromWire(structuredClone(w)) === mu; // true: on the thread that holds it, the same object
 */
export interface Wire {
  readonly [WIRE_KIND]: string;
  readonly [field: string]: unknown;
}

/**
 * Wireable is a shared object that can cross threads.
 *
 * @example
 * const shared: Wireable[] = [sharedChan(codec.int32, 16), new SharedMutex()];
 * for (const s of shared) worker.postMessage(toWire(s));
 */
export interface Wireable {
  [TO_WIRE](): Wire;
}

const kinds = new Map<string, (w: Wire) => unknown>();

/** registerWireKind tells fromWire how to rebuild objects of `kind`. */
export function registerWireKind(kind: string, rebuild: (w: Wire) => unknown): void {
  kinds.set(kind, rebuild);
}

/** isWireable reports whether `v` is a shared object that can cross threads. */
export function isWireable(v: unknown): v is Wireable {
  return typeof v === 'object' && v !== null && typeof (v as Partial<Wireable>)[TO_WIRE] === 'function';
}

/** isWire reports whether `v` is a wire description. */
export function isWire(v: unknown): v is Wire {
  return typeof v === 'object' && v !== null && typeof (v as Partial<Wire>)[WIRE_KIND] === 'string';
}

/**
 * toWire describes a shared object (a shared channel, a shared sync object) for another thread: plain data to post
 * to a worker, which rebuilds it with fromWire. It throws InvalidArgumentError for anything else, a local channel
 * included (it lives in one thread's memory: make a sharedChan to cross threads).
 *
 * @example
 * worker.postMessage(toWire(sharedChan(codec.int32, 16)));
 */
export function toWire(v: Wireable): Wire {
  if (!isWireable(v)) {
    const c = v as { send?: unknown; recv?: unknown } | null;
    const local = typeof c === 'object' && c !== null && typeof c.send === 'function' && typeof c.recv === 'function';
    throw new InvalidArgumentError(
      local
        ? 'toWire: a local channel cannot cross threads; make a shared channel (sharedChan) to pass it to another thread'
        : `toWire: value must be a shared object (a shared channel or a shared sync object), got ${describe(v)}`,
    );
  }
  return v[TO_WIRE]();
}

/**
 * fromWire rebuilds a shared object from its wire description (what toWire made, posted from any thread of the same
 * program), bound to the same shared memory. On the thread that holds the object already, it returns that object.
 *
 * It throws InvalidArgumentError for anything that is not such a description, a kind this thread has not loaded, or
 * a description whose memory does not match it (a buffer too short, a channel's codec other than the one it was made
 * with): nothing is bound and no memory is written.
 *
 * @example
 * const ch = fromWire(msg) as SharedChan<number>; // msg: a toWire(ch) posted to this worker
 */
export function fromWire(w: Wire): unknown {
  if (!isWire(w)) {
    throw new InvalidArgumentError(
      `fromWire: wire must be what toWire made (an object with a string ${WIRE_KIND}), got ${describe(w)}`,
    );
  }
  const rebuild = kinds.get(w[WIRE_KIND]);
  if (rebuild === undefined) {
    throw new InvalidArgumentError(`fromWire: unknown shared object kind ${JSON.stringify(w[WIRE_KIND])}`);
  }
  return rebuild(w);
}

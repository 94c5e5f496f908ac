/**
 * The wire protocol for objects that live in shared memory (shared channels, shared sync objects): how they cross a
 * thread boundary, as a goroutine argument or in a postMessage.
 *
 * Such an object implements `[TO_WIRE]()`, returning plain structured-clonable data (its SharedArrayBuffers and
 * descriptors) tagged with its kind. The receiving side calls fromWire, which finds the kind's rebuild function
 * (registered by the module that defines the kind) and returns an object bound to the same shared memory.
 */
import { InvalidArgumentError } from '../errors.js';

/** TO_WIRE is the method a shared object implements to describe itself for another thread. */
export const TO_WIRE: unique symbol = Symbol.for('gocsp.toWire');

/** WIRE_KIND is the property that tags a wire description with its kind. */
export const WIRE_KIND = '__gocspWire';

/** Wire is the plain-data description of a shared object. */
export interface Wire {
  readonly [WIRE_KIND]: string;
  readonly [field: string]: unknown;
}

/** Wireable is a shared object that can cross threads. */
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

/** toWire describes a shared object for another thread. */
export function toWire(v: Wireable): Wire {
  return v[TO_WIRE]();
}

/** fromWire rebuilds a shared object from its wire description (the kind's module must have been loaded). */
export function fromWire(w: Wire): unknown {
  const rebuild = kinds.get(w[WIRE_KIND]);
  if (rebuild === undefined) {
    throw new InvalidArgumentError(`fromWire: unknown shared object kind ${JSON.stringify(w[WIRE_KIND])}`);
  }
  return rebuild(w);
}

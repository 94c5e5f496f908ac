/**
 * What may cross a thread boundary as a goroutine's argument or result, checked at the call, and how shared objects
 * cross.
 *
 * Allowed: structured-clonable data (primitives but symbols, plain objects and arrays, Map, Set, Date, RegExp,
 * ArrayBuffer and its views, SharedArrayBuffer, Error) and shared objects (anything isWireable: shared channels,
 * shared sync objects), at any depth inside arrays, plain objects, Maps and Sets.
 *
 * Refused, with an InvalidArgumentError naming where the value is and what it is: a function (a closure cannot run on
 * another thread), a symbol, a local channel (it has no TO_WIRE: a shared channel is needed), and an instance of a
 * class with methods that is not a shared object (a local Mutex, a Context, a Promise: structured clone would drop
 * its methods or fail). One structural walk does both jobs: it checks, and it replaces each shared object by its
 * wire description, copying a container only when something inside it was replaced. decode undoes the replacement.
 *
 * The walk does not replace shared objects reachable through a cycle back to a container being walked (the cycle
 * keeps the original container); such a value still clones, but the shared object in it arrives as plain data.
 */
import { InvalidArgumentError } from '../panics.js';
import { fromWire, isWire, isWireable, toWire } from '../shared/objects/wire.js';

/** Encoded is the result of encode: the value to post, and whether it holds wire descriptions to rebuild. */
export interface Encoded<T> {
  readonly value: T;
  readonly wired: boolean;
}

/**
 * encode checks that `v` can cross threads and replaces its shared objects by their wire descriptions. `where` names
 * the value in error messages (`go: argument 0`); it throws InvalidArgumentError if `v` cannot cross.
 */
export function encode<T>(v: T, where: string): Encoded<T> {
  const w = new Walk(where);
  const value = w.walk(v, '') as T;
  return { value, wired: w.wired };
}

/** encodeArgs is encode for an argument list: each argument is named by its index. */
export function encodeArgs(api: string, args: readonly unknown[]): Encoded<unknown[]> {
  // Fast path: arguments that are all primitives (the common case: numbers, strings) need no walk.
  const out = new Array<unknown>(args.length);
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (!isPlainPrimitive(a)) break;
    out[i] = a;
  }
  if (i === args.length) return { value: out, wired: false };
  const w = new Walk(`${api}: argument `);
  for (; i < args.length; i++) out[i] = w.walk(args[i], String(i));
  return { value: out, wired: w.wired };
}

/** allPlain reports whether every value of `args` is a plain primitive (encodeArgs would return them unchanged). */
export function allPlain(args: readonly unknown[]): boolean {
  for (let i = 0; i < args.length; i++) if (!isPlainPrimitive(args[i])) return false;
  return true;
}

/** isPlainPrimitive: a value that crosses threads as it is (a primitive, neither a symbol nor an object). */
export function isPlainPrimitive(v: unknown): boolean {
  const t = typeof v;
  return t === 'object' ? v === null : t !== 'function' && t !== 'symbol';
}

/** decode rebuilds the shared objects of an encoded value (call it only when `wired` was true). */
export function decode(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (isWire(v)) return fromWire(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = decode(v[i]);
  } else if (v instanceof Map) {
    const entries = [...v];
    v.clear();
    for (const [k, x] of entries) v.set(decode(k), decode(x));
  } else if (v instanceof Set) {
    const items = [...v];
    v.clear();
    for (const x of items) v.add(decode(x));
  } else if (Object.getPrototypeOf(v) === Object.prototype) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = decode(o[k]);
  }
  return v;
}

const SHARED_HINT = '; pass data or shared objects instead';
const LOCAL_CHAN_HINT = '; create a shared channel (sharedChan) to pass it to another thread';

/** prototypes already examined: true if the prototype chain below Object.prototype defines methods. */
const methodsOf = new WeakMap<object, boolean>();

/**
 * MAX_DEPTH is how deeply containers (arrays, plain objects, Maps, Sets) may nest in a value that crosses threads.
 * Structured clone recurses once per level and overflows the stack at about 3000 levels (fewer when called from deep
 * in a stack), so a deeper value is refused at the call instead, with a named error.
 */
export const MAX_DEPTH = 1000;

class Walk {
  wired = false;
  readonly #seen = new Set<object>();
  #depth = 0;
  constructor(readonly where: string) {}

  /** walk is encode at the top of one value (`path` names it): too deep, or a stack overflow, is a named error. */
  walk(v: unknown, path: string): unknown {
    this.#depth = 0;
    try {
      return this.encode(v, path);
    } catch (e) {
      // A stack that was nearly full before the walk started can overflow short of MAX_DEPTH.
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw this.#tooDeep(path);
      throw e;
    }
  }

  #tooDeep(path: string): InvalidArgumentError {
    return new InvalidArgumentError(
      `${this.where}${path} nests more than ${MAX_DEPTH} levels deep (arrays, objects, Maps or Sets inside each ` +
        'other), which cannot cross threads',
    );
  }

  encode(v: unknown, path: string): unknown {
    switch (typeof v) {
      case 'function':
        throw this.#refuse(path, `a function (${v.name || 'anonymous'})`, SHARED_HINT);
      case 'symbol':
        throw this.#refuse(path, `a symbol (${String(v)})`, '');
      case 'object':
        break;
      default:
        return v;
    }
    if (v === null) return v;
    if (isWireable(v)) {
      this.wired = true;
      return toWire(v);
    }
    // A repeated reference (or a cycle) was checked where first met; structured clone preserves the sharing.
    if (this.#seen.has(v)) return v;
    this.#seen.add(v);
    if (isClonableLeaf(v)) return v;
    if (++this.#depth > MAX_DEPTH) throw this.#tooDeep(this.#root(path));
    try {
      return this.#container(v, path);
    } finally {
      this.#depth--;
    }
  }

  /** #root is the top-level part of `path` (the argument's index): a path 1000 levels deep says nothing more. */
  #root(path: string): string {
    const m = /^[^.[]*/.exec(path);
    return m === null ? path : m[0];
  }

  #container(v: object, path: string): unknown {
    if (Array.isArray(v)) return this.#array(v, path);
    if (v instanceof Map) return this.#map(v, path);
    if (v instanceof Set) return this.#set(v, path);
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      if (isLocalChan(v)) {
        throw this.#refuse(path, 'a local channel', LOCAL_CHAN_HINT);
      }
      if (hasMethods(proto as object)) {
        throw this.#refuse(path, `an instance of ${className(v)}`, SHARED_HINT);
      }
    }
    return this.#object(v as Record<string, unknown>, path);
  }

  #array(a: unknown[], path: string): unknown[] {
    let out: unknown[] | null = null;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = this.encode(x, `${path}[${i}]`);
      if (y !== x) (out ??= a.slice())[i] = y;
    }
    return out ?? a;
  }

  #object(o: Record<string, unknown>, path: string): Record<string, unknown> {
    let out: Record<string, unknown> | null = null;
    for (const k of Object.keys(o)) {
      const x = o[k];
      const y = this.encode(x, path + keyPath(k));
      if (y !== x) (out ??= { ...o })[k] = y;
    }
    return out ?? o;
  }

  #map(m: Map<unknown, unknown>, path: string): Map<unknown, unknown> {
    let changed = false;
    const entries: [unknown, unknown][] = [];
    for (const [k, x] of m) {
      const k2 = this.encode(k, `${path}[map key]`);
      const x2 = this.encode(x, `${path}[map value]`);
      changed ||= k2 !== k || x2 !== x;
      entries.push([k2, x2]);
    }
    return changed ? new Map(entries) : m;
  }

  #set(s: Set<unknown>, path: string): Set<unknown> {
    let changed = false;
    const items: unknown[] = [];
    for (const x of s) {
      const y = this.encode(x, `${path}[set item]`);
      changed ||= y !== x;
      items.push(y);
    }
    return changed ? new Set(items) : s;
  }

  #refuse(path: string, what: string, hint: string): InvalidArgumentError {
    return new InvalidArgumentError(`${this.where}${path} is ${what}, which cannot cross threads${hint}`);
  }
}

/** isClonableLeaf: built-in objects that structured clone copies whole and that hold no user values to check. */
function isClonableLeaf(v: object): boolean {
  return (
    ArrayBuffer.isView(v) ||
    v instanceof ArrayBuffer ||
    v instanceof SharedArrayBuffer ||
    v instanceof Date ||
    v instanceof RegExp ||
    v instanceof Error ||
    v instanceof Boolean ||
    v instanceof Number ||
    v instanceof String ||
    v instanceof BigInt
  );
}

/** isLocalChan recognises a channel by its interface; a shared one was taken by isWireable before. */
function isLocalChan(v: object): boolean {
  const c = v as { send?: unknown; recv?: unknown; close?: unknown };
  return typeof c.send === 'function' && typeof c.recv === 'function' && typeof c.close === 'function';
}

/** hasMethods reports whether a prototype chain below Object.prototype defines anything but constructors. */
function hasMethods(proto: object): boolean {
  let known = methodsOf.get(proto);
  if (known === undefined) {
    known = false;
    let p: object | null = proto;
    while (p !== null && p !== Object.prototype && !known) {
      known = Reflect.ownKeys(p).some((k) => k !== 'constructor');
      p = Object.getPrototypeOf(p) as object | null;
    }
    methodsOf.set(proto, known);
  }
  return known;
}

function className(v: object): string {
  const c = (v as { constructor?: { name?: unknown } }).constructor;
  return typeof c?.name === 'string' && c.name !== '' ? c.name : 'an anonymous class';
}

function keyPath(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

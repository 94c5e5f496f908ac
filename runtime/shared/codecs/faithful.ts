/**
 * What the json and structured codecs carry faithfully, checked by one walk of the value before a byte is written: a
 * value that would arrive different from what was sent (a Date that JSON turns into a string, a class instance
 * stripped of its prototype, a local channel copied as `{}`) is an EncodeError at the send, never a silent copy.
 *
 * json carries JSON: null, booleans, finite numbers (-0 arrives as 0: JSON has one zero), strings, arrays and plain
 * objects (prototype Object.prototype or null) of JSON, shared references included (each arrives as its own copy).
 *
 * structured carries what structured clone carries, shared references and cycles included: primitives but symbols;
 * arrays, plain objects, Map and Set of such values; Date, RegExp, ArrayBuffer, typed arrays, DataView, Buffer,
 * boxed primitives; Error (message, stack, built-in name: documented by the codec); and shared memory:
 * SharedArrayBuffers and views of them (which arrive bound to the same memory) and shared objects (isWireable:
 * shared channels, shared sync objects), which arrive as working objects on the receiving thread.
 *
 * Refused either way, naming where in the value: functions, symbols, a local channel, an instance of any other class
 * (its prototype would be lost); for json also undefined, NaN and ±Infinity, and every non-plain object. A value is
 * what both formats take of an object: its own enumerable string-keyed properties (symbol-keyed and non-enumerable
 * ones are not part of it, as with JSON.stringify and postMessage); the walk reads them, so getters run, as they
 * would when the value is serialized.
 *
 * Shared memory cannot go into bytes: toRefs replaces each SharedArrayBuffer, view of one and shared object by a
 * marker (a plain object with the reserved key REF) and lists the buffers, which the channel deposits in the SAB
 * directory; fromRefs puts them back after the bytes are deserialized, on the receiving thread.
 */
import { EncodeError } from '../../panics.js';
import { registry } from '../memory/registry.js';
import { fromWire, isWireable, toWire, type Wire } from '../objects/wire.js';
import { describeValue } from './options.js';

/** REF is the key of a marker; a plain object of the value's own that has it is refused. */
const REF = '\u0000gocsp.ref';

/** VIEWS are the view classes a view of shared memory is rebuilt as, by name. */
const VIEWS: Record<string, new (b: SharedArrayBuffer, offset: number, length: number) => ArrayBufferView> = {
  DataView,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

/** The built-in classes structured clone copies whole, with their prototype (a subclass would lose its own). */
const LEAVES = new Set<unknown>(
  [Date, RegExp, ArrayBuffer, Boolean, Number, String, BigInt, Buffer, ...Object.values(VIEWS)].map((c) => c.prototype),
);

/** Label names a step of a path that is not a property: into a Map's keys or values, a Set's items. */
interface Label {
  readonly label: string;
}
const MAP_KEY: Label = { label: 'map key' };
const MAP_VALUE: Label = { label: 'map value' };
const SET_ITEM: Label = { label: 'set item' };

/** Walk is one check of one value: the path to where it is (for the message) and the objects already seen. */
class Walk {
  readonly path: (string | number | Label)[] = [];
  readonly seen = new Set<object>();
  constructor(
    readonly codec: 'json' | 'structured',
    readonly root: unknown,
  ) {}

  refuse(what: string, why: string): EncodeError {
    let where = '';
    for (const k of this.path) {
      if (typeof k === 'number') where += `[${k}]`;
      else if (typeof k === 'object') where += `[${k.label}]`;
      else where += /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
    }
    return new EncodeError(this.codec, describeValue(this.root), `${where === '' ? 'the value' : where} is ${what}: ${why}`);
  }
}

/**
 * checkJson throws EncodeError if `v` is not JSON (see the top of this file). Some failures are left to
 * JSON.stringify, whose message is kept: a bigint, a cycle; and the value itself being undefined, a function or a
 * symbol, for which it gives no text.
 */
export function checkJson(v: unknown): void {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Walk('json', v).refuse(String(v), NOT_JSON);
    return;
  }
  nodes = 0;
  if (!quickJson(v, 0)) deep('json', v, () => json(new Walk('json', v), v));
}

/** deep runs a full walk, turning a stack overflow (a value nested deeper than the stack allows) into EncodeError. */
function deep<R>(codec: string, v: unknown, walk: () => R): R {
  try {
    return walk();
  } catch (e) {
    if (e instanceof RangeError) throw new EncodeError(codec, describeValue(v), 'it is nested too deeply', e);
    throw e;
  }
}

/**
 * The quick walks: most values are small trees of plain data, which a walk that keeps no path and no record of what
 * it saw checks in a fraction of the full walk's time. They answer only "surely fine"; anything else (a refusal, an
 * unusual object, a value deeper than QUICK_DEPTH or larger than QUICK_NODES, as a cycle or a wide DAG is) goes to
 * the full walk, which decides and names what it refuses.
 */
const QUICK_DEPTH = 64;
const QUICK_NODES = 4096;
let nodes = 0;

function quickJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) return true;
  if (++nodes > QUICK_NODES || depth > QUICK_DEPTH) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Array.prototype) {
    const a = v as unknown[];
    for (let i = 0; i < a.length; i++) if (!quickJson(a[i], depth + 1)) return false;
    return true;
  }
  if (proto !== Object.prototype && proto !== null) return false;
  const o = v as Record<string, unknown>;
  for (const k in o) if (!Object.hasOwn(o, k) || k === REF || !quickJson(o[k], depth + 1)) return false;
  return true;
}

/** quickStructured is 0 (surely fine, no shared memory), 1 (surely fine, shared memory) or -1 (ask the full walk). */
function quickStructured(v: unknown, depth: number): number {
  if (typeof v !== 'object' || v === null) return typeof v === 'function' || typeof v === 'symbol' ? -1 : 0;
  if (++nodes > QUICK_NODES || depth > QUICK_DEPTH) return -1;
  const proto: unknown = Object.getPrototypeOf(v);
  let r = 0;
  if (proto === Object.prototype) {
    const o = v as Record<string, unknown>;
    for (const k in o) {
      if (!Object.hasOwn(o, k) || k === REF) return -1;
      const x = quickStructured(o[k], depth + 1);
      if (x < 0) return -1;
      r |= x;
    }
    return r;
  }
  if (proto === Array.prototype) {
    const a = v as unknown[];
    for (let i = 0; i < a.length; i++) {
      const x = quickStructured(a[i], depth + 1);
      if (x < 0) return -1;
      r |= x;
    }
    return r;
  }
  if (isWireable(v) || v instanceof SharedArrayBuffer) return 1;
  if (LEAVES.has(proto)) return ArrayBuffer.isView(v) && v.buffer instanceof SharedArrayBuffer ? 1 : 0;
  return -1;
}

const NOT_JSON = 'JSON cannot carry it (use codec.structured)';

function json(w: Walk, v: unknown): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return;
    case 'number':
      if (!Number.isFinite(v)) throw w.refuse(String(v), NOT_JSON);
      return;
    case 'undefined':
      throw w.refuse('undefined', NOT_JSON);
    case 'function':
    case 'symbol':
      throw w.refuse(what(v), NOT_JSON);
    default:
      break;
  }
  if (v === null) return;
  const o = v as object;
  // Seen before: a shared reference (fine) or a cycle (JSON.stringify refuses it with its own message).
  if (w.seen.has(o)) return;
  w.seen.add(o);
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto === Array.prototype) {
    const a = o as unknown[];
    for (let i = 0; i < a.length; i++) {
      w.path.push(i);
      json(w, a[i]);
      w.path.pop();
    }
    return;
  }
  if (proto !== Object.prototype && proto !== null) throw w.refuse(what(o), NOT_JSON);
  plain(w, o as Record<string, unknown>, json);
}

/** plain walks the own enumerable properties of a plain object with `step`. */
function plain(w: Walk, o: Record<string, unknown>, step: (w: Walk, v: unknown) => unknown): void {
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    if (k === REF) throw w.refuse('an object with the reserved key "\\u0000gocsp.ref"', 'it cannot be sent');
    w.path.push(k);
    step(w, o[k]);
    w.path.pop();
  }
}

/**
 * checkStructured throws EncodeError if `v` cannot be carried faithfully by the structured codec (see the top of
 * this file), and reports whether it holds shared memory (then the channel must carry it through toRefs).
 */
export function checkStructured(v: unknown): boolean {
  switch (typeof v) {
    case 'function':
    case 'symbol':
      throw new Walk('structured', v).refuse(what(v), CANNOT_CROSS);
    case 'object': {
      if (v === null) return false;
      nodes = 0;
      const quick = quickStructured(v, 0);
      return quick >= 0 ? quick === 1 : deep('structured', v, () => structured(new Walk('structured', v), v));
    }
    default:
      return false;
  }
}

const CANNOT_CROSS = 'it cannot cross threads';

function structured(w: Walk, v: unknown): boolean {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'function' || typeof v === 'symbol') throw w.refuse(what(v), CANNOT_CROSS);
    return false;
  }
  if (w.seen.has(v)) return false;
  w.seen.add(v);
  if (isWireable(v) || v instanceof SharedArrayBuffer) return true;
  const proto: unknown = Object.getPrototypeOf(v);
  if (ArrayBuffer.isView(v)) {
    if (!LEAVES.has(proto)) throw w.refuse(what(v), LOST_CLASS);
    return v.buffer instanceof SharedArrayBuffer;
  }
  let shared = false;
  if (proto === Array.prototype) {
    const a = v as unknown[];
    for (let i = 0; i < a.length; i++) {
      w.path.push(i);
      if (structured(w, a[i])) shared = true;
      w.path.pop();
    }
  } else if (proto === Object.prototype || proto === null) {
    plain(w, v as Record<string, unknown>, (ww, x) => {
      if (structured(ww, x)) shared = true;
    });
  } else if (proto === Map.prototype) {
    for (const [k, x] of v as Map<unknown, unknown>) {
      w.path.push(MAP_KEY);
      if (structured(w, k)) shared = true;
      w.path.pop();
      w.path.push(MAP_VALUE);
      if (structured(w, x)) shared = true;
      w.path.pop();
    }
  } else if (proto === Set.prototype) {
    w.path.push(SET_ITEM);
    for (const x of v as Set<unknown>) if (structured(w, x)) shared = true;
    w.path.pop();
  } else if (!LEAVES.has(proto) && !(v instanceof Error)) {
    if (isLocalChan(v)) throw w.refuse('a local channel', 'send a shared channel (sharedChan) to another thread');
    throw w.refuse(what(v), LOST_CLASS);
  }
  return shared;
}

const LOST_CLASS = 'its class would be lost (send plain data, or a shared object)';

/** isLocalChan recognises a channel by its interface (a shared one is isWireable). */
function isLocalChan(v: object): boolean {
  const c = v as { send?: unknown; recv?: unknown; close?: unknown };
  return typeof c.send === 'function' && typeof c.recv === 'function' && typeof c.close === 'function';
}

/** what names a value that is refused. */
function what(v: unknown): string {
  switch (typeof v) {
    case 'function':
      return `a function (${v.name || 'anonymous'})`;
    case 'symbol':
      return `a symbol (${v.toString()})`;
    case 'object': {
      if (v === null) return 'null';
      const c = (v as { constructor?: { name?: unknown } }).constructor;
      const name = typeof c?.name === 'string' && c.name !== '' ? c.name : 'an anonymous class';
      return isWireable(v) ? `a shared object (${name})` : `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`;
    }
    default:
      return String(v);
  }
}

// --- shared memory as markers ------------------------------------------------------------------------------------

type Marker =
  | { readonly [REF]: 'sab'; readonly i: number }
  | { readonly [REF]: 'registry' }
  | { readonly [REF]: 'view'; readonly i: number; readonly t: string; readonly o: number; readonly n: number }
  | { readonly [REF]: 'wire'; w: unknown };

/** Refs is a value with its shared memory replaced by markers, and the buffers the markers point into. */
export interface Refs {
  readonly value: unknown;
  readonly sabs: SharedArrayBuffer[];
}

/**
 * toRefs copies `v` (which checkStructured accepted and found shared memory in) with every SharedArrayBuffer, view
 * of one and shared object replaced by a marker. Shared references and cycles are kept (one copy per object); the
 * program's registry buffer, in every shared object's wire, becomes a marker of its own, since every thread has it.
 */
export function toRefs(v: unknown): Refs {
  const sabs: SharedArrayBuffer[] = [];
  const index = new Map<SharedArrayBuffer, number>();
  const memo = new Map<object, unknown>();
  const reg = registry();
  const sab = (b: SharedArrayBuffer): number => {
    let i = index.get(b);
    if (i === undefined) index.set(b, (i = sabs.push(b) - 1));
    return i;
  };
  const copy = (x: unknown): unknown => {
    if (typeof x !== 'object' || x === null) return x;
    const known = memo.get(x);
    if (known !== undefined) return known;
    if (isWireable(x)) {
      const m: Marker = { [REF]: 'wire', w: undefined };
      memo.set(x, m);
      m.w = copy(toWire(x));
      return m;
    }
    if (x instanceof SharedArrayBuffer) {
      const m: Marker = x === reg ? { [REF]: 'registry' } : { [REF]: 'sab', i: sab(x) };
      memo.set(x, m);
      return m;
    }
    if (ArrayBuffer.isView(x)) {
      if (!(x.buffer instanceof SharedArrayBuffer)) return x;
      const n = x instanceof DataView ? x.byteLength : (x as unknown as { length: number }).length;
      const m: Marker = { [REF]: 'view', i: sab(x.buffer), t: viewName(x), o: x.byteOffset, n };
      memo.set(x, m);
      return m;
    }
    const proto: unknown = Object.getPrototypeOf(x);
    if (proto === Array.prototype) {
      const a = x as unknown[];
      const out = new Array<unknown>(a.length);
      memo.set(x, out);
      for (let i = 0; i < a.length; i++) if (i in a) out[i] = copy(a[i]);
      return out;
    }
    if (proto === Object.prototype || proto === null) {
      const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
      memo.set(x, out);
      for (const k in x) if (Object.hasOwn(x, k)) define(out, k, copy((x as Record<string, unknown>)[k]));
      return out;
    }
    if (proto === Map.prototype) {
      const out = new Map<unknown, unknown>();
      memo.set(x, out);
      for (const [k, y] of x as Map<unknown, unknown>) out.set(copy(k), copy(y));
      return out;
    }
    if (proto === Set.prototype) {
      const out = new Set<unknown>();
      memo.set(x, out);
      for (const y of x as Set<unknown>) out.add(copy(y));
      return out;
    }
    return x; // a leaf: Date, RegExp, ArrayBuffer, a view of unshared memory, an Error, a boxed primitive
  };
  return { value: copy(v), sabs };
}

function viewName(v: ArrayBufferView): string {
  if (v instanceof DataView) return 'DataView';
  let p: unknown = Object.getPrototypeOf(v);
  // A Buffer over shared memory arrives as a Uint8Array: Buffer has no constructor taking a shared buffer view.
  while (p !== null && !Object.hasOwn(VIEWS, (p as { constructor: { name: string } }).constructor.name)) {
    p = Object.getPrototypeOf(p);
  }
  return p === null ? 'Uint8Array' : (p as { constructor: { name: string } }).constructor.name;
}

/** define sets own property `k` of a fresh object, also when `k` is "__proto__" (assignment would set the prototype). */
function define(o: Record<string, unknown>, k: string, x: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: x, writable: true, enumerable: true, configurable: true });
  else o[k] = x;
}

/**
 * fromRefs puts shared memory back into a value deserialized from toRefs' copy, in place: each marker becomes its
 * buffer, a view of it, or the shared object rebuilt by fromWire (this thread's object for it).
 */
export function fromRefs(v: unknown, sabs: readonly SharedArrayBuffer[]): unknown {
  const done = new Map<object, unknown>();
  const back = (x: unknown): unknown => {
    if (typeof x !== 'object' || x === null) return x;
    const known = done.get(x);
    if (known !== undefined) return known;
    if (Object.hasOwn(x, REF)) {
      const m = x as Marker;
      let out: unknown;
      switch (m[REF]) {
        case 'sab':
          out = sabs[m.i];
          break;
        case 'registry':
          out = registry();
          break;
        case 'view':
          out = new VIEWS[m.t]!(sabs[m.i]!, m.o, m.n);
          break;
        case 'wire':
          out = fromWire(back(m.w) as Wire);
          break;
      }
      done.set(x, out);
      return out;
    }
    done.set(x, x);
    const proto: unknown = Object.getPrototypeOf(x);
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) if (i in x) x[i] = back(x[i]);
    } else if (proto === Object.prototype || proto === null) {
      for (const k of Object.keys(x)) define(x as Record<string, unknown>, k, back((x as Record<string, unknown>)[k]));
    } else if (x instanceof Map) {
      const entries = [...(x as Map<unknown, unknown>)];
      x.clear();
      for (const [k, y] of entries) x.set(back(k), back(y));
    } else if (x instanceof Set) {
      const items = [...(x as Set<unknown>)];
      x.clear();
      for (const y of items) x.add(back(y));
    }
    return x;
  };
  return back(v);
}

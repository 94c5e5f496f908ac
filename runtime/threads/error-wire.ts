/**
 * Errors crossing threads. A custom Error subclass posted through a MessagePort arrives as a plain Error with its
 * name and code lost, so a thrown value crosses as plain data instead and is rebuilt into the right class:
 *
 *   { name, code?, message, stack?, fatal?, cause?, fields? }   an Error (cause: the same shape, recursively)
 *   { value }                                          any other thrown value (`throw 'boom'`, `throw { code: 42 }`)
 *
 * A thrown value that is not an Error crosses as a structured clone, so it arrives equal to what was thrown (a
 * string, a number, null, undefined, an array, a plain object...), as a throw on one thread would. Parts that cannot
 * be cloned (a method, a symbol, a Promise) are replaced one by one by their text, keeping the rest equal.
 *
 * errorFromWire rebuilds, in this order: a class registered for the code (the PanicError subclasses of
 * runtime/panics.ts, ThreadDiedError, TaskModuleError; registerErrorCode adds more); a built-in class by name
 * (TypeError, RangeError, ...); else an Error with the original name and code set. The stack is the one captured where the
 * error was made, on the thread that threw. `fields` are the error's other own enumerable properties whose values
 * are strings, numbers or booleans (EncodeError's `codec`, ValueTooLargeError's `size` and `limit`, an HTTP error's
 * `status`); they are set again on the rebuilt error, so the rebuild of a class need not know them.
 */
import {
  ChannelClosedError,
  CloseOfClosedChannelError,
  CloseOfNilChannelError,
  DeadlockError,
  DecodeError,
  EncodeError,
  InvalidArgumentError,
  PanicError,
  SharedMemoryError,
  TooManyParkedError,
  SyncMisuseError,
  TaskModuleError,
  ThreadDiedError,
  ValueTooLargeError,
} from '../panics.js';

/** ErrorWire is a thrown value as plain, structured-clonable data. */
export type ErrorWire =
  | {
      readonly name: string;
      readonly message: string;
      readonly code?: string | number;
      readonly stack?: string;
      readonly fatal?: boolean;
      readonly cause?: ErrorWire;
      readonly fields?: Readonly<Record<string, Field>>;
    }
  | { readonly value: unknown };

/** Field is the type of an error's own property that crosses with it. */
type Field = string | number | boolean;

/** OWN are the properties the wire carries by name, never as fields. */
const OWN = new Set(['name', 'message', 'code', 'stack', 'fatal', 'cause']);

/** Rebuild makes an error of a known code from its wire form (stack, cause and name are set afterwards). */
export type Rebuild = (w: { readonly message: string; readonly code: string; readonly fatal?: boolean }) => Error;

/** MAX_CAUSE_DEPTH bounds a cause chain (a cycle of causes would otherwise never end). */
const MAX_CAUSE_DEPTH = 8;

const byCode = new Map<string, Rebuild>([
  ['ERR_SEND_ON_CLOSED_CHANNEL', () => new ChannelClosedError()],
  ['ERR_CLOSE_OF_CLOSED_CHANNEL', () => new CloseOfClosedChannelError()],
  ['ERR_CLOSE_OF_NIL_CHANNEL', () => new CloseOfNilChannelError()],
  ['ERR_INVALID_ARGUMENT', (w) => new InvalidArgumentError(w.message)],
  ['ERR_DEADLOCK', (w) => new DeadlockError(w.message)],
  ['ERR_THREAD_DIED', (w) => new ThreadDiedError(w.message, -1)],
  ['ERR_TASK_MODULE', (w) => new TaskModuleError(w.message)],
  ['ERR_SHARED_MEMORY', (w) => new SharedMemoryError(w.message)],
  ['ERR_TOO_MANY_PARKED', (w) => new TooManyParkedError(w.message)],
  // Their message is set from the wire and their codec, size and limit from its fields.
  ['ERR_CODEC_ENCODE', () => new EncodeError('', '', '')],
  ['ERR_CODEC_DECODE', () => new DecodeError('', '')],
  ['ERR_VALUE_TOO_LARGE', () => new ValueTooLargeError('', 0, 0)],
]);

const builtins: Record<string, new (message: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * registerErrorCode makes errors with `code` cross threads as the class `rebuild` makes (for error families defined
 * outside runtime/panics.ts, such as those of shared channels). The module calling it must be loaded on both sides.
 */
export function registerErrorCode(code: string, rebuild: Rebuild): void {
  byCode.set(code, rebuild);
}

/** errorToWire describes a thrown value for another thread. */
export function errorToWire(e: unknown, depth = 0): ErrorWire {
  if (!(e instanceof Error)) return { value: clonableOrString(e) };
  const { code, fatal, cause } = e as { code?: unknown; fatal?: unknown; cause?: unknown };
  const w: {
    name: string;
    message: string;
    code?: string | number;
    stack?: string;
    fatal?: boolean;
    cause?: ErrorWire;
    fields?: Record<string, Field>;
  } = { name: String(e.name), message: String(e.message) };
  if (typeof code === 'string' || typeof code === 'number') w.code = code;
  if (typeof e.stack === 'string') w.stack = e.stack;
  if (typeof fatal === 'boolean') w.fatal = fatal;
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) w.cause = errorToWire(cause, depth + 1);
  const fields = fieldsOf(e);
  if (fields !== null) w.fields = fields;
  return w;
}

/** fieldsOf collects the own enumerable string, number and boolean properties of `e` not carried by name, or null. */
function fieldsOf(e: Error): Record<string, Field> | null {
  let out: Record<string, Field> | null = null;
  for (const k of Object.keys(e)) {
    if (OWN.has(k)) continue;
    const v: unknown = (e as unknown as Record<string, unknown>)[k];
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue;
    (out ??= {})[k] = v;
  }
  return out;
}

/** errorFromWire rebuilds a thrown value from its wire description. */
export function errorFromWire(w: ErrorWire): unknown {
  if ('value' in w) return w.value;
  let e: Error;
  const rebuild = typeof w.code === 'string' ? byCode.get(w.code) : undefined;
  if (rebuild !== undefined) {
    e = rebuild(w as { message: string; code: string; fatal?: boolean });
  } else if (typeof w.code === 'string' && w.code.startsWith('ERR_SYNC_')) {
    e = new SyncMisuseError(w.message, w.code, w.fatal ?? false);
  } else {
    const Builtin = Object.hasOwn(builtins, w.name) ? builtins[w.name]! : Error;
    e = new Builtin(w.message);
    if (w.name !== e.name) setProp(e, 'name', w.name);
    if (w.code !== undefined) setProp(e, 'code', w.code);
    if (w.fatal !== undefined) setProp(e, 'fatal', w.fatal);
  }
  if (e.message !== w.message) setProp(e, 'message', w.message);
  if (e instanceof PanicError && e.name !== w.name) setProp(e, 'name', w.name);
  if (w.stack !== undefined) setProp(e, 'stack', w.stack);
  if (w.cause !== undefined) setProp(e, 'cause', errorFromWire(w.cause));
  if (w.fields !== undefined) {
    for (const [k, v] of Object.entries(w.fields)) {
      if (!OWN.has(k)) Object.defineProperty(e, k, { value: v, writable: true, configurable: true, enumerable: true });
    }
  }
  return e;
}

/** setProp sets an own property the way `new` would have (writable, configurable, not enumerable). */
function setProp(e: Error, key: string, value: unknown): void {
  const enumerable = key !== 'stack' && key !== 'message' && key !== 'cause';
  Object.defineProperty(e, key, { value, writable: true, configurable: true, enumerable });
}

/** clonableOrString keeps a thrown non-Error value if it crosses a thread as it is, else its clonable parts. */
function clonableOrString(v: unknown): unknown {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function' && typeof v !== 'symbol')) return v;
  try {
    return structuredClone(v);
  } catch {
    return clonableCopy(v, new Map(), 0);
  }
}

/** MAX_COPY_DEPTH bounds clonableCopy on a deep value (structured clone gives up near 3000 levels anyway). */
const MAX_COPY_DEPTH = 1000;

/**
 * clonableCopy copies `v` as structured clone would (own enumerable properties of objects, entries of Maps and
 * Sets, shared references and cycles kept), with each part that cannot be cloned replaced by its text: a function by
 * `[Function name]`, a symbol by its description, anything else by String(part).
 */
function clonableCopy(v: unknown, seen: Map<object, unknown>, depth: number): unknown {
  if (typeof v === 'function') return `[Function ${v.name || 'anonymous'}]`;
  if (typeof v === 'symbol') return v.toString();
  if (typeof v !== 'object' || v === null) return v;
  if (seen.has(v)) return seen.get(v);
  if (depth >= MAX_COPY_DEPTH) return String(v);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    seen.set(v, out);
    for (const x of v) out.push(clonableCopy(x, seen, depth + 1));
    return out;
  }
  if (v instanceof Map) {
    const out = new Map<unknown, unknown>();
    seen.set(v, out);
    for (const [k, x] of v) out.set(clonableCopy(k, seen, depth + 1), clonableCopy(x, seen, depth + 1));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set<unknown>();
    seen.set(v, out);
    for (const x of v) out.add(clonableCopy(x, seen, depth + 1));
    return out;
  }
  try {
    const out = structuredClone(v); // a leaf that clones whole: Date, RegExp, typed arrays, Error...
    seen.set(v, out);
    return out;
  } catch {
    // an object with a part that does not clone (or a class instance with one): copy property by property
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null && !hasOwnData(v)) return String(v); // a Promise, a WeakMap...
  const out: Record<string, unknown> = {};
  seen.set(v, out);
  for (const k of Object.keys(v)) out[k] = clonableCopy((v as Record<string, unknown>)[k], seen, depth + 1);
  return out;
}

/** hasOwnData reports whether an object has own enumerable properties (a class instance carrying data). */
function hasOwnData(v: object): boolean {
  return Object.keys(v).length > 0;
}

/**
 * Argument checks shared by every public entry point. Each throws InvalidArgumentError naming the function, the
 * argument and the bad value, before anything has been changed.
 */
import { InvalidArgumentError } from './panics.js';

/** describe renders a bad value for an error message: strings quoted, everything else as JS would print it. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (typeof v === 'symbol') return v.toString();
  if (v === null || typeof v !== 'object') return String(v);
  if (v instanceof SharedArrayBuffer) return `SharedArrayBuffer(${v.byteLength} bytes)`; // JSON would say {}
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** checkCount requires a non-negative safe integer (a capacity, a count, a weight). */
export function checkCount(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new InvalidArgumentError(`${fn}: ${arg} must be a non-negative safe integer, got ${describe(v)}`);
  }
  return v;
}

/**
 * checkIntegerIn requires an integer in [min, max]; `maxText` is how the message writes max (`2^31 - 1` rather than
 * its digits, say).
 */
export function checkIntegerIn(
  fn: string,
  arg: string,
  v: unknown,
  min: number,
  max: number,
  maxText = String(max),
): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidArgumentError(`${fn}: ${arg} must be an integer in [${min}, ${maxText}], got ${describe(v)}`);
  }
  return v;
}

/** checkInteger requires a safe integer of either sign (a WaitGroup delta, a limit where negative means none). */
export function checkInteger(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new InvalidArgumentError(`${fn}: ${arg} must be a safe integer, got ${describe(v)}`);
  }
  return v;
}

/** checkDuration requires a finite number of milliseconds (negative is allowed: Go treats it as zero). */
export function checkDuration(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`${fn}: ${arg} must be a finite number of milliseconds, got ${describe(v)}`);
  }
  return v;
}

/**
 * checkOptions requires `options` to be undefined or a plain object (not an array) whose own keys are all in
 * `known`, and returns it (undefined as {}). An unknown key is an InvalidArgumentError naming it and listing the
 * known ones (`configureThreads: unknown option "thread" (known: "threads", ...)`): a typo must not silently mean
 * the default. `arg` names the object in the not-an-object error ("options", or "config" for the patterns).
 *
 * Every options object of every public function and constructor goes through it (the patterns through
 * patterns/core/option-checks.ts options()).
 *
 * @example
 * const o = checkOptions('main', options, ['traceback']);
 */
export function checkOptions(
  fn: string,
  options: unknown,
  known: readonly string[],
  arg = 'options',
): Readonly<Record<string, unknown>> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${fn}: ${arg} must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError(
        `${fn}: unknown option ${JSON.stringify(key)} (known: ${known.map((k) => JSON.stringify(k)).join(', ')})`,
      );
    }
  }
  return options as Readonly<Record<string, unknown>>;
}

/** checkFunction requires a function. */
export function checkFunction<F>(fn: string, arg: string, v: F): F {
  if (typeof v !== 'function') throw badFunction(fn, v, arg);
  return v;
}

/**
 * badFunction is checkFunction's error, for a call that returns a promise and so rejects with it instead of
 * throwing.
 */
export function badFunction(fn: string, v: unknown, arg = 'fn'): InvalidArgumentError {
  return new InvalidArgumentError(`${fn}: ${arg} must be a function, got ${describe(v)}`);
}

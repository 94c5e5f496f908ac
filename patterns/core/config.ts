/**
 * Config validation for the patterns. Every check throws InvalidArgumentError naming the class, the option and the
 * bad value ("TokenBucketRateLimiter: capacity must be a finite number > 0, got -1"), before anything is built or
 * changed.
 */
import { InvalidArgumentError } from '../../runtime/errors.js';

/** show renders a bad value for an error message. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (typeof v === 'symbol') return v.toString();
  if (v === null || typeof v !== 'object') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

function fail(owner: string, option: string, want: string, v: unknown): never {
  throw new InvalidArgumentError(`${owner}: ${option} must be ${want}, got ${show(v)}`);
}

/** positive requires a finite number > 0. */
export function positive(owner: string, option: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(owner, option, 'a finite number > 0', v);
  return v;
}

/** nonNegative requires a finite number >= 0. */
export function nonNegative(owner: string, option: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(owner, option, 'a finite number >= 0', v);
  return v;
}

/** positiveInt requires a safe integer >= 1. */
export function positiveInt(owner: string, option: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail(owner, option, 'an integer >= 1', v);
  return v;
}

/** nonNegativeInt requires a safe integer >= 0. */
export function nonNegativeInt(owner: string, option: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(owner, option, 'an integer >= 0', v);
  return v;
}

/** fraction requires a number in [0, 1]. */
export function fraction(owner: string, option: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(owner, option, 'a number between 0 and 1', v);
  return v;
}

/** bool requires a boolean. */
export function bool(owner: string, option: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(owner, option, 'a boolean', v);
  return v;
}

/** func requires a function. */
export function func<F>(owner: string, option: string, v: F): F {
  if (typeof v !== 'function') fail(owner, option, 'a function', v);
  return v;
}

/** oneOf requires one of `allowed`. */
export function oneOf<const A extends readonly string[]>(owner: string, option: string, allowed: A, v: unknown): A[number] {
  if (typeof v !== 'string' || !allowed.includes(v)) fail(owner, option, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, v);
  return v as A[number];
}

/** object requires a plain options object (or undefined, which becomes {}). */
export function options<T extends object>(owner: string, v: T | undefined): Partial<T> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(owner, 'config', 'an object', v);
  return v;
}

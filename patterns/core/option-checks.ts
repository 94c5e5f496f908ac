/**
 * Config validation for the patterns. Every check throws InvalidArgumentError naming the class, the option and the
 * bad value ("TokenBucketRateLimiter: capacity must be a finite number > 0, got -1"), before anything is built or
 * changed; every options object goes through options(), which also refuses keys the API does not know.
 */
import { InvalidArgumentError } from '../../runtime/index.js';
import { checkOptions } from '../../runtime/internal.js';

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

/**
 * options requires a plain options object (or undefined, which becomes {}) whose keys are all in `known`: an unknown
 * key is an InvalidArgumentError naming it and listing the known ones (`RetryPolicy: unknown option "maxAttempt"
 * (known: "maxAttempts", ...)`), since a typo would otherwise run with the default. It is the runtime's one options
 * check (runtime/validate.ts checkOptions); `arg` names the object in the not-an-object error.
 *
 * @example
 * const o = options('RetryBudget', config, ['maxTokens', 'tokenRatio']);
 */
export function options<T extends object>(
  owner: string,
  v: T | undefined,
  known: readonly string[],
  arg = 'config',
): Partial<T> {
  return checkOptions(owner, v, known, arg) as Partial<T>;
}

/**
 * misplaced throws, when `v` (an options object, or anything) sets `key`, the InvalidArgumentError saying `why` it
 * does not belong here (`Pipeline: timeout is a stage option, not a pipeline option, got 5`): more helpful than the
 * unknown-option error for an option of a neighbouring API. Call it before options().
 *
 * @example
 * misplaced('Pipeline', config, 'timeout', 'is a stage option, not a pipeline option');
 */
export function misplaced(owner: string, v: unknown, key: string, why: string): void {
  const value = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  if (value !== undefined) throw new InvalidArgumentError(`${owner}: ${key} ${why}, got ${show(value)}`);
}

/**
 * pick copies the keys of `v` that are in `keys` (to hand a part of a config to another pattern).
 *
 * @example
 * new FanOut({ ...pick(config, FAN_OUT_KEYS), name: 'inner' });
 */
export function pick<T extends object>(v: T | undefined, keys: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  if (v === undefined) return out as Partial<T>;
  for (const k of keys) if (Object.hasOwn(v, k)) out[k] = (v as Record<string, unknown>)[k];
  return out as Partial<T>;
}

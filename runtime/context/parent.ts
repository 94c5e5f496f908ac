/**
 * checkParent validates the parent argument of every context constructor. Go panics with `cannot create context
 * from nil parent`; gocsp throws InvalidArgumentError with that text, naming the function and the bad value.
 */
import { InvalidArgumentError } from '../panics.js';
import { describe } from '../validate.js';
import type { Context } from './context.js';

export function checkParent(fn: string, parent: unknown): Context {
  if (parent === null || parent === undefined) {
    throw new InvalidArgumentError(
      `cannot create context from nil parent (${fn}: parent must be a Context, got ${describe(parent)})`,
    );
  }
  if (!isContext(parent)) {
    throw new InvalidArgumentError(`${fn}: parent must be a Context, got ${describe(parent)}`);
  }
  return parent;
}

/** isContext reports whether `v` looks like a Context (has its methods). */
export function isContext(v: unknown): v is Context {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Partial<Record<keyof Context, unknown>>;
  return typeof c.done === 'function' && typeof c.err === 'function' && typeof c.value === 'function' &&
    typeof c.deadline === 'function';
}

/** contextName renders a parent in a context's toString, as Go's contextName does. */
export function contextName(c: Context): string {
  const s = (c as { toString?: unknown }).toString;
  if (typeof s === 'function' && s !== Object.prototype.toString) return String(c);
  return (c as { constructor?: { name?: string } }).constructor?.name ?? 'Context';
}

/**
 * withValue: Go's context.WithValue, a context that carries one key-value pair and delegates everything else
 * (done, err, deadline, signal and other keys) to its parent.
 */
import { InvalidArgumentError } from '../panics.js';
import { describe } from '../validate.js';
import type { RecvChan } from '../chan/types.js';
import type { Context } from './context.js';
import { checkParent, contextName } from './parent.js';

class ValueCtx<Done extends RecvChan<never> | null> implements Context<Done> {
  readonly #parent: Context<Done>;
  readonly #key: unknown;
  readonly #val: unknown;

  constructor(parent: Context<Done>, key: unknown, val: unknown) {
    this.#parent = parent;
    this.#key = key;
    this.#val = val;
  }

  done(): Done {
    return this.#parent.done();
  }

  err(): Error | null {
    return this.#parent.err();
  }

  deadline(): Date | undefined {
    return this.#parent.deadline();
  }

  value(key: unknown): unknown {
    // Walk a chain of value contexts in a loop rather than recursing through each.
    let c: Context = this;
    while (c instanceof ValueCtx) {
      if (c.#key === key) return c.#val;
      c = c.#parent;
    }
    return c.value(key);
  }

  get signal(): AbortSignal {
    return this.#parent.signal;
  }

  toString(): string {
    return `${contextName(this.#parent)}.WithValue(${describe(this.#key)}, ${describe(this.#val)})`;
  }
}

/**
 * withValue returns a child of `parent` in which value(key) is `val` (Go's context.WithValue). Keys are compared
 * with `===`, so use a module-private object or symbol as the key to avoid collisions between packages. Use values
 * for request-scoped data that crosses API boundaries, not for optional parameters.
 *
 * The child is of its parent's kind: withValue of a CancelableContext is a CancelableContext (done() a channel), of
 * a NeverCanceledContext a NeverCanceledContext (done() null).
 *
 * Throws InvalidArgumentError if `parent` is null or not a Context, or `key` is null or undefined (Go's `nil key`).
 *
 * @example
 * const userKey = Symbol('user');
 * const ctx = withValue(background(), userKey, { id: 42 });
 * ctx.value(userKey); // { id: 42 }
 */
export function withValue<Done extends RecvChan<never> | null>(
  parent: Context<Done>,
  key: unknown,
  val: unknown,
): Context<Done> {
  checkParent('withValue', parent);
  if (key === null || key === undefined) {
    throw new InvalidArgumentError(`nil key (withValue: key must not be null or undefined, got ${describe(key)})`);
  }
  return new ValueCtx(parent, key, val);
}

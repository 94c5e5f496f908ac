/**
 * background and todo: Go's context.Background and context.TODO, the roots of every context tree. They are never
 * canceled, have no deadline and no values; done() is null (a nil channel: never ready in a select) and err() null.
 */
import type { NeverCanceledContext } from './context.js';

/**
 * NEVER_ABORTED is an AbortSignal that never aborts: its controller is unreachable. It is the signal of every context
 * that can never be canceled.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

class EmptyCtx implements NeverCanceledContext {
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  done(): null {
    return null;
  }

  err(): null {
    return null;
  }

  deadline(): undefined {
    return undefined;
  }

  value(): undefined {
    return undefined;
  }

  get signal(): AbortSignal {
    return NEVER_ABORTED;
  }

  toString(): string {
    return this.#name;
  }
}

const BACKGROUND: NeverCanceledContext = Object.freeze(new EmptyCtx('context.Background'));
const TODO: NeverCanceledContext = Object.freeze(new EmptyCtx('context.TODO'));

/**
 * background returns the empty root context (Go's context.Background): never canceled, no deadline, no values. Use
 * it in main, in initialization and in tests, as the top of a tree of contexts. Its done() is null, and typed so
 * (NeverCanceledContext).
 *
 * @example
 * const [ctx, cancel] = withTimeout(background(), 5 * Second);
 */
export function background(): NeverCanceledContext {
  return BACKGROUND;
}

/**
 * todo returns an empty root context like background (Go's context.TODO), to mark a place where the right context
 * is not known or not plumbed through yet.
 *
 * @example
 * const [ctx, cancel] = withCancel(todo()); // TODO: take the caller's context
 * cancel();
 */
export function todo(): NeverCanceledContext {
  return TODO;
}

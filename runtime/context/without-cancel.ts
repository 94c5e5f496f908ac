/**
 * withoutCancel: Go 1.21's context.WithoutCancel, a context that keeps its parent's values but none of its
 * cancellation: no deadline, done() null, err() null, cause() null, a signal that never aborts.
 */
import { NEVER_ABORTED } from './background.js';
import { cancelCtxKey } from './cancel-ctx.js';
import type { Context, NeverCanceledContext } from './context.js';
import { checkParent, contextName } from './parent.js';

class WithoutCancelCtx implements NeverCanceledContext {
  readonly #parent: Context;

  constructor(parent: Context) {
    this.#parent = parent;
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

  value(key: unknown): unknown {
    // Hide the parent's cancellation node: cause() and child contexts must not see it.
    return key === cancelCtxKey ? undefined : this.#parent.value(key);
  }

  get signal(): AbortSignal {
    return NEVER_ABORTED;
  }

  toString(): string {
    return `${contextName(this.#parent)}.WithoutCancel`;
  }
}

/**
 * withoutCancel returns a child of `parent` that is not canceled when the parent is, but still sees its values (Go
 * 1.21's context.WithoutCancel): for work that must outlive the request that started it, such as an audit write.
 * Its done() is null, and typed so (NeverCanceledContext).
 *
 * Throws InvalidArgumentError if `parent` is null or not a Context.
 *
 * @example
 * const [req, cancel] = withCancel(withValue(background(), 'user', 'ann'));
 * const audit = withoutCancel(req);
 * cancel();
 * console.log(req.err() === Canceled, audit.err(), audit.value('user')); // true null ann
 */
export function withoutCancel(parent: Context): NeverCanceledContext {
  return new WithoutCancelCtx(checkParent('withoutCancel', parent));
}

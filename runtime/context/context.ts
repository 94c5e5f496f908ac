/**
 * Context is Go's context.Context: a deadline, a cancellation signal and request-scoped values, passed down a call
 * tree. Contexts are immutable; derive children with withCancel, withTimeout, withDeadline and withValue.
 */
import type { RecvChan } from '../chan/types.js';

export interface Context {
  /**
   * done returns a channel that is closed when this context is canceled or its deadline passes, or `null` (a nil
   * channel, never ready) for a context that can never be canceled, such as background().
   */
  done(): RecvChan<never> | null;
  /** err is null until done is closed, then Canceled or DeadlineExceeded (the same value on every call). */
  err(): Error | null;
  /** deadline is when this context will be canceled automatically, if ever. */
  deadline(): Date | undefined;
  /** value returns the value bound to `key` by this context or its nearest ancestor that has one. */
  value(key: unknown): unknown;
  /** signal is an AbortSignal aborted (with the cause as reason) when this context is canceled. */
  readonly signal: AbortSignal;
}

/**
 * Context is Go's context.Context: a deadline, a cancellation signal and request-scoped values, passed down a call
 * tree. Contexts are immutable; derive children with withCancel, withTimeout, withDeadline and withValue.
 *
 * A Context implemented outside gocsp works as a parent: its children learn of its cancellation through its `signal`,
 * so such an implementation must abort `signal` when it closes `done` (and return a non-null `err` from then on).
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
  /**
   * signal is an AbortSignal aborted when this context is canceled, with err() (Canceled or DeadlineExceeded) as
   * its reason, never the cause: `isCanceled(signal.reason)` holds for a canceled context, and cause(ctx) says why.
   */
  readonly signal: AbortSignal;
}

/**
 * CancelFunc cancels its context (Go's context.CancelFunc): err becomes Canceled, done closes, every descendant is
 * canceled too, and the context is detached from its parent and stops its deadline timer. It does not wait for the
 * work to stop. Calls after the first do nothing.
 */
export type CancelFunc = () => void;

/**
 * CancelCauseFunc is a CancelFunc that also records why (Go's context.CancelCauseFunc): cause(ctx) and the cause of
 * every descendant canceled with it return `cause`. With no cause (or null/undefined) the cause is Canceled. It does
 * not change the cause of a context already canceled.
 */
export type CancelCauseFunc = (cause?: unknown) => void;

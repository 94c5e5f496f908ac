/**
 * Context is Go's context.Context: a deadline, a cancellation signal and request-scoped values, passed down a call
 * tree. Contexts are immutable; derive children with withCancel, withTimeout, withDeadline and withValue.
 *
 * A Context implemented outside gocsp works as a parent: its children learn of its cancellation through its `signal`,
 * so such an implementation must abort `signal` when it closes `done` (and return a non-null `err` from then on).
 *
 * The type parameter is what done() returns, so that the compiler knows which contexts have a channel. Go's Done is
 * nil exactly for a context that can never be canceled; gocsp types that split:
 *
 *   Context                  done(): RecvChan<never> | null   any context (what functions should accept)
 *   CancelableContext        done(): RecvChan<never>          withCancel, withCancelCause, withDeadline(Cause),
 *                                                             withTimeout(Cause), fromSignal, errgroup's withContext
 *   NeverCanceledContext     done(): null                     background, todo, withoutCancel
 *
 * withValue keeps its parent's kind.
 */
import type { RecvChan } from '../chan/types.js';

/**
 * Context is Go's context.Context. `Done` is the type of done(): a channel, null, or (the default, for a context of
 * unknown kind) either; see CancelableContext and NeverCanceledContext.
 *
 * @example
 * async function fetchAll(ctx: Context, urls: string[]): Promise<void> {
 *   for (const u of urls) {
 *     if (ctx.err() !== null) throw ctx.err();
 *     await fetch(u, { signal: ctx.signal });
 *   }
 * }
 */
export interface Context<Done extends RecvChan<never> | null = RecvChan<never> | null> {
  /**
   * done returns a channel that is closed when this context is canceled or its deadline passes, or `null` (a nil
   * channel, never ready) for a context that can never be canceled, such as background(). It returns the same
   * channel on every call.
   */
  done(): Done;
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
 * CancelableContext is a context that can be canceled, whose done() is a channel, never null: what withCancel,
 * withCancelCause, withDeadline, withTimeout (and their Cause forms), fromSignal and errgroup's withContext return.
 *
 * @example
 * const [ctx, cancel] = withTimeout(background(), 5 * Second);
 * await ctx.done().recv(); // done() is a RecvChan here: no null check
 */
export type CancelableContext = Context<RecvChan<never>>;

/**
 * NeverCanceledContext is a context that can never be canceled, whose done() is null (Go's nil channel: a receive
 * blocks forever, a select case on it is never ready): what background, todo and withoutCancel return.
 *
 * @example
 * const ctx = background();
 * ctx.done(); // null, and typed null
 */
export type NeverCanceledContext = Context<null>;

/**
 * CancelFunc cancels its context (Go's context.CancelFunc): err becomes Canceled, done closes, every descendant is
 * canceled too, and the context is detached from its parent and stops its deadline timer. It does not wait for the
 * work to stop. Calls after the first do nothing.
 *
 * @example
 * async function withBudget(parent: Context, work: (ctx: Context) => Promise<void>): Promise<void> {
 *   const [ctx, cancel]: [Context, CancelFunc] = withTimeout(parent, 5 * Second);
 *   try {
 *     await work(ctx);
 *   } finally {
 *     cancel(); // frees the timer as soon as the work is done
 *   }
 * }
 * await withBudget(background(), async (ctx) => { console.log(ctx.err()); }); // null
 */
export type CancelFunc = () => void;

/**
 * CancelCauseFunc is a CancelFunc that also records why (Go's context.CancelCauseFunc): cause(ctx) and the cause of
 * every descendant canceled with it return `cause`. With no cause (or null/undefined) the cause is Canceled. It does
 * not change the cause of a context already canceled.
 *
 * @example
 * const [ctx, cancel]: [Context, CancelCauseFunc] = withCancelCause(background());
 * cancel(new Error('shutting down'));
 * cancel(new Error('ignored: already canceled'));
 * console.log((cause(ctx) as Error).message); // shutting down
 */
export type CancelCauseFunc = (cause?: unknown) => void;

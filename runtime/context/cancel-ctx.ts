/**
 * CancelCtx is a cancelable context, Go's cancelCtx and, with a deadline armed, its timerCtx: the node of the
 * cancellation tree that withCancel, withCancelCause, withDeadline, withTimeout and fromSignal return.
 *
 *   parent     the context it derives from (values and, without its own, the deadline come from there)
 *   link       how it hears of the parent's cancellation: registered in the nearest CancelCtx ancestor's children,
 *              an abort listener on a foreign parent's signal, or nothing (a parent that is never canceled)
 *   children   the cancelers registered here (child contexts, afterFunc registrations); null once canceled
 *   err/cause  null until the first cancel sets them, never changed after
 *   done       the done channel, made on first use (the shared closed one if the context is already canceled)
 *   expiry     the deadline timer (timerCtx only): one entry in its clock's timer heap from creation until it fires or
 *              the context is canceled
 *   interest   1 if a goroutine is parked on done, plus 1 per child whose own interest is non-zero, plus 1 per
 *              afterFunc registered here
 *
 * Invariants (from Go's context.go):
 * - err is non-null exactly when done is closed; canceling closes done, cancels every child, then detaches from the
 *   parent, so a long-lived parent never keeps canceled children.
 * - A child's deadline is never later than its parent's (withDeadline returns a cancel-only child otherwise).
 * - A deadline timer keeps the process alive (is ref'd) exactly while interest > 0: someone waits for this context,
 *   for a descendant, or for an afterFunc. An abandoned withTimeout(1 hour) never holds the process.
 * - A deadline that has passed is seen at once even if its timer has not fired yet (a busy loop, a timer that Node
 *   runs late): err(), a poll of done, signal and cause() all expire the context first.
 */
import { InvalidArgumentError } from '../panics.js';
import { describe } from '../validate.js';
import type { CancelableContext, CancelCauseFunc, CancelFunc, Context } from './context.js';
import { CLOSED_DONE, DoneChan, type DoneOwner } from './done-chan.js';
import { Canceled, DeadlineExceeded } from './cancel-errors.js';
import { checkParent, contextName, isContext } from './parent.js';

/** Canceler is anything a CancelCtx cancels with itself: a child context, an afterFunc, a listener to remove. */
export interface Canceler {
  /** cancel is called once the parent is canceled (removeFromParent false) or by its owner (true). */
  cancel(removeFromParent: boolean, err: Error, cause: unknown): void;
}

/** Expiry is the deadline timer of a CancelCtx (see timer-ctx.ts). */
export interface Expiry {
  /** cause is what cause() reports once the deadline has passed (DeadlineExceeded unless one was given). */
  readonly cause: unknown;
  /** due reports whether the deadline has passed on the timer's clock. */
  due(): boolean;
  /** setRef makes the timer keep the process alive, or not. */
  setRef(on: boolean): void;
  /** stop takes the timer out of its heap. */
  stop(): void;
}

/** Link is how a child hears of its parent's cancellation (see the file comment). */
export type Link = CancelCtx | (() => void) | null;

/** cancelCtxKey is the value key for which a CancelCtx returns itself (Go's &cancelCtxKey). */
export const cancelCtxKey: object = Object.freeze({ key: 'gocsp.cancelCtx' });

export class CancelCtx implements CancelableContext, Canceler, DoneOwner {
  readonly #parent: Context;
  readonly #deadline: number | undefined;
  #link: Link = null;
  #children: Set<Canceler> | null = null;
  #err: Error | null = null;
  #cause: unknown = null;
  #done: DoneChan | null = null;
  #expiry: Expiry | null = null;
  /** #timed is the nearest context at or above this one, through links, that has an armed deadline. */
  #timed: CancelCtx | null = null;
  #interest = 0;
  /** #reported says whether this context currently counts in its linked parent's interest. */
  #reported = false;
  #controller: AbortController | null = null;
  #signal: AbortSignal | null = null;

  /** @internal use withCancel, withDeadline, ...; `deadline` (epoch ms) is this context's own deadline, if any. */
  constructor(parent: Context, deadline?: number) {
    this.#parent = parent;
    this.#deadline = deadline;
    const l = link(parent, this, false);
    this.#link = l;
    if (l instanceof CancelCtx) this.#timed = l.#timed;
  }

  done(): DoneChan {
    this.#done ??= this.#err === null ? new DoneChan(this) : CLOSED_DONE;
    return this.#done;
  }

  err(): Error | null {
    if (this.#err === null && this.#timed !== null) this.expireIfDue();
    return this.#err;
  }

  deadline(): Date | undefined {
    return this.#deadline === undefined ? this.#parent.deadline() : new Date(this.#deadline);
  }

  value(key: unknown): unknown {
    return key === cancelCtxKey ? this : this.#parent.value(key);
  }

  get signal(): AbortSignal {
    if (this.#signal === null) {
      const err = this.err();
      if (err !== null) {
        this.#signal = AbortSignal.abort(err);
      } else {
        this.#controller = new AbortController();
        this.#signal = this.#controller.signal;
      }
    }
    return this.#signal;
  }

  toString(): string {
    if (this.#deadline === undefined) return `${contextName(this.#parent)}.WithCancel`;
    return `${contextName(this.#parent)}.WithDeadline(${new Date(this.#deadline).toISOString()})`;
  }

  /** currentCause is cause(ctx) for this context: null until canceled, then the cause. */
  currentCause(): unknown {
    return this.err() === null ? null : this.#cause;
  }

  /** childCount is the number of registered children (for tests and diagnostics). */
  get childCount(): number {
    return this.#children?.size ?? 0;
  }

  /**
   * cancel closes done, cancels every child with the same err and cause, aborts the signal with err and, if
   * `removeFromParent`, detaches this context from its parent. Only the first call does anything.
   */
  cancel(removeFromParent: boolean, err: Error, cause: unknown): void {
    if (this.#err !== null) return;
    this.#err = err;
    const c = cause ?? err;
    this.#cause = c;
    this.#expiry?.stop();
    this.#done?.close();
    const children = this.#children;
    this.#children = null;
    if (children !== null) for (const child of children) child.cancel(false, err, c);
    if (this.#controller !== null) {
      const ac = this.#controller;
      this.#controller = null;
      // The reason is err, as Go's ctx.Err(): code that only sees the signal can still tell a cancellation
      // (isCanceled, isDeadlineExceeded) from a failure. The cause stays behind cause(ctx).
      ac.abort(err);
    }
    if (removeFromParent) {
      const l = this.#link;
      this.#link = null;
      unlink(l, this, this.#reported);
      this.#reported = false;
    }
  }

  /** arm attaches the deadline timer (timerCtx), right after construction. */
  arm(expiry: Expiry): void {
    this.#expiry = expiry;
    this.#timed = this;
    if (this.#interest > 0) expiry.setRef(true);
  }

  /** expireIfDue cancels with DeadlineExceeded now if this context's deadline or an ancestor's has passed. */
  expireIfDue(): void {
    for (let t = this.#timed; t !== null && t.#err === null; ) {
      const x = t.#expiry!;
      if (x.due()) {
        t.cancel(true, DeadlineExceeded, x.cause);
        return;
      }
      const l = t.#link;
      t = l instanceof CancelCtx ? l.#timed : null;
    }
  }

  /** waiting is the done channel reporting its first parked receiver (true) or the last one leaving (false). */
  waiting(on: boolean): void {
    this.addInterest(on ? 1 : -1);
  }

  /**
   * addInterest changes the interest count; when it moves between zero and non-zero (and the context is not
   * canceled), it refs or unrefs the deadline timer and tells the linked parent, so a wait anywhere below keeps every
   * deadline above alive.
   */
  addInterest(d: 1 | -1): void {
    const was = this.#interest > 0;
    this.#interest += d;
    const is = this.#interest > 0;
    if (was === is || this.#err !== null) return;
    this.#expiry?.setRef(is);
    const l = this.#link;
    if (l instanceof CancelCtx && this.#reported !== is) {
      this.#reported = is;
      l.addInterest(is ? 1 : -1);
    }
  }

  /** addChild registers `child` to be canceled with this context; `interested` children count in its interest. */
  addChild(child: Canceler, interested: boolean): void {
    (this.#children ??= new Set()).add(child);
    if (interested) this.addInterest(1);
  }

  /** removeChild unregisters `child`, given whether it counted in this context's interest. */
  removeChild(child: Canceler, interested: boolean): void {
    if (this.#children?.delete(child) === true && interested) this.addInterest(-1);
  }
}

/**
 * link arranges for `child` to be canceled when `parent` is (Go's propagateCancel) and returns the link: the nearest
 * CancelCtx ancestor (child registered there), a function removing the abort listener put on a foreign parent's
 * signal, or null when the parent can never be canceled or already was (then `child` is canceled at once).
 */
export function link(parent: Context, child: Canceler, interested: boolean): Link {
  const done = parent.done();
  if (done === null) return null;
  const err = parent.err();
  if (err !== null) {
    child.cancel(false, err, cause(parent));
    return null;
  }
  const p = parent.value(cancelCtxKey);
  if (p instanceof CancelCtx && p.done() === done) {
    p.addChild(child, interested);
    return p;
  }
  // A Context implemented elsewhere: its signal is the contract (see context.ts).
  const signal = parent.signal;
  const onAbort = (): void => {
    const e = parent.err() ?? Canceled;
    child.cancel(false, e, cause(parent) ?? e);
  };
  if (signal.aborted) {
    onAbort();
    return null;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** unlink undoes link for `child` (Go's removeChild). */
export function unlink(l: Link, child: Canceler, interested: boolean): void {
  if (l instanceof CancelCtx) l.removeChild(child, interested);
  else if (l !== null) l();
}

/** childCount is the number of children registered in the nearest CancelCtx of `ctx` (tests and diagnostics). */
export function childCount(ctx: Context): number {
  const c = ctx.value(cancelCtxKey);
  return c instanceof CancelCtx ? c.childCount : 0;
}

/**
 * withCancel returns a child of `parent` and the function that cancels it (Go's context.WithCancel). The child's done
 * closes when cancel is called or when the parent's done closes, whichever comes first; its err is then Canceled (or
 * the parent's err). Call cancel as soon as the work is over: that detaches the child from the parent.
 *
 * Throws InvalidArgumentError if `parent` is null or not a Context.
 *
 * @example
 * const [ctx, cancel] = withCancel(background());
 * go(worker, ctx);
 * // ...
 * cancel(); // worker sees ctx.done() closed and ctx.err() === Canceled
 */
export function withCancel(parent: Context): [ctx: CancelableContext, cancel: CancelFunc] {
  const c = new CancelCtx(checkParent('withCancel', parent));
  return [c, () => c.cancel(true, Canceled, null)];
}

/**
 * withCancelCause is withCancel whose cancel function records a cause (Go's context.WithCancelCause): err() is still
 * Canceled, and cause(ctx) returns the cause (Canceled if none was given). A cause given after the context was
 * canceled (by the parent, say) is ignored.
 *
 * @example
 * const [ctx, cancel] = withCancelCause(background());
 * cancel(new Error('upstream gone'));
 * ctx.err();   // Canceled
 * cause(ctx);  // Error: upstream gone
 */
export function withCancelCause(parent: Context): [ctx: CancelableContext, cancel: CancelCauseFunc] {
  const c = new CancelCtx(checkParent('withCancelCause', parent));
  return [c, (why?: unknown) => c.cancel(true, Canceled, why)];
}

/**
 * cause returns why `ctx` was canceled (Go's context.Cause): null while it is not canceled; the cause given to a
 * CancelCauseFunc, withDeadlineCause or withTimeoutCause (or an abort reason, for fromSignal) by the first
 * cancellation of `ctx` or of an ancestor; otherwise the same value as ctx.err().
 *
 * Throws InvalidArgumentError if `ctx` is not a Context.
 *
 * @example
 * const [ctx, cancel] = withCancelCause(background());
 * cancel(new Error('client went away'));
 * console.log(ctx.err() === Canceled, (cause(ctx) as Error).message); // true client went away
 */
export function cause(ctx: Context): unknown {
  if (!isContext(ctx)) throw new InvalidArgumentError(`cause: ctx must be a Context, got ${describe(ctx)}`);
  const c = ctx.value(cancelCtxKey);
  return c instanceof CancelCtx ? c.currentCause() : ctx.err();
}

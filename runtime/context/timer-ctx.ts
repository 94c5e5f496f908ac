/**
 * Deadline contexts: Go's context.WithDeadline, WithTimeout, WithDeadlineCause and WithTimeoutCause.
 *
 * A deadline context is a CancelCtx armed with one DeadlineTimer: a single entry in the timer heap of the clock that
 * was current at creation (the synctest bubble's virtual clock inside synctest.run), never a setTimeout of its own.
 * The entry stays in the heap until the deadline (then it cancels the context with DeadlineExceeded, waking everyone
 * parked on done even if nobody is) or until the context is canceled (then it is removed). It keeps the process alive
 * only while someone waits for the context (see cancel-ctx.ts).
 */
import { InvalidArgumentError } from '../panics.js';
import { clockNanos, currentClock, unixMillis, type Clock } from '../time/clock.js';
import { toNanos } from '../time/duration.js';
import { newEntry, type TimerEntry } from '../sched/timer-heap.js';
import { checkDuration, describe } from '../validate.js';
import { CancelCtx, type Expiry } from './cancel-ctx.js';
import type { CancelableContext, CancelFunc, Context } from './context.js';
import { Canceled, DeadlineExceeded } from './cancel-errors.js';
import { checkParent } from './parent.js';

class DeadlineTimer implements Expiry {
  readonly cause: unknown;
  readonly #clock: Clock;
  /** #when is the deadline as a nanotime of #clock. */
  readonly #when: number;
  readonly #entry: TimerEntry;

  constructor(ctx: CancelCtx, clock: Clock, when: number, cause: unknown) {
    this.cause = cause;
    this.#clock = clock;
    this.#when = when;
    // Unref'd until someone waits: see CancelCtx.addInterest.
    this.#entry = newEntry(() => ctx.cancel(true, DeadlineExceeded, cause), false);
    clock.timers.add(this.#entry, when);
  }

  due(): boolean {
    return this.#clock.nanotime() >= this.#when;
  }

  setRef(on: boolean): void {
    this.#clock.timers.setRef(this.#entry, on);
  }

  stop(): void {
    this.#clock.timers.remove(this.#entry);
  }
}

/**
 * deadlineCtx is the common body of the four constructors; `when` is the deadline as a nanotime of `clock` (the
 * current clock), `unix` the same instant in Unix ms (what deadline() reports).
 */
function deadlineCtx(
  parent: Context,
  clock: Clock,
  when: number,
  unix: number,
  cause: unknown,
): [ctx: CancelableContext, cancel: CancelFunc] {
  const cur = parent.deadline();
  // A Date holds whole ms: the parent's deadline is surely sooner only if its ms is before the child's.
  if (cur !== undefined && cur.getTime() < Math.floor(unix)) {
    // The parent's deadline is sooner: the child would be canceled by it first anyway.
    const c = new CancelCtx(parent);
    return [c, () => c.cancel(true, Canceled, null)];
  }
  const c = new CancelCtx(parent, unix);
  if (clock.nanotime() >= when) {
    c.cancel(true, DeadlineExceeded, cause ?? null);
    return [c, () => c.cancel(false, Canceled, null)];
  }
  if (c.err() === null) c.arm(new DeadlineTimer(c, clock, when, cause ?? DeadlineExceeded));
  return [c, () => c.cancel(true, Canceled, null)];
}

/** atUnix arms a deadline at the Unix time `unix` (ms) on the current clock. */
function atUnix(parent: Context, unix: number, cause: unknown): [ctx: CancelableContext, cancel: CancelFunc] {
  const clock = currentClock();
  return deadlineCtx(parent, clock, clockNanos(clock, unix), unix, cause);
}

/** fromNow arms a deadline `timeout` ms from now on the current clock, exactly (to the nanosecond). */
function fromNow(parent: Context, timeout: number, cause: unknown): [ctx: CancelableContext, cancel: CancelFunc] {
  const clock = currentClock();
  const when = clock.nanotime() + toNanos(timeout);
  return deadlineCtx(parent, clock, when, unixMillis(clock, when), cause);
}

function toEpochMs(fn: string, d: unknown): number {
  if (d instanceof Date) {
    const t = d.getTime();
    if (!Number.isNaN(t)) return t;
  } else if (typeof d === 'number' && Number.isFinite(d)) {
    return d;
  }
  const shown = d instanceof Date ? 'Invalid Date' : describe(d);
  throw new InvalidArgumentError(
    `${fn}: d must be a valid Date or a finite number of epoch milliseconds, got ${shown}`,
  );
}

/**
 * withDeadline returns a child of `parent` that is canceled with DeadlineExceeded at `d` (a Date or epoch ms), and
 * the function that cancels it sooner (Go's context.WithDeadline). If the parent's deadline is earlier than `d`, the
 * child is a plain cancelable child, as in Go. A deadline already passed gives a context canceled at once.
 *
 * The deadline runs on the clock current at creation: inside synctest.run it is virtual. Its timer keeps the process
 * alive only while a goroutine waits on done (of this context or a descendant) or an afterFunc is registered.
 *
 * Throws InvalidArgumentError if `parent` is null or not a Context, or `d` is not a valid time.
 *
 * @example
 * const [ctx, cancel] = withDeadline(background(), new Date(Date.now() + 50));
 * await recv(ctx.done()); // closed at the deadline
 * console.log(ctx.err() === DeadlineExceeded); // true
 * cancel(); // always call it: it frees the timer when the work ends first
 */
export function withDeadline(parent: Context, d: Date | number): [ctx: CancelableContext, cancel: CancelFunc] {
  checkParent('withDeadline', parent);
  return atUnix(parent, toEpochMs('withDeadline', d), null);
}

/**
 * withDeadlineCause is withDeadline that makes cause(ctx) return `cause` when the deadline passes (Go 1.21's
 * context.WithDeadlineCause); err() is still DeadlineExceeded. The returned cancel does not set the cause.
 *
 * @example
 * const closing = nowMillis() + 20;
 * const [ctx, cancel] = withDeadlineCause(background(), closing, new Error('shop closed'));
 * await recv(ctx.done());
 * console.log(isDeadlineExceeded(ctx.err()), (cause(ctx) as Error).message); // true shop closed
 * cancel();
 */
export function withDeadlineCause(
  parent: Context,
  d: Date | number,
  cause: unknown,
): [ctx: CancelableContext, cancel: CancelFunc] {
  checkParent('withDeadlineCause', parent);
  return atUnix(parent, toEpochMs('withDeadlineCause', d), cause);
}

/**
 * withTimeout is withDeadline(parent, now + timeout), `timeout` in ms (Go's context.WithTimeout); a timeout <= 0
 * gives a context already canceled with DeadlineExceeded.
 *
 * @example
 * const [ctx, cancel] = withTimeout(background(), 100 * Millisecond);
 * try {
 *   await fetchAll(ctx);
 * } finally {
 *   cancel(); // releases the timer if fetchAll finished first
 * }
 */
export function withTimeout(parent: Context, timeout: number): [ctx: CancelableContext, cancel: CancelFunc] {
  checkParent('withTimeout', parent);
  checkDuration('withTimeout', 'timeout', timeout);
  return fromNow(parent, timeout, null);
}

/**
 * withTimeoutCause is withTimeout whose expiry sets cause(ctx) to `cause` (Go 1.21's context.WithTimeoutCause).
 *
 * @example
 * const [ctx, cancel] = withTimeoutCause(background(), 10, new Error('backend too slow'));
 * await sleep(20);
 * console.log(ctx.err() === DeadlineExceeded, (cause(ctx) as Error).message); // true backend too slow
 * cancel();
 */
export function withTimeoutCause(
  parent: Context,
  timeout: number,
  cause: unknown,
): [ctx: CancelableContext, cancel: CancelFunc] {
  checkParent('withTimeoutCause', parent);
  checkDuration('withTimeoutCause', 'timeout', timeout);
  return fromNow(parent, timeout, cause);
}

/**
 * Group is golang.org/x/sync/errgroup: a set of goroutines working on parts of one task, with the first error
 * kept, an optional limit on how many run at once, and (with withContext) a context canceled at the first error.
 *
 *   active   goroutines started and not yet returned (Go's WaitGroup counter); wait resolves when it reaches 0
 *   limit    the most goroutines that may hold a slot at once, or -1 for none (Go's `sem` channel, nil or of cap n)
 *   held     slots taken under the current limit (Go's len(sem))
 *   queue    FIFO of go() calls parked for a slot (Go's senders blocked on sem)
 *
 * A goroutine that returns hands its slot straight to the oldest parked go() call, as a receive from Go's full
 * buffered channel completes a parked sender: tryGo never barges ahead of a parked go().
 *
 * Errors, in JS form: Go's `func() error` is a function that throws (or returns a rejected promise) to fail. The
 * first such error is kept, cancels the group's context with that error as cause, and is what wait() rejects with.
 * A runtime panic (a PanicError: send on a closed channel, a bad argument, ...) is not an error but a panic, as Go's
 * errgroup does not turn panics into errors: it is rethrown in its goroutine, after the goroutine counts as done.
 */
import { go } from './go.js';
import { isPanicError, SyncMisuseError } from './panics.js';
import { hold, unhold, type Holder } from './sched/held.js';
import { parkEnd, parkStart, type Park } from './sched/park.js';
import { badFunction, checkFunction, checkInteger } from './validate.js';
import { CancelCtx } from './context/cancel-ctx.js';
import type { CancelableContext, CancelCauseFunc, Context } from './context/context.js';
import { Canceled } from './context/cancel-errors.js';
import { checkParent } from './context/parent.js';

const RESOLVED: Promise<void> = Promise.resolve();

/** Parked is a go() call waiting for a slot. */
interface Parked extends Holder {
  readonly fn: () => unknown;
  readonly resolve: () => void;
  readonly park: Park;
  /** gocspWait names the wait for a goroutine dump (see sched/heap-walk.ts). */
  readonly gocspWait: string;
  next: Parked | null;
}

let attachCancel: (g: Group, cancel: CancelCauseFunc) => void;

/**
 * Group is golang.org/x/sync/errgroup's Group: goroutines working on parts of one task. wait() resolves when all
 * have returned, or rejects with the first error one threw; setLimit bounds how many run at once (go() then waits
 * for a slot, tryGo does not). Made with `new Group()`, or with withContext for a context canceled at the first error.
 *
 * @example
 * const [g, ctx] = withContext(background());
 * for (const url of urls) g.go(() => fetchInto(ctx, url, results));
 * await g.wait(); // rejects with the first failure; ctx was canceled then
 */
export class Group {
  #cancel: CancelCauseFunc | null = null;
  #active = 0;
  #limit = -1;
  #held = 0;
  /** #gen counts limit changes: a goroutine gives its slot back only to the limit it took it under. */
  #gen = 0;
  #head: Parked | null = null;
  #tail: Parked | null = null;
  #failed = false;
  #err: unknown = undefined;
  /** #waiters are the parked wait() calls; gocspWait names each for a goroutine dump (see sched/heap-walk.ts). */
  #waiters: (Holder & { readonly wake: () => void })[] = [];

  static {
    attachCancel = (g, cancel) => {
      g.#cancel = cancel;
    };
  }

  /**
   * go runs `fn` in a new goroutine. Under the limit (or with none) the goroutine is started at once and the
   * returned promise is already resolved; at the limit, go parks until a running goroutine returns and resolves once
   * `fn`'s goroutine has started (Go's g.Go blocks there). Parked calls are served FIFO.
   *
   * If `fn` throws or rejects and it is the group's first error, that error is kept for wait() and cancels the
   * group's context. Call go before wait (Go's rule); calls after wait has returned start a new round.
   *
   * It never throws: if `fn` is not a function, it returns a promise rejected with InvalidArgumentError.
   *
   * @example
   * const [g, ctx] = withContext(background());
   * for (const url of urls) await g.go(() => fetchInto(ctx, url, results));
   * await g.wait(); // rejects with the first fetch error
   */
  go(fn: () => unknown): Promise<void> {
    if (typeof fn !== 'function') return Promise.reject(badFunction('Group.go', fn));
    if (this.#limit < 0) {
      this.#start(fn, false);
      return RESOLVED;
    }
    if (this.#held < this.#limit) {
      this.#held++;
      this.#start(fn, true);
      return RESOLVED;
    }
    return new Promise<void>((resolve) => {
      const p: Parked = {
        fn,
        resolve,
        park: parkStart('chan send'),
        gocspWait: 'chan send',
        heldIndex: -1,
        next: null,
      };
      hold(p);
      if (this.#tail === null) this.#head = p;
      else this.#tail.next = p;
      this.#tail = p;
    });
  }

  /**
   * tryGo runs `fn` in a new goroutine only if that does not exceed the limit, and reports whether it did (Go's
   * g.TryGo). It never parks.
   *
   * Throws InvalidArgumentError if `fn` is not a function.
   */
  tryGo(fn: () => unknown): boolean {
    checkFunction('Group.tryGo', 'fn', fn);
    if (this.#limit < 0) {
      this.#start(fn, false);
      return true;
    }
    if (this.#held >= this.#limit) return false;
    this.#held++;
    this.#start(fn, true);
    return true;
  }

  /**
   * wait parks until every goroutine started by go and tryGo has returned, then cancels the group's context (with the
   * first error as cause, or Canceled) and resolves, or rejects with the first error: the JS form of the error Go's
   * g.Wait() returns. Several goroutines may wait at once.
   */
  wait(): Promise<void> {
    if (this.#active === 0) return this.#result();
    return new Promise<void>((resolve) => {
      const park = parkStart('sync.WaitGroup.Wait');
      // resolve is a property of the holder, not only captured by wake: a goroutine dump finds the holder from it.
      const w = {
        gocspWait: 'sync.WaitGroup.Wait',
        heldIndex: -1,
        resolve,
        wake(): void {
          parkEnd(park);
          unhold(this);
          this.resolve();
        },
      };
      hold(w);
      this.#waiters.push(w);
    }).then(() => this.#result());
  }

  /**
   * setLimit limits the number of goroutines running at once to `n` (Go's g.SetLimit); a negative `n` removes the
   * limit, and 0 makes every go() park. go() calls parked under the old limit are admitted under the new one.
   *
   * Throws SyncMisuseError `errgroup: modify limit while N goroutines in the group are still active` if goroutines
   * started under the current limit are still running (Go's panic), and InvalidArgumentError if `n` is not a safe
   * integer.
   */
  setLimit(n: number): void {
    checkInteger('Group.setLimit', 'n', n);
    if (n >= 0 && this.#limit >= 0 && this.#held !== 0) {
      throw new SyncMisuseError(
        `errgroup: modify limit while ${this.#held} goroutines in the group are still active`,
        'ERR_SYNC_ERRGROUP_MODIFY_LIMIT',
      );
    }
    this.#limit = n < 0 ? -1 : n;
    this.#held = 0;
    this.#gen++;
    while (this.#head !== null && (this.#limit < 0 || this.#held < this.#limit)) {
      const p = this.#shift()!;
      if (this.#limit >= 0) this.#held++;
      this.#admit(p, this.#limit >= 0);
    }
  }

  // Internals.

  #start(fn: () => unknown, holding: boolean): void {
    this.#active++;
    const gen = this.#gen;
    go(async () => {
      try {
        await fn();
      } catch (e) {
        if (isPanicError(e)) throw e;
        if (!this.#failed) {
          this.#failed = true;
          this.#err = e;
          this.#cancel?.(e ?? Canceled);
        }
      } finally {
        this.#done(holding, gen);
      }
    });
  }

  #done(holding: boolean, gen: number): void {
    if (holding && gen === this.#gen) {
      const p = this.#shift();
      if (p !== null) this.#admit(p, true);
      else this.#held--;
    }
    if (--this.#active === 0) {
      const ws = this.#waiters;
      this.#waiters = [];
      for (const w of ws) w.wake();
    }
  }

  /** #admit starts a parked go() call's goroutine (it already owns a slot if `holding`) and wakes the caller. */
  #admit(p: Parked, holding: boolean): void {
    parkEnd(p.park);
    unhold(p);
    this.#start(p.fn, holding);
    p.resolve();
  }

  #shift(): Parked | null {
    const p = this.#head;
    if (p !== null) {
      this.#head = p.next;
      if (this.#head === null) this.#tail = null;
      p.next = null;
    }
    return p;
  }

  #result(): Promise<void> {
    this.#cancel?.(this.#failed ? (this.#err ?? Canceled) : Canceled);
    return this.#failed ? Promise.reject(this.#err) : RESOLVED;
  }
}

/**
 * withContext returns a new Group and a context derived from `parent` that is canceled the first time a goroutine
 * of the group fails (with the error as cause) or the first time wait returns, whichever comes first (Go's
 * errgroup.WithContext). Either way ctx.err() and ctx.signal.reason are Canceled (DeadlineExceeded if the parent's
 * deadline came first), so siblings can tell the cancellation from a failure of their own; cause(ctx) is the error.
 *
 * Throws InvalidArgumentError if `parent` is null or not a Context.
 *
 * @example
 * const [g, ctx] = withContext(background());
 * await g.go(() => search(ctx, 'web'));
 * await g.go(() => search(ctx, 'images'));
 * await g.wait(); // the first failure cancels ctx, so the other search stops early
 */
export function withContext(parent: Context): [group: Group, ctx: CancelableContext] {
  const c = new CancelCtx(checkParent('withContext', parent));
  const g = new Group();
  attachCancel(g, (why?: unknown) => c.cancel(true, Canceled, why));
  return [g, c];
}

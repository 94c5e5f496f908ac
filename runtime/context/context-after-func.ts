/**
 * afterFunc: Go 1.21's context.AfterFunc, a function run in its own goroutine once a context is done.
 *
 * A registration is a child of the context's cancellation node, so it costs nothing until then, is dropped by stop,
 * and keeps the context's deadline timer ref'd (f is something to wait for) until it runs or is stopped.
 */
import { go } from '../go.js';
import { InvalidArgumentError } from '../panics.js';
import { checkFunction, describe } from '../validate.js';
import { link, unlink, type Canceler, type Link } from './cancel-ctx.js';
import type { Context } from './context.js';
import { isContext } from './parent.js';

const WAITING = 0;
const RAN = 1;
const STOPPED = 2;

class AfterFunc implements Canceler {
  readonly #f: () => unknown;
  /** #state moves from WAITING to RAN (the context is done) or STOPPED (stop won), once. */
  #state: typeof WAITING | typeof RAN | typeof STOPPED = WAITING;
  #link: Link = null;

  constructor(ctx: Context, f: () => unknown) {
    this.#f = f;
    this.#link = link(ctx, this, true);
  }

  cancel(): void {
    if (this.#state !== WAITING) return;
    this.#state = RAN;
    this.#link = null;
    go(this.#f);
  }

  stop(): boolean {
    if (this.#state !== WAITING) return false;
    this.#state = STOPPED;
    const l = this.#link;
    this.#link = null;
    unlink(l, this, true);
    return true;
  }
}

/**
 * afterFunc arranges for `f` to run in its own goroutine once `ctx` is done (canceled or past its deadline), or at
 * once (in a new goroutine) if it already is (Go 1.21's context.AfterFunc). Registrations are independent of each
 * other. A throw from `f` is a panic of that goroutine.
 *
 * The returned `stop` detaches `f` from `ctx`; it returns true if that prevented `f` from running, false if `f` has
 * already been started or stop was already called. stop does not wait for `f` to finish.
 *
 * For a context that can never be canceled (background()), `f` never runs.
 *
 * Throws InvalidArgumentError if `ctx` is not a Context or `f` is not a function.
 *
 * @example
 * const stop = afterFunc(ctx, () => conn.destroy());
 * await doWork(ctx);
 * stop(); // the work finished first: keep the connection
 */
export function afterFunc(ctx: Context, f: () => unknown): () => boolean {
  if (!isContext(ctx)) throw new InvalidArgumentError(`afterFunc: ctx must be a Context, got ${describe(ctx)}`);
  checkFunction('afterFunc', 'f', f);
  const a = new AfterFunc(ctx, f);
  return () => a.stop();
}

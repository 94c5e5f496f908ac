/**
 * The expected failures of a context: Go's context.Canceled and context.DeadlineExceeded.
 *
 * They are not panics (not PanicError subclasses): a canceled context or a passed deadline is the normal way for work
 * to stop. Each is one shared instance, so `ctx.err() === Canceled` works as Go's `ctx.Err() == context.Canceled`;
 * across a thread boundary, where identity is lost, use the guards, which check `code`.
 */

/**
 * CanceledError is the class of Canceled, the error of a context that was canceled.
 *
 * @example
 * const [ctx, cancel] = withCancel(background());
 * cancel();
 * console.log(ctx.err() instanceof CanceledError, ctx.err()?.message); // true context canceled
 */
export class CanceledError extends Error {
  override name = 'CanceledError';
  readonly code = 'ERR_CONTEXT_CANCELED';
  constructor() {
    super('context canceled');
  }
}

/**
 * DeadlineExceededError is the class of DeadlineExceeded, the error of a context whose deadline passed.
 *
 * @example
 * const [ctx, cancel] = withTimeout(background(), 0);
 * const err = ctx.err();
 * if (err instanceof DeadlineExceededError) console.log(err.timeout(), err.message); // true context deadline exceeded
 * cancel();
 */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
  readonly code = 'ERR_CONTEXT_DEADLINE_EXCEEDED';
  constructor() {
    super('context deadline exceeded');
  }

  /** timeout reports true: this error is a timeout (Go's `Timeout() bool`). */
  timeout(): boolean {
    return true;
  }
}

/**
 * Canceled is what Context.err returns once the context is canceled (Go's context.Canceled).
 *
 * @example
 * const [ctx, cancel] = withCancel(background());
 * cancel();
 * console.log(ctx.err() === Canceled); // true: one shared instance, as Go's `err == context.Canceled`
 */
export const Canceled: CanceledError = new CanceledError();

/**
 * DeadlineExceeded is what Context.err returns once the context's deadline passes (Go's context.DeadlineExceeded).
 *
 * @example
 * const [ctx, cancel] = withTimeout(background(), 10);
 * await recv(ctx.done());
 * console.log(ctx.err() === DeadlineExceeded); // true
 * cancel();
 */
export const DeadlineExceeded: DeadlineExceededError = new DeadlineExceededError();

const codeOf = (e: unknown): unknown =>
  typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;

/**
 * isCanceled reports whether `e` is Canceled (by its code, so it works across threads).
 *
 * @example
 * const [ctx, cancel] = withCancel(background());
 * const work = sleep(1000).then(() => ctx.err());
 * cancel();
 * console.log(isCanceled(await work)); // true
 */
export const isCanceled = (e: unknown): e is CanceledError => codeOf(e) === 'ERR_CONTEXT_CANCELED';

/**
 * isDeadlineExceeded reports whether `e` is DeadlineExceeded (by its code, so it works across threads).
 *
 * @example
 * const [ctx, cancel] = withTimeout(background(), 10);
 * const e = await select([recvCase(ctx.done(), () => ctx.err()), recvCase(after(1000), () => null)]);
 * if (isDeadlineExceeded(e)) console.log('gave up after 10 ms');
 * cancel();
 */
export const isDeadlineExceeded = (e: unknown): e is DeadlineExceededError =>
  codeOf(e) === 'ERR_CONTEXT_DEADLINE_EXCEEDED';

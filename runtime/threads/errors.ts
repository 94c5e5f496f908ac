/**
 * ThreadDiedError: the failure of goroutines whose worker thread died under them.
 *
 * A worker dies on an uncaught throw outside goroutines, a `process.exit()` in a task, or running out of memory under
 * `resourceLimits`. The scheduler replaces it and reports every goroutine that was on it with this error: as a panic
 * of that goroutine (`go`), or as the rejection of its `goThread` promise. Shutting the threads down also rejects the
 * `goThread` promises still pending with it (the goroutines of plain `go` are abandoned silently, as Go abandons
 * goroutines when main returns).
 */
import { PanicError } from '../errors.js';

/** ThreadDiedError reports that the worker thread running a goroutine died; `cause` is what killed it, if known. */
export class ThreadDiedError extends PanicError {
  override name = 'ThreadDiedError';
  /** slot is the thread slot of the worker that died (see threadSlot). */
  readonly slot: number;
  /** exitCode is the worker's exit code, or null if it was not known when the error was made. */
  readonly exitCode: number | null;

  constructor(message: string, slot: number, exitCode: number | null = null, cause?: unknown) {
    super(message, 'ERR_THREAD_DIED');
    this.slot = slot;
    this.exitCode = exitCode;
    if (cause !== undefined) this.cause = cause;
  }
}

/** isThreadDiedError reports whether `e` is a ThreadDiedError (by its code, so it works across threads). */
export const isThreadDiedError = (e: unknown): e is ThreadDiedError =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ERR_THREAD_DIED';

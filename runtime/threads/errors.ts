/**
 * ThreadDiedError: the failure of goroutines whose worker thread died under them.
 *
 * A worker dies on an uncaught throw outside goroutines, a `process.exit()` in a task, or running out of memory under
 * `resourceLimits`. The scheduler replaces it and reports every goroutine that was on it with this error: as a panic
 * of that goroutine (`go`), or as the rejection of its `goThread` promise. Shutting the threads down also rejects the
 * `goThread` promises still pending with it (the goroutines of plain `go` are abandoned silently, as Go abandons
 * goroutines when main returns).
 *
 * TaskModuleError: the failure of goroutines whose task module failed as a worker imported it to find the task. The
 * import runs the module's top level on the worker; a throw there, or a call to process.exit, is reported with it.
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

/**
 * TaskModuleError reports that a worker could not import a task's module: its top level, which runs again on every
 * worker that imports the module, threw (the error is the `cause`) or called process.exit. The message names the
 * module and the thread. The goroutine fails with it (a panic for go, a rejection for goThread); the worker lives on.
 *
 * @example
 * // tasks.ts: reads a file named on the command line, at the top level; on a worker there is no such argument
 * const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
 * // main.ts
 * await goThread(work).catch((e) => isTaskModuleError(e)); // true
 */
export class TaskModuleError extends PanicError {
  override name = 'TaskModuleError';

  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_TASK_MODULE');
    if (cause !== undefined) this.cause = cause;
  }
}

/** isTaskModuleError reports whether `e` is a TaskModuleError (by its code, so it works across threads). */
export const isTaskModuleError = (e: unknown): e is TaskModuleError =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ERR_TASK_MODULE';

/**
 * importTaskModule: how a worker imports a task's module, and what it reports when the module's top level fails
 * there. To find a task, a worker imports the module that defines it, which runs the module's top level again on the
 * worker: a one-file program's main() (which does nothing on a worker, see main-on-worker.ts), its prints, and any
 * code that assumes it runs once, on the main thread.
 *
 * Two failures of that top level are caught and reported as TaskModuleError naming the module and the thread, so
 * that the goroutine fails with a message that says what happened instead of the worker dying mute:
 * - a throw (the import rejects): the error is the cause;
 * - a call to process.exit, which would end the worker thread: while a task module is being imported, process.exit
 *   on this worker throws instead. "While" is tracked with an AsyncLocalStorage around the import, so it covers the
 *   top level's awaits and the timers it set, and not the goroutines of other modules running meanwhile (their
 *   process.exit still ends the worker, as documented for tasks). The storage is enabled only while an import runs:
 *   promise hooks slow every await on the thread. The one blur: go() starts a burst of goroutines in one microtask,
 *   so a goroutine started in the same microtask turn as one of the top level's shares its context (and the other
 *   way round) until the import ends.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe } from '../validate.js';
import { TaskModuleError, isTaskModuleError } from '../panics.js';

/** importing holds, while a task module is being imported, its URL (in the import's async context). */
const importing = new AsyncLocalStorage<string>();
/** pending counts the imports under way; the storage is disabled when it drops to 0. */
let pending = 0;
let exitGuarded = false;

/**
 * importTaskModule imports the task module at `url` on worker thread `slot`. It rejects with TaskModuleError if the
 * module's top level throws or calls process.exit.
 */
export async function importTaskModule(url: string, slot: number): Promise<Record<string, unknown>> {
  guardExit(slot);
  pending++;
  try {
    return (await importing.run(url, () => import(url))) as Record<string, unknown>;
  } catch (e) {
    if (isTaskModuleError(e)) throw e; // guardedExit's
    throw topLevelThrew(url, slot, e);
  } finally {
    if (--pending === 0) importing.disable();
  }
}

/** guardExit makes process.exit throw TaskModuleError when a task module's top level calls it. */
function guardExit(slot: number): void {
  if (exitGuarded) return;
  exitGuarded = true;
  const exit = process.exit;
  process.exit = function guardedExit(code?: number | string | null): never {
    const url = importing.getStore();
    if (url === undefined) return exit.call(process, code);
    const e = new TaskModuleError(
      `${cannotImport(url, slot)} called process.exit(${code === undefined ? '' : String(code)}) ` +
        '(start the program in main(), which does nothing on a worker)',
    );
    Error.captureStackTrace(e, guardedExit);
    throw e;
  } as typeof process.exit;
}

/** topLevelThrew is the TaskModuleError for a module whose import threw `cause`; its stack is where that was. */
function topLevelThrew(url: string, slot: number, cause: unknown): TaskModuleError {
  const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : describe(cause);
  const e = new TaskModuleError(`${cannotImport(url, slot)} threw ${what}`, cause);
  const stack = cause instanceof Error && typeof cause.stack === 'string' ? cause.stack : '';
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  // The frames of the module's own code: the ones below it are Node's loader and this file.
  const loader = frames.findIndex((l) => l.includes('node:internal/modules/'));
  if (frames.length > 0) e.stack = [`${e.name}: ${e.message}`, ...(loader > 0 ? frames.slice(0, loader) : frames)].join('\n');
  return e;
}

function cannotImport(url: string, slot: number): string {
  return (
    `gocsp: worker thread ${slot} could not import task module ${url}: its top level, which runs again on each ` +
    'worker that imports the module to find a task,'
  );
}

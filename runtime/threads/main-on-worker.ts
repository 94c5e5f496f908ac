/**
 * mainOnWorker: what main() does on a worker thread of the scheduler. A worker imports a task's module to find the
 * task, so in a one-file program (tasks and main() in one module) the worker runs that module's top level, main()
 * call included. The program must run once, on the main thread: on a worker main() returns at once, having done
 * nothing (no goroutine, no exit, no hooks), as if the worker had only been handed the module's declarations.
 *
 * It returns, as main() does on the main thread, before its goroutine has run: the code after main() at the top
 * level runs on both, and docs/threads.md tells what else of a task module's top level runs on every worker.
 */
import { workerInit } from './slot.js';

/** mainOnWorker reports whether this is a worker thread of the scheduler, where main() must not run the program. */
export function mainOnWorker(): boolean {
  return workerInit !== null;
}

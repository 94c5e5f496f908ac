/**
 * Task module for task(fn) without a URL (the module is found from the caller's stack), with a main() call at its
 * top level as a one-file program has: on the main thread it is skipped here (vitest runs the specs), on a worker it
 * must return at once without running anything.
 */
import { isMainThread } from 'node:worker_threads';
import { main } from '../../../../runtime/main.js';
import { task } from '../../../../runtime/threads/task.js';

/** cube returns n cubed. */
export const cube = task(function cube(n: number): number {
  return n ** 3;
});

let mainRan = false;
const mainReturned: unknown = isMainThread
  ? 'not called'
  : main(() => {
      mainRan = true;
      process.exit(9);
    });

/** afterMain reports, from the thread it runs on, what main() returned there and whether its fn ran. */
export const afterMain = task(async function afterMain(): Promise<{ returned: string; ran: boolean }> {
  await new Promise((r) => setImmediate(r)); // a goroutine that main() started at import would have run by now
  return { returned: String(mainReturned), ran: mainRan };
});

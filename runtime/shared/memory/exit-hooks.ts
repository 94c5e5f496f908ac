/**
 * onThreadExit: hooks told when a worker thread of the scheduler exits, so that whoever keeps state in shared memory
 * (the owner of a lock, the waiters of a channel) can recover what that thread left behind.
 *
 * Hooks run on the main thread, in registration order, after the worker has exited and before its goroutines are
 * reported failed and a replacement is started. A hook that throws does not stop the others; its error is rethrown
 * asynchronously (an uncaught exception, as for any event listener).
 */
import type { ThreadDiedError } from '../../panics.js';

/** ThreadExitHook receives the slot of the thread that exited and why: null for a shutdown, else the death. */
export type ThreadExitHook = (slot: number, died: ThreadDiedError | null) => void;

const hooks = new Set<ThreadExitHook>();

/** onThreadExit registers `hook` and returns a function that removes it. */
export function onThreadExit(hook: ThreadExitHook): () => void {
  hooks.add(hook);
  return () => {
    hooks.delete(hook);
  };
}

/** threadExited runs the hooks for the thread in `slot`. */
export function threadExited(slot: number, died: ThreadDiedError | null): void {
  for (const h of [...hooks]) {
    try {
      h(slot, died);
    } catch (e) {
      process.nextTick(() => {
        throw e;
      });
    }
  }
}

/** Task module of the parallel benches' set-up: which thread runs a goroutine. */
import { threadId } from 'node:worker_threads';
import { task } from '../../../runtime/threads/task.js';
import { linuxTid } from '../lib/thread-cpu.js';

/** Where is a thread: its Node threadId and its Linux thread id (for its CPU time in /proc). */
export interface Where {
  readonly threadId: number;
  readonly tid: number;
}

/** whereAmI reports the thread running it. */
export const whereAmI = task(import.meta.url, function whereAmI(): Where {
  return { threadId, tid: linuxTid() };
});

/** A task module whose top level throws on a worker (it needs something only the main thread has). */
import { isMainThread } from 'node:worker_threads';
import { task } from '../../../../../runtime/threads/task.js';

/** one returns 1, if its module could be imported. */
export const one = task(function one(): number {
  return 1;
});

if (!isMainThread) throw new RangeError('no config on this thread');

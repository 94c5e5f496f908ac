/** A task module whose top level calls process.exit on a worker, as a script's last line does. */
import { isMainThread } from 'node:worker_threads';
import { task } from '../../../../../runtime/threads/task.js';

/** two returns 2, if its module could be imported. */
export const two = task(function two(): number {
  return 2;
});

if (!isMainThread) process.exit(0);

/** A task module whose top level awaits, then calls process.exit on a worker. */
import { isMainThread } from 'node:worker_threads';
import { task } from '../../../../../runtime/threads/task.js';

/** three returns 3, if its module could be imported. */
export const three = task(function three(): number {
  return 3;
});

if (!isMainThread) {
  await new Promise((r) => setTimeout(r, 5));
  process.exit(3);
}

// A task module in plain JavaScript: the worker finds it by URL just like a TypeScript one.
import { threadId } from 'node:worker_threads';
import { task } from '../../../../runtime/threads/task.ts';

/** double returns 2 * n and the threadId it ran on. */
export const double = task(import.meta.url, function double(n) {
  return { value: 2 * n, threadId };
});
